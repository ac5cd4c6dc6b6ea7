package io.vggstream.engine.actors;

import io.vggstream.engine.api.Classification;
import io.vggstream.engine.api.Classifier;
import io.vggstream.engine.api.Degradation;
import io.vggstream.engine.api.Served;
import io.vggstream.topics.deadletter.ErrorKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The {@link Classifier} port over the aggregator: one ask per frame, or per group of frames. Not an actor; it is what the
 * streams (Ingest, Enricher) and the runtime's facade hold instead of the aggregator's protocol.
 */
public final class AggregatorClassifier implements Classifier {

    /**
     * Where the answer's own stage runs: on the thread that completes the ask. The stage Pekko's
     * ask returns is Scala's converted future, which runs every dependent added without an
     * executor ({@code exceptionally}, {@code thenApply}, {@code whenComplete}) on the JDK's
     * default executor: the common pool, and on a machine of 2 cores or fewer a new thread per
     * call, so per frame (measured: about 3,600 threads started in a 20 s bench run). The stage
     * returned here is a plain {@code CompletableFuture}, whose dependents run where it completes.
     */
    private static final Executor ANSWERING_THREAD = Runnable::run;

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
            .handleAsync(this::orTimedOut, ANSWERING_THREAD);
    }

    @Override
    public CompletionStage<Classification> classifyGoverned(byte[] image) {
        // Stamped here: the governor steers by the latency from the ask, the aggregator's mailbox included.
        long asked = System.nanoTime();
        return AskPattern.<Aggregator.Command, Classification>ask(aggregator,
                replyTo -> new Aggregator.ClassifyGoverned(image, asked, replyTo), timeout, scheduler)
            .handleAsync(this::orTimedOut, ANSWERING_THREAD);
    }

    @Override
    public CompletionStage<List<Classification>> classifyGoverned(List<byte[]> images) {
        long asked = System.nanoTime();
        return AskPattern.<Aggregator.Command, List<Classification>>ask(aggregator,
                replyTo -> new Aggregator.ClassifyGovernedAll(images, asked, replyTo), timeout, scheduler)
            .handleAsync((answers, error) -> error == null ? answers
                : java.util.Collections.nCopies(images.size(), orTimedOut(null, error)), ANSWERING_THREAD);
    }

    private Classification orTimedOut(Classification answer, Throwable error) {
        return error == null ? answer : new Classification.Failed(ErrorKind.INFERENCE,
            "no answer from the engine within " + timeout + ": " + error.getMessage());
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
