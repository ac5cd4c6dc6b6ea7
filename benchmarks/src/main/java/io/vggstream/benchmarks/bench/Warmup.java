package io.vggstream.benchmarks.bench;

import java.time.Duration;

/**
 * How a point warms up before its window: at least {@code min}, then on until the JIT has settled
 * ({@link JitGate}), at most {@code jitCap} from the point's start in all.
 */
record Warmup(Duration min, Duration jitCap) {

    /** A fixed warm-up, without waiting for the JIT. */
    static Warmup fixed(Duration min) {
        return new Warmup(min, Duration.ZERO);
    }

    /** A gate started now for one point. */
    JitGate gate() {
        return JitGate.start(jitCap.compareTo(min) > 0 ? jitCap : Duration.ZERO);
    }
}
