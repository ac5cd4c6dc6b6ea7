package io.vggstream.engine.actors;

import io.vggstream.engine.EnrichSettings;
import io.vggstream.engine.Engine;
import io.vggstream.engine.kafka.Enrichment;
import io.vggstream.engine.kafka.KafkaPipe;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.deadletter.ErrorKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
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
 * through unchanged with a {@code vgg-skipped} header. At least once, like the frames path.
 */
public final class Enricher extends AbstractBehavior<Enricher.Command> {

    /** The header an event gets when it passes through unenriched. */
    public static final String SKIPPED_HEADER = "vgg-skipped";

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

    public static Behavior<Command> create(Engine engine, EnrichSettings settings, KafkaSettings kafka, TopicsSettings topics,
                                           CompletableFuture<Done> ended) {
        return Behaviors.setup(ctx -> new Enricher(ctx, engine, settings, kafka, topics, ended));
    }

    private final Consumer.DrainingControl<Done> control;
    private final CompletableFuture<Done> ended;

    private Enricher(ActorContext<Command> ctx, Engine engine, EnrichSettings settings, KafkaSettings kafka,
                     TopicsSettings topics, CompletableFuture<Done> ended) {
        super(ctx);
        this.ended = ended;
        HttpClient http = HttpClient.newBuilder().connectTimeout(settings.urlTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL).build();
        control = KafkaPipe.run(ctx.getSystem(), kafka, topics, settings.groupId(), settings.inputTopic(),
            engine.settings().maxInFlight(), record -> answer(engine, settings, topics.maxFrameBytes(), http, record), envelope -> envelope);
        ctx.pipeToSelf(control.streamCompletion(), (done, failure) -> new StreamEnded(failure));
        ctx.getLog().info("enriching {} into {} (image at {} as {}), group {}", settings.inputTopic(), settings.outputTopic(),
            settings.imageField(), settings.encoding().name().toLowerCase(java.util.Locale.ROOT), settings.groupId());
    }

    private static CompletionStage<ProducerMessage.Envelope<byte[], byte[], NotUsed>> answer(
            Engine engine, EnrichSettings settings, int maxBytes, HttpClient http, ConsumerRecord<byte[], byte[]> record) {
        Enrichment.Found found = Enrichment.find(record.value(), settings);
        if (found instanceof Enrichment.Found.Skip skip) {
            return CompletableFuture.completedFuture(out(settings, record, record.value(), skip.reason()));
        }
        Enrichment.Found.Image image = (Enrichment.Found.Image) found;
        return fetch(settings, image.field(), maxBytes, http)
            .thenCompose(bytes -> engine.classify(bytes).thenApply(outcome -> {
                if (outcome instanceof Aggregator.Classified c) {
                    return Enrichment.enriched(image.event(), c, engine.classes(), engine.models().stream().map(m -> m.name()).toList(),
                        engine.protocol(), engine.scales());
                }
                Aggregator.Failed f = (Aggregator.Failed) outcome;
                return Enrichment.failed(image.event(), f.kind().code(), f.reason());
            }))
            .exceptionally(e -> Enrichment.failed(image.event(), ErrorKind.DECODE.code(), "cannot get the image: " + cause(e).getMessage()))
            .thenApply(value -> out(settings, record, value, null));
    }

    private static CompletionStage<byte[]> fetch(EnrichSettings settings, String field, int maxBytes, HttpClient http) {
        try {
            switch (settings.encoding()) {
                case BASE64:
                    return CompletableFuture.completedFuture(Enrichment.base64(field));
                case PATH:
                    return CompletableFuture.completedFuture(readFile(Path.of(field), maxBytes));
                default:
                    URI uri = URI.create(field.strip());
                    if ("file".equals(uri.getScheme())) {
                        return CompletableFuture.completedFuture(readFile(Path.of(uri), maxBytes));
                    }
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                        throw new IllegalArgumentException("unsupported URL scheme in " + field + " (http, https, file)");
                    }
                    return http.sendAsync(HttpRequest.newBuilder(uri).timeout(settings.urlTimeout()).GET().build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                        .thenApply(r -> {
                            if (r.statusCode() / 100 != 2) {
                                throw new IllegalStateException("GET " + uri + " answered " + r.statusCode());
                            }
                            if (r.body().length > maxBytes) {
                                throw new IllegalStateException("GET " + uri + " gave " + r.body().length + " bytes, over " + maxBytes);
                            }
                            return r.body();
                        });
            }
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static byte[] readFile(Path p, int maxBytes) throws IOException {
        long size = Files.size(p);
        if (size > maxBytes) {
            throw new IOException(p + " is " + size + " bytes, over the limit of " + maxBytes);
        }
        return Files.readAllBytes(p);
    }

    private static ProducerMessage.Envelope<byte[], byte[], NotUsed> out(EnrichSettings settings, ConsumerRecord<byte[], byte[]> in,
                                                                          byte[] value, String skipped) {
        RecordHeaders headers = new RecordHeaders(in.headers().toArray());
        if (skipped != null) {
            headers.remove(SKIPPED_HEADER).add(SKIPPED_HEADER, skipped.getBytes(StandardCharsets.UTF_8));
        }
        return ProducerMessage.single(new ProducerRecord<>(settings.outputTopic(), null, in.key(), value, headers));
    }

    private static Throwable cause(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Drain.class, d -> {
                getContext().pipeToSelf(control.drainAndShutdown(getContext().getExecutionContext()), (x, f) -> new Drained(d.replyTo()));
                return this;
            })
            .onMessage(Drained.class, d -> {
                ended.complete(Done.getInstance());
                d.replyTo().tell(Done.getInstance());
                return Behaviors.stopped();
            })
            .onMessage(StreamEnded.class, e -> {
                if (e.failure() != null) {
                    getContext().getLog().error("the enrichment stream failed: {}", e.failure().toString());
                    ended.completeExceptionally(e.failure());
                } else {
                    ended.complete(Done.getInstance());
                }
                return this;
            })
            .build();
    }
}
