package io.vggstream.engine.actors;

import io.vggstream.engine.api.Classification;
import io.vggstream.engine.api.Classifier;
import io.vggstream.engine.api.Served;
import io.vggstream.engine.settings.EnrichSettings;
import io.vggstream.engine.kafka.Enrichment;
import io.vggstream.engine.kafka.ImageSource;
import io.vggstream.engine.kafka.KafkaPipe;
import io.vggstream.engine.kafka.OutputLimits;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.RecordFit;
import io.vggstream.topics.TopicsSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.javadsl.Consumer;

/**
 * Enriches a stream of JSON events with what their images show: each event comes out once, to
 * the output topic, with the same key and headers and a {@code vgg} object added (or a
 * {@code vgg.error} when its image could not be classified); an event with no image passes
 * through unchanged with a {@code vgg-skipped} header. At least once, like the frames path. Images
 * come only from where {@link ImageSource} allows; an output too large for its topic carries its
 * digest instead ({@link RecordFit}).
 */
public final class Enricher extends AbstractBehavior<Enricher.Command> {

    /** The header an event gets when it passes through unenriched. */
    public static final String SKIPPED_HEADER = "vgg-skipped";

    /** {@code vgg.kind} when the image could not be had (bad base64, a refused path or URL, a failed fetch). */
    public static final String FETCH_KIND = "fetch";

    /** {@code vgg.kind} of an output that carries its digest instead of the enriched event. */
    public static final String TOO_LARGE_KIND = "too-large";

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** What the enricher accepts. */
    public sealed interface Command {
    }

    /** Stop consuming, finish the events in flight, commit, and answer. */
    public record Drain(ActorRef<Done> replyTo) implements Command {
    }

    private record Drained(ActorRef<Done> replyTo) implements Command {
    }

    private record StreamEnded(Throwable failure) implements Command {
    }

    /**
     * @param classifier the engine, as the stream sees it (the aggregator behind an ask)
     * @param maxInFlight at most this many events inside the engine at once (the engine's max-in-flight)
     * @param commitInterval the longest an answered event's offset waits to be committed (the engine's commit-interval)
     * @param limits the output topics' record limits, as read from the cluster at start
     */
    public static Behavior<Command> create(Classifier classifier, EnrichSettings settings, int maxInFlight, Duration commitInterval,
                                           EngineMetrics metrics, KafkaSettings kafka, TopicsSettings topics, OutputLimits limits) {
        return Behaviors.setup(ctx -> new Enricher(ctx, classifier, settings, maxInFlight, commitInterval, metrics, kafka, topics, limits));
    }

    private final Consumer.DrainingControl<Done> control;
    private final ImageSource source;
    private boolean draining;

