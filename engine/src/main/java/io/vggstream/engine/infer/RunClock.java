package io.vggstream.engine.infer;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When each inference run in progress in this process began: what the stall watch reads. A run stuck in native code
 * never returns, so only its start can tell it apart from a slow one. Process-wide, like ONNX Runtime's environment.
 */
public final class RunClock {

    /** One run in progress: what runs ({@code model@provider}) and since when ({@code System.nanoTime()}). */
    public record Running(String what, long startNanos) {
    }

    private static final Map<Long, Running> RUNS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private RunClock() {
    }

    /** A run begins; the token ends it. */
    public static long begin(String what) {
        long id = IDS.incrementAndGet();
        RUNS.put(id, new Running(what, System.nanoTime()));
        return id;
    }

    public static void end(long token) {
        RUNS.remove(token);
    }

    /** The run in progress that began first, if any. */
    public static Optional<Running> oldest() {
        return RUNS.values().stream().min(Comparator.comparingLong(Running::startNanos));
    }
}
