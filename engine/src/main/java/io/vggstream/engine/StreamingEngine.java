package io.vggstream.engine;

import io.vggstream.engine.actors.Ingest;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The engine with its Kafka stream: what {@code vggstream run} is. {@link #close()} drains
 * (no new frames, those in flight finished and committed), then stops the actors and closes
 * the sessions.
 */
public final class StreamingEngine implements AutoCloseable {

    private final Engine engine;
    private final ActorRef<Ingest.Command> ingest;
    private final CompletableFuture<Done> ended;
    private boolean closed;

    private StreamingEngine(Engine engine, ActorRef<Ingest.Command> ingest, CompletableFuture<Done> ended) {
        this.engine = engine;
        this.ingest = ingest;
        this.ended = ended;
    }

    /** Starts consuming; the engine is owned (and closed) by the result. */
    public static StreamingEngine start(Engine engine, KafkaSettings kafka, TopicsSettings topics) {
        CompletableFuture<Done> ended = new CompletableFuture<>();
        ActorRef<Ingest.Command> ingest = engine.system().systemActorOf(
            Ingest.create(engine, kafka, topics, ended), "ingest", Props.empty());
        return new StreamingEngine(engine, ingest, ended);
    }

    public Engine engine() {
        return engine;
    }

    /** Completes when the stream ends: after {@link #close()}, or exceptionally if Kafka fails it. */
    public CompletionStage<Done> ended() {
        return ended;
    }

    /** The consumer's largest partition lag in records, -1 when not known yet. */
    public double lag() {
        try {
            return AskPattern.<Ingest.Command, Ingest.Lag>ask(ingest, Ingest.GetLag::new, Duration.ofSeconds(5),
                engine.system().scheduler()).toCompletableFuture().get(6, TimeUnit.SECONDS).maxRecords();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            AskPattern.<Ingest.Command, Done>ask(ingest, Ingest.Drain::new, engine.settings().frameDeadline().plusSeconds(30),
                engine.system().scheduler()).toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The stream had already ended (e.g. Kafka failed it): nothing left to drain.
        } finally {
            engine.close();
        }
    }
}
