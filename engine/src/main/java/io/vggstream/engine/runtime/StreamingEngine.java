package io.vggstream.engine.runtime;

import io.vggstream.engine.actors.EngineGuardian;
import io.vggstream.engine.actors.Ingest;
import io.vggstream.engine.api.Degradation;
import io.vggstream.engine.kafka.OutputLimits;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.EnrichSettings;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The engine with its Kafka streams: the frames path, and event enrichment when enabled. What
 * {@code vggstream run} is. The streams' owners (Ingest, Enricher) are children of the engine's
 * guardian; this facade only asks the guardian. {@link #close()} drains (no new records, those in
 * flight finished, produced and committed), then stops the actors and closes the sessions.
 */
public final class StreamingEngine implements AutoCloseable {

    private final Engine engine;
    private final ActorRef<Ingest.Command> ingest;
    private final CompletableFuture<Done> ended;
    /** Set as the actor system begins terminating by itself (a fatal error), or at the end of a normal close. */
    private final java.util.concurrent.atomic.AtomicBoolean terminating;
    private boolean closed;

    private StreamingEngine(Engine engine, ActorRef<Ingest.Command> ingest, CompletableFuture<Done> ended,
                            java.util.concurrent.atomic.AtomicBoolean terminating) {
        this.engine = engine;
        this.ingest = ingest;
        this.ended = ended;
        this.terminating = terminating;
    }

    /** Starts consuming frames only; the engine is owned (and closed) by the result. */
    public static StreamingEngine start(Engine engine, KafkaSettings kafka, TopicsSettings topics) {
        return start(engine, kafka, topics, Optional.empty());
    }

    /** Starts consuming frames, and events when {@code enrich} is given and enabled. */
    public static StreamingEngine start(Engine engine, KafkaSettings kafka, TopicsSettings topics, Optional<EnrichSettings> enrich) {
        var system = engine.system();
        // What the output topics take, from the cluster: a dead letter or an enriched event is fitted to that.
        List<String> outputs = new ArrayList<>(List.of(topics.predictions().name(), topics.deadLetter().name()));
        enrich.filter(EnrichSettings::enabled).ifPresent(e -> outputs.add(e.outputTopic()));
        OutputLimits limits = OutputLimits.read(kafka, topics, outputs);
        EngineGuardian.Streams streams;
        try {
            streams = AskPattern.<EngineGuardian.Command, EngineGuardian.Streams>ask(system,
                    replyTo -> new EngineGuardian.StartStreams(kafka, topics, enrich, limits, replyTo), Duration.ofSeconds(30), system.scheduler())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the Kafka streams", e);
        } catch (Exception e) {
            throw new IllegalStateException("the Kafka streams did not start: " + e.getMessage(), e);
        }
        // The end of the streams is the guardian's to tell (it watches their owners); this one-message listener turns it into
        // the stage run waits on: a failure as soon as one stream fails, else done when every stream has stopped.
        CompletableFuture<Done> ended = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean terminating = new java.util.concurrent.atomic.AtomicBoolean();
        ActorRef<EngineGuardian.StreamsEnded> listener = system.systemActorOf(
            Behaviors.receive(EngineGuardian.StreamsEnded.class).onMessage(EngineGuardian.StreamsEnded.class, m -> {
                m.failure().ifPresentOrElse(ended::completeExceptionally, () -> ended.complete(Done.getInstance()));
                return Behaviors.stopped();
            }).build(), "streams-ended", Props.empty());
        system.tell(new EngineGuardian.WatchStreams(listener));
        // A fatal error terminates the actor system (pekko.jvm-exit-on-fatal-error is off): the streams have ended then too.
        // Told as the termination begins (its first phase), not when it ends: an actor that a fatal error left half-run may
        // never finish stopping, and the process must still end through the engine's own stop.
        org.apache.pekko.actor.CoordinatedShutdown.get(system).addTask(org.apache.pekko.actor.CoordinatedShutdown.PhaseBeforeServiceUnbind(),
            "vggstream-streams-ended", () -> {
                terminating.set(true);
                ended.completeExceptionally(new IllegalStateException("the engine's actor system is terminating (a fatal error: see the log)"));
                return CompletableFuture.completedFuture(Done.getInstance());
            });
        system.getWhenTerminated().thenRun(() -> ended.completeExceptionally(
            new IllegalStateException("the engine's actor system terminated (a fatal error: see the log)")));
        logStart(engine, kafka, topics);
        return new StreamingEngine(engine, streams.ingest(), ended, terminating);
    }

