package io.vggstream.benchmarks.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;

/**
 * Holds a measured window back until the JIT has settled, so that a point measures the warm
 * engine a long-running one is, not the compiler. On the 2-core machine a fresh JVM running the
 * engine, a broker and Kafka clients compiled for about a minute into the full path's first point
 * (C2 22% of the samples 30 s into it; 16,000 compilations, 70 s of compile time in a 140 s run),
 * which more than halved the full path's frames/s. Settled: the JIT's compile time over the last
 * {@link #SPAN} is under {@link #SHARE} of that span (of one core), or {@code cap} has passed. For
 * other JVMs (a child broker, the scale-out's engines), the CPU time of their compiler threads stands for the compile
 * time, summed with this JVM's.
 */
final class JitGate {

    static final double SHARE = 0.05;
    static final long SPAN = Duration.ofSeconds(2).toNanos();
    private static final long EVERY = Duration.ofMillis(100).toNanos();

    private final LongSupplier compileMillis;
    private final long started;
    private final long cap;
    private final List<long[]> samples = new ArrayList<>();
    private long settledAt = -1;
    private boolean capped;

    /** @param cap the longest to wait from now, the point's minimum warm-up included; zero: settled at once */
    static JitGate start(Duration cap) {
        return start(cap, new long[0]);
    }

    /**
     * A gate on this JVM and on {@code others} (a broker in a JVM of its own): it compiles when load first reaches it, and on
     * 2 busy cores went on for about 95 s (C2 0.16 cores of the broker's 0.23 in a camera (c') window, 2026-12-05).
     */
    static JitGate start(Duration cap, long[] others) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        LongSupplier own = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit::getTotalCompilationTime : () -> 0L;
        return new JitGate(() -> own.getAsLong() + otherMillis(others), System.nanoTime(), cap);
    }

    /** A gate on other JVMs (the scale-out's engine processes and a child broker): their compiler threads' CPU time, read from /proc. */
    static JitGate children(List<Process> children, long[] others, Duration cap) {
        long[] pids = LongStream.concat(children.stream().mapToLong(Process::pid), Arrays.stream(others)).toArray();
        return new JitGate(() -> otherMillis(pids), System.nanoTime(), cap);
    }

    private static long otherMillis(long[] pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += ResourceMeter.compilerMillis(pid);
        }
        return sum;
    }

    JitGate(LongSupplier compileMillis, long now, Duration cap) {
        this.compileMillis = compileMillis;
        this.started = now;
        this.cap = now + cap.toNanos();
        if (cap.isZero()) {
            settledAt = now;
        }
        samples.add(new long[] {now, compileMillis.getAsLong()});
    }

    /** Whether the JIT has settled by {@code now} (a {@link System#nanoTime()}); once true, true from then on. */
    boolean settled(long now) {
        if (settledAt >= 0) {
            return true;
        }
        long[] last = samples.get(samples.size() - 1);
        if (now - last[0] >= EVERY) {
            samples.add(new long[] {now, compileMillis.getAsLong()});
            while (samples.size() > 2 && now - samples.get(1)[0] >= SPAN) {
                samples.remove(0);
            }
        }
        long[] first = samples.get(0);
        long[] newest = samples.get(samples.size() - 1);
        if (newest[0] - first[0] >= SPAN && (newest[1] - first[1]) * 1e6 < SHARE * (newest[0] - first[0])) {
            settledAt = now;
        } else if (now >= cap) {
            settledAt = now;
            capped = true;
        }
        return settledAt >= 0;
    }

    /** Blocks until {@link #settled}, checking every 100 ms. */
    void await() throws InterruptedException {
        while (!settled(System.nanoTime())) {
            Thread.sleep(EVERY / 1_000_000);
        }
    }

    /** What the report says of this wait. */
    String describe() {
        if (settledAt < 0 || cap == started) {
            return ""; // not settled yet, or never waited
        }
        double waited = (settledAt - started) / 1e9;
        return capped ? String.format(Locale.ROOT, "the JIT was still compiling when its %.0f s wait ran out", waited)
            : String.format(Locale.ROOT, "the JIT settled %.1f s into the warm-up", waited);
    }
}
