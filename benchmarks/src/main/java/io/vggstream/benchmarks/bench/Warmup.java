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
        return JitGate.start(gateCap());
    }

    /** A gate started now for one point of this JVM whose broker runs in {@code brokerPids} (empty: in this JVM). */
    JitGate gate(long[] brokerPids) {
        return JitGate.start(gateCap(), brokerPids);
    }

    /** A gate started now on other JVMs (the scale-out's engine processes and the broker's, if a child). */
    JitGate gate(java.util.List<Process> children, long[] brokerPids) {
        return JitGate.children(children, brokerPids, gateCap());
    }

    /** How long a gate may wait from the point's start: zero (no wait) unless it is longer than the minimum warm-up. */
    private Duration gateCap() {
        return jitCap.compareTo(min) > 0 ? jitCap : Duration.ZERO;
    }
}