    /** The engine-start event: one INFO line with what it serves and where, its fields also as key-values (for JSON logs). */
    private static void logStart(Engine engine, KafkaSettings kafka, TopicsSettings topics) {
        EngineSettings s = engine.settings();
        java.util.List<String> models = engine.models().stream().map(m -> m.name() + " (config " + m.card().config() + ")").toList();
        java.util.List<String> devices = s.inference().devices().stream().map(Object::toString).toList();
        String delivery = s.delivery().exactlyOnce() ? "exactly-once (transactional id " + s.delivery().transactionalId() + ")" : "at-least-once";
        org.slf4j.LoggerFactory.getLogger(StreamingEngine.class).atInfo()
            .addKeyValue("event", "engine-start")
            .addKeyValue("models", models)
            .addKeyValue("protocol", engine.protocol().toString())
            .addKeyValue("scales", engine.scales())
            .addKeyValue("devices", devices)
            .addKeyValue("providers", engine.providers())
            .addKeyValue("bootstrap", kafka.bootstrapServers())
            .addKeyValue("group", s.groupId())
            .addKeyValue("frames_topic", topics.frames().name())
            .addKeyValue("predictions_topic", topics.predictions().name())
            .addKeyValue("dead_letter_topic", topics.deadLetter().name())
            .addKeyValue("delivery", delivery)
            .log("engine started: models {}, protocol {} (Q {}), devices {} -> {}; consuming {} on {} as group {};"
                    + " predictions to {}, dead letters to {}; {}",
                models, engine.protocol(), engine.scales(), devices, engine.providers(), topics.frames().name(),
                kafka.bootstrapServers(), s.groupId(), topics.predictions().name(), topics.deadLetter().name(), delivery);
    }

    public Engine engine() {
        return engine;
    }

    /** Completes when the streams end: after {@link #close()}, or exceptionally as soon as Kafka fails one. */
    public CompletionStage<Done> ended() {
        return ended;
    }

    /** The frames consumer's largest partition lag in records, -1 when not known yet. */
    public double lag() {
        return status().maxRecords();
    }

    /**
     * The frames consumer's own metrics (assigned partitions, per-partition lag), for the ops
     * endpoints; empty when the consumer does not answer within {@code timeout}.
     */
    public CompletionStage<java.util.Map<org.apache.kafka.common.MetricName, org.apache.kafka.common.Metric>> consumerMetrics(Duration timeout) {
        return AskPattern.<Ingest.Command, java.util.Map<org.apache.kafka.common.MetricName, org.apache.kafka.common.Metric>>ask(
                ingest, Ingest.GetConsumerMetrics::new, timeout, engine.system().scheduler())
            .exceptionally(e -> java.util.Map.of());
    }

    /**
     * Waits until the frames consumer holds at least one partition: until then a frame published is not read, and
     * waits for the group's join (a second or two on a fresh group). For callers that start a stream of their own
     * right after {@link #start} (the demo) and would otherwise time that join as the engine's latency.
     *
     * @return whether it holds partitions within {@code timeout}
     */
    public boolean awaitPartitions(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            java.util.Map<org.apache.kafka.common.MetricName, org.apache.kafka.common.Metric> m;
            try {
                m = consumerMetrics(Duration.ofSeconds(2)).toCompletableFuture().get();
            } catch (java.util.concurrent.ExecutionException e) {
                m = java.util.Map.of();
            }
            if (io.vggstream.engine.kafka.ConsumerMetrics.assignedPartitions(m) > 0) {
                return true;
            }
            if (ended.toCompletableFuture().isDone()) {
                return false;
            }
            // The consumer's metrics are the only signal of an assignment outside the stream; a join takes seconds.
            Thread.sleep(50);
        }
        return false;
    }

    /**
     * For the status line.
     *
     * @param maxRecords the frames consumer's largest partition lag in records (-1 when unknown)
     * @param level the protocol level the load governor has streamed frames use now (0: the configured protocol)
     * @param latencyMs the smoothed engine latency the governor steers by (NaN when unknown)
     */
    public record Status(double maxRecords, int level, double latencyMs) {
    }

    /** Lag (from the stream's owner), protocol level and smoothed latency (from the aggregator's governor). */
    public Status status() {
        CompletableFuture<Ingest.Lag> lag = AskPattern.<Ingest.Command, Ingest.Lag>ask(ingest, Ingest.GetLag::new, Duration.ofSeconds(5),
                engine.system().scheduler()).toCompletableFuture().exceptionally(e -> new Ingest.Lag(-1));
        CompletableFuture<Degradation> degradation = engine.degradation().toCompletableFuture().exceptionally(e -> new Degradation(0, Double.NaN, 0));
        try {
            return lag.thenCombine(degradation, (l, g) -> new Status(l.maxRecords(), g.level(), g.latencyMs())).get(6, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(-1, 0, Double.NaN);
        } catch (Exception e) {
            return new Status(-1, 0, Double.NaN);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Duration wait = engine.settings().frameDeadline().plusSeconds(30);
        if (terminating.get()) {
            // A fatal error has terminated the actor system, or is terminating it: nothing is left to drain, only to wait for
            // (bounded: an actor the error left half-run may never stop; the caller ends the process then).
            try {
                engine.close();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(StreamingEngine.class).error("after a fatal error: {}", e.getMessage());
            }
            return;
        }
        try {
            // Answered once every stream's owner has stopped: at once for a stream that had already ended.
            AskPattern.<EngineGuardian.Command, Done>ask(engine.system(), EngineGuardian.DrainStreams::new, wait,
                engine.system().scheduler()).toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The drain took longer than the wait: stop anyway (what was not committed is consumed again).
        } finally {
            engine.close();
        }
    }
}
