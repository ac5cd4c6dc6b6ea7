package io.vggstream.engine.metrics;

import io.vggstream.topics.deadletter.ErrorKind;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters the actors bump and the status line, benchmarks and tests read. Lock-free: written on
 * the workers' threads, read anywhere.
 */
public final class EngineMetrics {

    private final LongAdder framesIn = new LongAdder();
    private final LongAdder predictions = new LongAdder();
    private final LongAdder partial = new LongAdder();
    private final LongAdder deadLetters = new LongAdder();
    /** Per {@link ErrorKind}, by ordinal: the dead letters' {@code error.kind}. */
    private final LongAdder[] deadLettersByKind = new LongAdder[ErrorKind.values().length];
    private final LongAdder dropped = new LongAdder();
    private final LongAdder modelSwaps = new LongAdder();
    private final LongAdder refusedModels = new LongAdder();
    private final AtomicLong maxInFlightSeen = new AtomicLong();
    private final LongAdder batches = new LongAdder();
    private final LongAdder batchedInputs = new LongAdder();
    private final LongAdder failedBatches = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLongArray batchSizes;
    /** The enrichment stream's events, by how each was answered. */
    private final LongAdder eventsIn = new LongAdder();
    private final LongAdder eventsEnriched = new LongAdder();
    private final LongAdder eventsSkipped = new LongAdder();
    private final LongAdder eventsFailed = new LongAdder();
    private volatile Listener listener = new Listener() {
    };

    /** The stages whose latency is measured (ops.MetricsBinding turns them into histograms). */
    public enum Stage {
        /** Consumed from Kafka to answered (prediction or dead letter ready to produce); per frame. */
        END_TO_END,
        /** The header probe and OpenCV's decode, bytes to pixels; per frame that decoded. */
        DECODE,
        /** Pixels to the variants' tensors (rescale to each Q, crops, flips, minus the mean); per frame that decoded. */
        PREPROCESS,
        /** A variant handed to an inference worker until its batch starts to run (the worker's mailbox and the batcher); per variant. */
        QUEUE,
        /** One ONNX Runtime run of a batch; per batch. */
        INFERENCE_BATCH,
        /** Averaging the variants' posteriors into the frame's, and its top-k; per frame answered with a prediction. */
        FUSION,
        /** Answer handed to the Kafka producer stage until that stage emits the producer's ack, in order; per output record (at least once only). */
        PRODUCE
    }

    /** Receives what the counters cannot hold: latencies and each batch's size. Called on the actors' threads: be quick. */
    public interface Listener {
        default void latency(Stage stage, long nanos) {
        }

        default void batch(int size) {
        }
    }

    public EngineMetrics(int maxBatchSize) {
        batchSizes = new AtomicLongArray(maxBatchSize + 1);
        for (int i = 0; i < deadLettersByKind.length; i++) {
            deadLettersByKind[i] = new LongAdder();
        }
    }

    public void frameIn() {
        framesIn.increment();
        long now = inFlight.incrementAndGet();
        maxInFlightSeen.accumulateAndGet(now, Math::max);
    }

    /** A frame answered with a "dropped" dead letter: too old to be worth inferring. */
    public void frameDropped() {
        dropped.increment();
        frameDeadLettered(ErrorKind.DROPPED);
    }

    /** A replaced model file was loaded, warmed and swapped in. */
    public void modelSwapped() {
        modelSwaps.increment();
    }

    /** A replaced model file could not be served; the previous model goes on. */
    public void modelRefused() {
        refusedModels.increment();
    }

    public long modelSwaps() {
        return modelSwaps.sum();
    }

    public long refusedModels() {
        return refusedModels.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    /** The most frames that were ever in the engine at once: at most max-in-flight. */
    public long maxInFlightSeen() {
        return maxInFlightSeen.get();
    }

    /** A frame answered with a prediction, from part of its variants when {@code wasPartial} (frame-deadline). */
    public void framePredicted(boolean wasPartial) {
        inFlight.decrementAndGet();
        predictions.increment();
        if (wasPartial) {
            partial.increment();
        }
    }

    /** A frame answered with a dead letter of {@code kind} (for {@link ErrorKind#DROPPED}, call {@link #frameDropped}). */
    public void frameDeadLettered(ErrorKind kind) {
        inFlight.decrementAndGet();
        deadLetters.increment();
        deadLettersByKind[kind.ordinal()].increment();
    }

    /** An event consumed by the enrichment stream ({@code --enrich}). */
    public void eventIn() {
        eventsIn.increment();
    }

    /** An event answered with its {@code vgg} object. */
    public void eventEnriched() {
        eventsEnriched.increment();
    }

    /** An event passed through unchanged with a {@code vgg-skipped} header (no image, or not a JSON object). */
    public void eventSkipped() {
        eventsSkipped.increment();
    }

    /** An event answered with {@code vgg.error}: its image could not be had or classified. */
    public void eventFailed() {
        eventsFailed.increment();
    }

    public long eventsIn() {
        return eventsIn.sum();
    }

    public long eventsEnriched() {
        return eventsEnriched.sum();
    }

    public long eventsSkipped() {
        return eventsSkipped.sum();
    }

    public long eventsFailed() {
        return eventsFailed.sum();
    }

    /** Events answered, whichever way: enriched, skipped and failed. */
    public long eventsAnswered() {
        return eventsEnriched() + eventsSkipped() + eventsFailed();
    }

    /** Installs the one listener (ops.MetricsBinding); the default does nothing. */
    public void listener(Listener listener) {
        this.listener = java.util.Objects.requireNonNull(listener);
    }

    public void latency(Stage stage, long nanos) {
        listener.latency(stage, nanos);
    }

    public void batch(int size) {
        listener.batch(size);
        batches.increment();
        batchedInputs.add(size);
        batchSizes.incrementAndGet(Math.min(size, batchSizes.length() - 1));
    }

    public void failedBatch() {
        failedBatches.increment();
    }

    public long framesIn() {
        return framesIn.sum();
    }

    public long predictions() {
        return predictions.sum();
    }

    public long partial() {
        return partial.sum();
    }

    public long deadLetters() {
        return deadLetters.sum();
    }

    /** Dead letters of {@code kind} so far; over every kind they sum to {@link #deadLetters}. */
    public long deadLetters(ErrorKind kind) {
        return deadLettersByKind[kind.ordinal()].sum();
    }

    public long inFlight() {
        return inFlight.get();
    }

    public long batches() {
        return batches.sum();
    }

    public long failedBatches() {
        return failedBatches.sum();
    }

    public double meanBatchSize() {
        long b = batches.sum();
        return b == 0 ? 0 : (double) batchedInputs.sum() / b;
    }

    /** How many batches had each size: index = size. */
    public long[] batchSizeHistogram() {
        long[] h = new long[batchSizes.length()];
        for (int i = 0; i < h.length; i++) {
            h[i] = batchSizes.get(i);
        }
        return h;
    }
}
