package io.vggstream.benchmarks.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The warm-up's wait for the JIT: on while it compiles, done once it is quiet, never past its cap. */
class JitGateTest {

    private static final long MS = 1_000_000L;

    @Test
    void shouldWaitWhileTheJitCompilesAndSettleOnceItHasBeenQuietForTwoSeconds() {
        AtomicLong compiled = new AtomicLong();
        JitGate gate = new JitGate(compiled::get, 0, Duration.ofSeconds(60));
        long t = 0;
        // Compiling half a core for 5 s: not settled.
        for (; t <= 5_000 * MS; t += 100 * MS) {
            compiled.addAndGet(50);
            assertThat(gate.settled(t)).as("at %d ms", t / MS).isFalse();
        }
        // Then 1% of a core: settled once the last two seconds are all quiet, not before.
        long quietFrom = t;
        boolean settled = false;
        for (; t <= 10_000 * MS && !settled; t += 100 * MS) {
            compiled.addAndGet(1);
            settled = gate.settled(t);
        }
        assertThat(settled).isTrue();
        // A window is two seconds of samples; the last busy tenth of a second still fits under 5%.
        assertThat(t - quietFrom).isBetween(1_800 * MS, 2_300 * MS);
        assertThat(gate.describe()).startsWith("the JIT settled 6.9");
    }

    @Test
    void shouldStopWaitingAtItsCapAndSaySo() {
        AtomicLong compiled = new AtomicLong();
        JitGate gate = new JitGate(compiled::get, 0, Duration.ofSeconds(3));
        long t = 0;
        for (; !gate.settled(t); t += 100 * MS) {
            compiled.addAndGet(100);
        }
        assertThat(t).isEqualTo(3_000 * MS);
        assertThat(gate.describe()).isEqualTo("the JIT was still compiling when its 3 s wait ran out");
    }

    @Test
    void shouldReadAnotherJvmsCompileTimeFromItsCompilerThreads() throws Exception {
        // A child JVM that compiles every method it calls (what a broker does when load first reaches it), then waits.
        Process child = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xcomp", "-XX:-TieredCompilation", "-cp", System.getProperty("java.class.path"), Waiter.class.getName())
            .redirectErrorStream(true).start();
        try {
            assertThat(new String(child.getInputStream().readNBytes(5))).isEqualTo("ready");
            long childMillis = ResourceMeter.compilerMillis(child.pid());
            assertThat(childMillis).as("the child's C2 thread's CPU, from /proc, which the gate on a child broker sums with its own").isGreaterThan(100);
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    /** The child of {@link #shouldReadAnotherJvmsCompileTimeFromItsCompilerThreads}: says ready, then waits to be killed. */
    static final class Waiter {
        public static void main(String[] args) throws Exception {
            System.out.print("ready");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void shouldBeSettledAtOnceWithoutACap() {
        JitGate gate = new JitGate(() -> 0, 0, Duration.ZERO);
        assertThat(gate.settled(0)).isTrue();
        assertThat(gate.settled(1)).isTrue();
        assertThat(gate.describe()).as("nothing to say when it never waited").isEmpty();
    }
}
