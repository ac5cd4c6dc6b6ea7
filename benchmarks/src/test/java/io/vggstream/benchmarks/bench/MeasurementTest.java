package io.vggstream.benchmarks.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasurementTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadTheRateBetweenBurstsWithoutTheWindowEdgeError() {
        // A batch of 4 frames completes every 100 ms: 40 frames/s, whatever window is asked for.
        Completions t = new Completions();
        for (int burst = 0; burst < 50; burst++) {
            for (int f = 0; f < 4; f++) {
                t.add(burst * 100_000_000L + f * 1000L, 1);
            }
        }
        Completions.Window w = t.window(1_050_000_000L, 3_990_000_000L, 4);
        assertThat(w.rate()).isCloseTo(40.0, within(0.01));
        assertThat(w.units() % 4).isZero();
        assertThat(t.total()).isEqualTo(200);
        assertThat(t.count(0, 1_000_000_000L)).isEqualTo(40);
    }

    @Test
    void shouldCountPlainlyWhenTooFewCompletionsFallInsideAndGiveZeroForNone() {
        Completions t = new Completions();
        t.add(500_000_000L, 1);
        assertThat(t.window(0, 1_000_000_000L, 1).rate()).isEqualTo(1.0);
        assertThat(t.window(600_000_000L, 1_000_000_000L, 1).rate()).isZero();
    }

    @Test
    void shouldTakeNearestRankPercentiles() {
        Latencies l = new Latencies();
        for (int i = 100; i >= 1; i--) {
            l.add(i);
        }
        Latencies.Summary s = l.summary();
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50()).isEqualTo(50);
        assertThat(s.p95()).isEqualTo(95);
        assertThat(s.p99()).isEqualTo(99);
        assertThat(s.max()).isEqualTo(100);
        assertThat(s.mean()).isEqualTo(50.5);
        assertThat(Latencies.Summary.of(new double[0]).count()).isZero();
    }

    @Test
    void shouldReplaceTheReadmeSectionBetweenItsMarkersAndLeaveTheRest() throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# project\n\nintro\n\n## Later\n\ntext\n");
        BenchReport.updateReadme(readme, BenchReport.BEGIN + "\nfirst\n" + BenchReport.END + "\n");
        String once = Files.readString(readme);
        assertThat(once).contains("## Benchmarks").contains("first").contains("## Later");
        BenchReport.updateReadme(readme, BenchReport.BEGIN + "\nsecond\n" + BenchReport.END + "\n");
        String twice = Files.readString(readme);
        assertThat(twice).contains("second").doesNotContain("first").contains("## Later");
        assertThat(twice.split("## Benchmarks", -1)).hasSize(2);
    }

    @Test
    void shouldClassifyThreadsByWhatTheyWorkFor() {
        assertThat(BenchThreads.group("vggstream-vggstream.engine.dispatchers.inference-7")).isEqualTo(BenchThreads.INFERENCE);
        assertThat(BenchThreads.group(BenchThreads.CEILING_THREAD)).isEqualTo(BenchThreads.INFERENCE);
        assertThat(BenchThreads.group("vggstream-vggstream.engine.dispatchers.preprocess-9")).isEqualTo(BenchThreads.PREPROCESS);
        assertThat(BenchThreads.group("vggstream-pekko.actor.default-dispatcher-4")).isEqualTo(BenchThreads.ENGINE);
        assertThat(BenchThreads.group("kafka-producer-network-thread | producer-3")).isEqualTo(BenchThreads.ENGINE);
        assertThat(BenchThreads.group("kafka-producer-network-thread | bench-producer-1f")).isEqualTo(BenchThreads.BENCH);
        assertThat(BenchThreads.group("bench-consumer")).isEqualTo(BenchThreads.BENCH);
        assertThat(BenchThreads.group("data-plane-kafka-request-handler-0")).isEqualTo(BenchThreads.OTHER);
    }
}
