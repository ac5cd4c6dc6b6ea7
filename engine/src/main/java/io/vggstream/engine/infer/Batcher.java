package io.vggstream.engine.infer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Dynamic batching, the logic alone: requests wait in one queue per input shape; a queue closes
 * into a batch when it reaches {@code maxBatchSize}, or when its first request has waited
 * {@code max-delay} (the owner's timer calls {@link #flush}).
 *
 * @param <S> the shape key
 * @param <T> the request
 */
public final class Batcher<S, T> {

    private final int maxBatchSize;
    private final Map<S, List<T>> pending = new HashMap<>();

    public Batcher(int maxBatchSize) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("max-batch-size must be at least 1, got " + maxBatchSize);
        }
        this.maxBatchSize = maxBatchSize;
    }

    /** What {@link #add} did. */
    public sealed interface Added<T> {
        /** The request opened a new queue: start its max-delay timer. */
        record Opened<T>() implements Added<T> {
        }

        /** The request joined a queue that is still open. */
        record Waiting<T>() implements Added<T> {
        }

        /** The request filled its queue: run this batch now (and cancel the timer). */
        record Full<T>(List<T> batch) implements Added<T> {
        }
    }

    public Added<T> add(S shape, T request) {
        List<T> q = pending.computeIfAbsent(shape, k -> new ArrayList<>());
        q.add(request);
        if (q.size() >= maxBatchSize) {
            pending.remove(shape);
            return new Added.Full<>(q);
        }
        return q.size() == 1 ? new Added.Opened<>() : new Added.Waiting<>();
    }

    /** Closes the queue of {@code shape}, if it has anything. */
    public Optional<List<T>> flush(S shape) {
        return Optional.ofNullable(pending.remove(shape));
    }

    /** Closes every queue: what is left when the owner stops. */
    public List<List<T>> drain() {
        List<List<T>> all = new ArrayList<>(pending.values());
        pending.clear();
        return all;
    }

    public int pendingCount() {
        return pending.values().stream().mapToInt(List::size).sum();
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }
}
