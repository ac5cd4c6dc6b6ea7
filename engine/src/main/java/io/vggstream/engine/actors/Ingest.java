package io.vggstream.engine.actors;

import io.vggstream.engine.api.Classification;
import io.vggstream.engine.api.Classifier;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.fusion.TemporalFusion;
import io.vggstream.engine.kafka.ConsumerMetrics;
import io.vggstream.engine.kafka.FrameAge;
import io.vggstream.engine.kafka.KafkaPipe;
import io.vggstream.engine.kafka.OutputLimits;
import io.vggstream.engine.kafka.OutputRecords;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.deadletter.DeadLetter;
import io.vggstream.topics.deadletter.ErrorKind;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.StreamFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import io.vggstream.topics.prediction.Prediction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
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
 * Owns the Kafka stream of one engine instance: consumes the frames topic in the consumer group,
 * lets at most {@code max-in-flight} frames be in the engine at once (back-pressure on Kafka, not
 * an unbounded queue), answers each frame with exactly one record (prediction or dead letter),
 * and commits a frame's offset only after that record is written, in order per partition.
 *
 * <p>The sink is the stream's last two stages ({@code ProduceInOrder} then the connector's
 * {@code Committer.batchFlow}) rather than an actor: they keep the offsets in consumption order and
 * commit only what was produced, which is the at-least-once promise.
 * Frames reach the engine in groups of what was consumed together ({@code GroupsInFlight}, one ask
 * a group), and their answers leave in consumption order: order per stream follows.
 */
public final class Ingest extends AbstractBehavior<Ingest.Command> {

    /** What the ingest accepts. */
    public sealed interface Command {
    }

    /** Stop consuming, finish the frames in flight, commit, and answer. */
    public record Drain(ActorRef<Done> replyTo) implements Command {
    }

    /** The frames consumer's own metrics (kafka-clients'), for assignment and per-partition lag. */
    public record GetConsumerMetrics(ActorRef<Map<MetricName, Metric>> replyTo) implements Command {
    }

    /** The consumer's lag, for the status line. */
    public record GetLag(ActorRef<Lag> replyTo) implements Command {
    }

    /** @param maxRecords the largest lag over the assigned partitions, in records (-1 when unknown) */
    public record Lag(double maxRecords) {
    }

    private record StreamEnded(Throwable failure) implements Command {
    }

    private record Drained(ActorRef<Done> replyTo) implements Command {
    }

    /**
     * @param classifier the engine, as the stream sees it (the aggregator behind an ask)
     * @param metrics where frames in and out, end-to-end and produce latency are counted
     * @param limits the output topics' record limits, as read from the cluster at start
     */
    public static Behavior<Command> create(Classifier classifier, EngineSettings settings, EngineMetrics metrics, KafkaSettings kafka,
                                           TopicsSettings topics, OutputLimits limits) {
        return Behaviors.setup(ctx -> new Ingest(ctx, classifier, settings, metrics, kafka, topics, limits));
    }

    private final Consumer.DrainingControl<Done> control;
    private boolean draining;

    private Ingest(ActorContext<Command> ctx, Classifier classifier, EngineSettings settings, EngineMetrics metrics, KafkaSettings kafka,
                   TopicsSettings topics, OutputLimits limits) {
        super(ctx);
        OutputRecords out = new OutputRecords(topics, classifier.served(), limits.limit(topics.deadLetter().name()));
        int maxFrame = topics.maxFrameBytes();

        FrameAge frameAge = new FrameAge(settings.maxFrameAge(), settings.maxClockSkew());
        control = KafkaPipe.runGrouped(ctx.getSystem(), kafka, topics, settings.groupId(), topics.frames().name(),
            settings.maxInFlight(), settings.commitInterval(), records -> answer(classifier, metrics, out, records, maxFrame, frameAge),
            inOrder(settings, out), settings.delivery(),
            nanos -> metrics.latency(EngineMetrics.Stage.PRODUCE, nanos),
            settings.poisonPill(),
            (record, reason) -> {
                metrics.frameIn();
                metrics.frameDeadLettered(ErrorKind.POISON);
                return new Letter(out.deadLetterRecord(record, DeadLetter.of(record, ErrorKind.POISON, reason)));
            });
        ctx.pipeToSelf(control.streamCompletion(), (done, failure) -> new StreamEnded(failure));
        // The engine-start event (models, protocol, devices, Kafka) is StreamingEngine's.
    }

    /** A frame's answer before it becomes a record: classified, or already a record (a dead letter). */
    private sealed interface Answer {
    }

    private record Letter(ProducerRecord<byte[], byte[]> record) implements Answer {
    }

    private record Predicted(StreamFrame frame, Classification.Ok classified, long consumedNanos) implements Answer {
    }

