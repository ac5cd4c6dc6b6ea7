package io.vggstream.engine;

import io.vggstream.engine.actors.Enricher;
import io.vggstream.engine.actors.Ingest;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The engine with its Kafka streams: the frames path, and event enrichment when enabled. What
 * {@code vggstream run} is. {@link #close()} drains (no new records, those in flight finished,
 * produced and committed), then stops the actors and closes the sessions.
 */
public final class StreamingEngine implements AutoCloseable {

    private final Engine engine;
    private final ActorRef<Ingest.Command> ingest;
    private final Optional<ActorRef<Enricher.Command>> enricher;
    private final CompletableFuture<Done> ended;
    private boolean closed;

    private StreamingEngine(Engine engine, ActorRef<Ingest.Command> ingest, Optional<ActorRef<Enricher.Command>> enricher,
                            CompletableFuture<Done> ended) {
        this.engine = engine;
        this.ingest = ingest;
        this.enricher = enricher;
        this.ended = ended;
    }

    /** Starts consuming frames only; the engine is owned (and closed) by the result. */
    public static StreamingEngine start(Engine engine, KafkaSettings kafka, TopicsSettings topics) {
        return start(engine, kafka, topics, Optional.empty());
    }

    /** Starts consuming frames, and events when {@code enrich} is given and enabled. */
    public static StreamingEngine start(Engine engine, KafkaSettings kafka, TopicsSettings topics, Optional<EnrichSettings> enrich) {
        CompletableFuture<Done> framesEnded = new CompletableFuture<>();
        ActorRef<Ingest.Command> ingest = engine.system().systemActorOf(
            Ingest.create(engine, kafka, topics, framesEnded), "ingest", Props.empty());
        Optional<ActorRef<Enricher.Command>> enricher = Optional.empty();
        CompletableFuture<Done> ended = framesEnded;
        if (enrich.isPresent() && enrich.get().enabled()) {
            CompletableFuture<Done> eventsEnded = new CompletableFuture<>();
            enricher = Optional.of(engine.system().systemActorOf(
                Enricher.create(engine, enrich.get(), kafka, topics, eventsEnded), "enricher", Props.empty()));
            // The engine runs until both streams end; either failing ends it.
            ended = framesEnded.thenCombine(eventsEnded, (a, b) -> a);
            eventsEnded.exceptionally(e -> {
                framesEnded.completeExceptionally(e);
                return null;
            });
        }
        logStart(engine, kafka, topics);
        return new StreamingEngine(engine, ingest, enricher, ended);
    }

    /** The engine-start event: one INFO line with what it serves and where, its fields also as key-values (for JSON logs). */
    private static void logStart(Engine engine, KafkaSettings kafka, TopicsSettings topics) {
        EngineSettings s = engine.settings();
        java.util.List<String> models = engine.models().stream().map(m -> m.name() + " (config " + m.card().config() + ")").toList();
        java.util.List<String> devices = s.devices().stream().map(Object::toString).toList();
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

    /** Completes when the streams end: after {@link #close()}, or exceptionally if Kafka fails one. */
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

    /** Lag, protocol level and smoothed latency, for the status line. */
    public Ingest.Lag status() {
        try {
            return AskPattern.<Ingest.Command, Ingest.Lag>ask(ingest, Ingest.GetLag::new, Duration.ofSeconds(5),
                engine.system().scheduler()).toCompletableFuture().get(6, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ingest.Lag(-1, 0, Double.NaN);
        } catch (Exception e) {
            return new Ingest.Lag(-1, 0, Double.NaN);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Duration wait = engine.settings().frameDeadline().plusSeconds(30);
        try {
            CompletableFuture<Done> frames = AskPattern.<Ingest.Command, Done>ask(ingest, Ingest.Drain::new, wait,
                engine.system().scheduler()).toCompletableFuture();
            CompletableFuture<Done> events = enricher.map(e -> AskPattern.<Enricher.Command, Done>ask(e, Enricher.Drain::new, wait,
                engine.system().scheduler()).toCompletableFuture()).orElse(CompletableFuture.completedFuture(Done.getInstance()));
            CompletableFuture.allOf(frames, events).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // A stream had already ended (e.g. Kafka failed it): nothing left to drain there.
        } finally {
            engine.close();
        }
    }
}
