package io.vggstream.benchmarks.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JFR summary of a point: only the samples of its measured window, not of the warm-up before it. */
class ProfilerTest {

    @Test
    void shouldSummariseOnlyTheSamplesOfTheMeasuredWindow(@TempDir Path dir) throws Exception {
        Profiler prof = Profiler.start();
        // JFR's sampler takes a moment to start: give it that on a thread of no group the test counts.
        busy("lead-in", Duration.ofMillis(1_000));
        // The warm-up: an engine thread busy. Then the window: an inference thread busy. Then an engine thread again.
        busy("vggstream-pekko.actor.default-dispatcher-1", Duration.ofMillis(1_000));
        Instant from = Instant.now();
        busy("vggstream-vggstream.engine.dispatchers.inference-1", Duration.ofMillis(1_000));
        Instant to = Instant.now();
        busy("vggstream-pekko.actor.default-dispatcher-2", Duration.ofMillis(1_000));
        Profiler.Summary s = prof.stop(dir.resolve("p.jfr"), from, to);

        assertThat(s.samplesByGroup().getOrDefault(BenchThreads.INFERENCE, 0L)).as("the window's busy thread: %s", s.samplesByGroup())
            .isGreaterThan(5);
        assertThat(s.samplesByGroup().getOrDefault(BenchThreads.ENGINE, 0L)).as("busy only outside the window").isZero();
        assertThat(s.seconds()).isBetween(0.5, 5.0);
        // The whole recording has the engine's samples: the file keeps the warm-up.
        Profiler.Summary all = Profiler.summarise(dir.resolve("p.jfr"), Instant.EPOCH, Instant.now());
        assertThat(all.samplesByGroup().getOrDefault(BenchThreads.ENGINE, 0L)).isGreaterThan(5);
    }

    /** Spins on a thread of this name for about {@code d}, and waits for it. */
    private static void busy(String name, Duration d) throws InterruptedException {
        Thread t = new Thread(() -> {
            long end = System.nanoTime() + d.toNanos();
            // Calls and allocation, not a tight arithmetic loop: JFR drops the samples whose stack it cannot walk.
            long h = 0;
            for (long i = 0; System.nanoTime() < end; i++) {
                h += java.util.Map.of("k" + i, i).hashCode();
            }
            if (h == 42) {
                System.out.println(h);
            }
        }, name);
        t.start();
        t.join();
    }
}