    private Enricher(ActorContext<Command> ctx, Classifier classifier, EnrichSettings settings, int maxInFlight, Duration commitInterval,
                     EngineMetrics metrics, KafkaSettings kafka, TopicsSettings topics, OutputLimits limits) {
        super(ctx);
        // File reads and host lookups block: Pekko's dispatcher for blocking work, not the stream's.
        ImageSource source = new ImageSource(settings, topics.maxFrameBytes(),
            ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking()));
        this.source = source;
        int limit = limits.limit(settings.outputTopic());
        control = KafkaPipe.run(ctx.getSystem(), kafka, topics, settings.groupId(), settings.inputTopic(),
            maxInFlight, commitInterval, record -> answer(classifier, settings, source, limit, ctx.getExecutionContext(), metrics, record),
            envelope -> envelope);
        ctx.pipeToSelf(control.streamCompletion(), (done, failure) -> new StreamEnded(failure));
        ctx.getLog().info("enriching {} into {} (image at {} as {}), group {}", settings.inputTopic(), settings.outputTopic(),
            settings.imageField(), settings.encoding().name().toLowerCase(java.util.Locale.ROOT), settings.groupId());
    }

    private static CompletionStage<ProducerMessage.Envelope<byte[], byte[], NotUsed>> answer(
            Classifier classifier, EnrichSettings settings, ImageSource source, int limit, java.util.concurrent.Executor json,
            EngineMetrics metrics, ConsumerRecord<byte[], byte[]> record) {
        metrics.eventIn();
        Enrichment.Found found = Enrichment.find(record.value(), settings);
        if (found instanceof Enrichment.Found.Skip skip) {
            metrics.eventSkipped();
            return CompletableFuture.completedFuture(out(settings, limit, record, record.value(), skip.reason()));
        }
        Enrichment.Found.Image image = (Enrichment.Found.Image) found;
        return source.get(image.field())
            // The event's JSON (with a descriptor, tens of KB) is written off the thread that answered (the aggregator's).
            .thenCompose(bytes -> classifier.classify(bytes).thenApplyAsync(outcome -> {
                if (outcome instanceof Classification.Ok c) {
                    Served served = c.served();
                    byte[] value = Enrichment.enriched(image.event(), c, served.classes(), served.models(), served.protocol(),
                        served.scales());
                    metrics.eventEnriched();
                    return value;
                }
                Classification.NotClassified f = (Classification.NotClassified) outcome;
                byte[] value = Enrichment.failed(image.event(), f.kind().code(), f.reason());
                metrics.eventFailed();
                return value;
            }, json))
            // What kind of failure only: never the file's contents, its size, or the server's answer.
            .exceptionally(e -> {
                byte[] value = Enrichment.failed(image.event(), FETCH_KIND, ImageSource.reason(e));
                metrics.eventFailed();
                return value;
            })
            .thenApply(value -> out(settings, limit, record, value, null));
    }

    static ProducerMessage.Envelope<byte[], byte[], NotUsed> out(EnrichSettings settings, int limit, ConsumerRecord<byte[], byte[]> in,
                                                                 byte[] value, String skipped) {
        RecordHeaders headers = new RecordHeaders(in.headers().toArray());
        if (skipped != null) {
            headers.remove(SKIPPED_HEADER).add(SKIPPED_HEADER, skipped.getBytes(StandardCharsets.UTF_8));
        }
        // An event near the limit plus its vgg object (a feature vector is tens of KB) would fail the producer, hence the stream.
        return ProducerMessage.single(RecordFit.fit(new ProducerRecord<>(settings.outputTopic(), null, in.key(), value, headers), limit,
            Set.of(SKIPPED_HEADER), Enricher::tooLarge));
    }

    /** What an output too large for its topic carries instead: a JSON object, so that readers of the topic still parse it. */
    static byte[] tooLarge(RecordFit.Digest digest) {
        com.fasterxml.jackson.databind.node.ObjectNode event = JSON.createObjectNode();
        event.putObject("vgg").put("kind", TOO_LARGE_KIND)
            .put("error", "the output event would have been larger than the output topic's limit: left out;"
                + " sha256 and size describe it (also in the value.sha256 and value.size headers)")
            .put("sha256", digest.sha256()).put("size", digest.size());
        try {
            return JSON.writeValueAsBytes(event);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write a small JSON object", e);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Drain.class, d -> {
                draining = true;
                getContext().pipeToSelf(control.drainAndShutdown(getContext().getExecutionContext()), (x, f) -> new Drained(d.replyTo()));
                return this;
            })
            .onMessage(Drained.class, d -> {
                d.replyTo().tell(Done.getInstance());
                return Behaviors.stopped();
            })
            // As Ingest: a failure stops this actor by an exception, which the guardian watching it reports.
            .onMessage(StreamEnded.class, e -> {
                if (e.failure() != null) {
                    getContext().getLog().error("the enrichment stream failed: {}", e.failure().toString());
                    throw new StreamFailedException("the enrichment stream", e.failure());
                }
                return draining ? this : Behaviors.stopped();
            })
            // Its pooled HTTP connections go with it.
            .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> {
                source.close();
                return this;
            })
            .build();
    }
}