    /**
     * Frames in, one answer each, in their order: never a failed stage, so one bad frame cannot stop the stream. The frames
     * to classify go to the engine in one ask (the stream's group, see {@link KafkaPipe#runGrouped}).
     */
    private static CompletionStage<List<Answer>> answer(Classifier classifier, EngineMetrics metrics, OutputRecords out,
                                                        List<ConsumerRecord<byte[], byte[]>> records, int maxFrame, FrameAge frameAge) {
        long consumed = System.nanoTime();
        long now = System.currentTimeMillis();
        Answer[] answers = new Answer[records.size()];
        List<StreamFrame> frames = new ArrayList<>(records.size());
        List<byte[]> images = new ArrayList<>(records.size());
        int[] at = new int[records.size()];
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            metrics.frameIn();
            FrameRecords.Parsed parsed = FrameRecords.parse(record, maxFrame);
            if (parsed instanceof FrameRecords.Parsed.Invalid invalid) {
                DeadLetter letter = DeadLetter.of(record, invalid);
                metrics.frameDeadLettered(letter.kind());
                answers[i] = new Letter(out.deadLetterRecord(record, letter));
                continue;
            }
            StreamFrame frame = ((FrameRecords.Parsed.Valid) parsed).frame();
            Optional<String> tooOld = frameAge.refusal(now, frame.frame().ts());
            if (tooOld.isPresent()) {
                metrics.frameDropped();
                answers[i] = new Letter(out.deadLetterRecord(record, DeadLetter.of(record, ErrorKind.DROPPED, tooOld.get())));
                continue;
            }
            at[frames.size()] = i;
            frames.add(frame);
            images.add(frame.frame().image());
        }
        if (frames.isEmpty()) {
            return CompletableFuture.completedFuture(Arrays.asList(answers));
        }
        // The engine picks the level (its load governor, in the aggregator, steers by each frame's latency).
        return classifier.classifyGoverned(images).thenApply(outcomes -> {
            long answered = System.nanoTime();
            for (int j = 0; j < outcomes.size(); j++) {
                int i = at[j];
                metrics.latency(EngineMetrics.Stage.END_TO_END, answered - consumed);
                if (outcomes.get(j) instanceof Classification.Ok c) {
                    metrics.framePredicted(c.partial());
                    answers[i] = new Predicted(frames.get(j), c, consumed);
                } else {
                    Classification.NotClassified f = (Classification.NotClassified) outcomes.get(j);
                    metrics.frameDeadLettered(f.kind());
                    ConsumerRecord<byte[], byte[]> record = records.get(i);
                    answers[i] = new Letter(out.deadLetterRecord(record, DeadLetter.of(record, f.kind(), f.reason())));
                }
            }
            return Arrays.asList(answers);
        });
    }

    /** Answers in consumption order, hence stream order: where the video-level fusion keeps its per-stream state. */
    private static Function<Answer, ProducerMessage.Envelope<byte[], byte[], NotUsed>> inOrder(EngineSettings settings, OutputRecords out) {
        TemporalFusion video = settings.video().create();
        return a -> {
            if (a instanceof Letter l) {
                return ProducerMessage.single(l.record());
            }
            Predicted p = (Predicted) a;
            Prediction prediction = out.prediction(p.frame(), p.classified(), p.consumedNanos());
            if (video.method() != TemporalFusion.Method.NONE) {
                TemporalFusion.Fused fused = video.add(p.frame().stream(), p.classified().posterior());
                prediction = prediction.withVideo(out.video(video.method(), fused, settings.topK()));
            }
            return ProducerMessage.single(out.predictionRecord(prediction));
        };
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Drain.class, this::onDrain)
            .onMessage(Drained.class, d -> {
                d.replyTo().tell(Done.getInstance());
                return Behaviors.stopped();
            })
            .onMessage(GetLag.class, this::onGetLag)
            .onMessage(GetConsumerMetrics.class, g -> {
                consumerMetrics().whenComplete((metrics, failure) ->
                    g.replyTo().tell(failure == null ? metrics : Map.of()));
                return this;
            })
            .onMessage(StreamEnded.class, this::onStreamEnded)
            .build();
    }

    private Behavior<Command> onDrain(Drain d) {
        draining = true;
        getContext().getLog().info("draining: no new frames; finishing and committing those in flight");
        getContext().pipeToSelf(control.drainAndShutdown(getContext().getExecutionContext()), (done, failure) -> new Drained(d.replyTo()));
        return this;
    }

    private Behavior<Command> onGetLag(GetLag g) {
        // The answer goes straight to the asker; nothing here changes the actor's state.
        consumerMetrics().whenComplete((metrics, failure) ->
            g.replyTo().tell(new Lag(failure == null ? ConsumerMetrics.windowLagMax(metrics) : -1)));
        return this;
    }

    /**
     * The stream ended on its own: a failure stops this actor by an exception (the guardian watches
     * it and reports the cause); a stream that completed stops it, unless a drain is finishing,
     * which stops it once the drain has answered.
     */
    private Behavior<Command> onStreamEnded(StreamEnded e) {
        if (e.failure() != null) {
            getContext().getLog().error("the Kafka stream failed: {}", e.failure().toString());
            throw new StreamFailedException("the Kafka stream", e.failure());
        }
        return draining ? this : Behaviors.stopped();
    }

    /**
     * The consumer's metrics; a failed stage, not a thrown exception, while the stream's stages
     * are not yet initialized (getMetrics throws then, and the actor would stop).
     */
    private CompletionStage<Map<MetricName, Metric>> consumerMetrics() {
        try {
            return control.getMetrics();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

}
