package io.vggstream.engine.actors;

import io.vggstream.engine.api.Classification;
import io.vggstream.engine.api.Classifier;
import io.vggstream.engine.api.Degradation;
import io.vggstream.engine.api.Served;
import io.vggstream.topics.deadletter.ErrorKind;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The {@link Classifier} port over the aggregator: one ask per frame. Not an actor; it is what the
 * streams (Ingest, Enricher) and the runtime's facade hold instead of the aggregator's protocol.
 */
public final class AggregatorClassifier implements Classifier {

    private final ActorRef<Aggregator.Command> aggregator;
    private final Scheduler scheduler;
    private final Duration timeout;
    private final Served served;

    /** @param timeout how long an ask waits before the frame is answered as failed (longer than frame-deadline) */
    public AggregatorClassifier(ActorRef<Aggregator.Command> aggregator, Scheduler scheduler, Duration timeout, Served served) {
        this.aggregator = aggregator;
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.served = served;
    }

    @Override
    public CompletionStage<Classification> classify(byte[] image, int level) {
        return AskPattern.<Aggregator.Command, Classification>ask(aggregator,
                replyTo -> new Aggregator.Classify(image, level, replyTo), timeout, scheduler)
            .exceptionally(e -> new Classification.Failed(ErrorKind.INFERENCE,
                "no answer from the engine within " + timeout + ": " + e.getMessage()));
    }

    @Override
    public CompletionStage<Classification> classifyGoverned(byte[] image) {
        // Stamped here: the governor steers by the latency from the ask, the aggregator's mailbox included.
        long asked = System.nanoTime();
        return AskPattern.<Aggregator.Command, Classification>ask(aggregator,
                replyTo -> new Aggregator.ClassifyGoverned(image, asked, replyTo), timeout, scheduler)
            .exceptionally(e -> new Classification.Failed(ErrorKind.INFERENCE,
                "no answer from the engine within " + timeout + ": " + e.getMessage()));
    }

    @Override
    public CompletionStage<Degradation> degradation() {
        return AskPattern.<Aggregator.Command, Degradation>ask(aggregator, Aggregator.GetDegradation::new, timeout, scheduler);
    }

    @Override
    public Served served() {
        return served;
    }
}
