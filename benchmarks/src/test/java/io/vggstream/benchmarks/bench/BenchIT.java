package io.vggstream.benchmarks.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.vggstream.benchmarks.frames.SyntheticFrames;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.topics.config.StrictConfig;
import io.vggstream.trainer.model.VggConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's own machinery on a tiny random-weight VGG: every mode, a max-delay sweep, a latency
 * run, the scale-out with two child processes, and the report. Checks that its numbers add up, not
 * how fast anything is.
 */
class BenchIT {

    @TempDir
    Path dir;

    @Test
    void shouldMeasureEveryModeAndWriteAReportWhoseNumbersAddUp() throws Exception {
        Config config = StrictConfig.load(Optional.empty());
        Path djl = Path.of(System.getProperty("DJL_CACHE_DIR", dir.resolve("djl").toString()));
        BenchModel model = BenchModel.random(new BenchModel.RandomSpec(VggConfig.A, 1 / 16.0, 64, 10, 32, 1), dir.resolve("models"), djl,
            System.out::println);
        Protocol protocol = Protocol.parse("single");
        BenchSpec spec = new BenchSpec("quick", "./vggstream bench (BenchIT)", protocol, new SyntheticFrames.Resolution(64, 48), 1, 4, Duration.ofMillis(5), List.of(4),
            List.of(Duration.ofMillis(5), Duration.ZERO), Set.of('a', 'b', 'c'), List.of(), Optional.of(20.0), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(3), 2, 8, 2, Optional.empty(), 2, false, dir.resolve("out"));

        BenchResult result = new BenchRun(spec, model, config, System.out::println).run();

        assertThat(result.problem()).isEmpty();
        assertThat(result.variantsPerFrame()).isEqualTo(2); // one scale, with its flip
        // a, b and c at batch 4; b and c at max-delay 0; b and c at 20 frames/s offered.
        assertThat(result.points()).hasSize(7);
        Point ceiling = result.points().stream().filter(p -> p.mode() == Point.Mode.CEILING).findFirst().orElseThrow();
        assertThat(ceiling.framesPerSecond()).isPositive();
        assertThat(ceiling.imagesPerSecond()).isCloseTo(2 * ceiling.framesPerSecond(), org.assertj.core.data.Percentage.withPercentage(0.01));
        assertThat(ceiling.batchMs()).isPositive();
        for (Point p : result.points()) {
            if (p.mode() == Point.Mode.CEILING) {
                continue;
            }
            assertThat(p.framesIn()).as("frames in %s", p).isPositive();
            assertThat(p.failed()).as("failed in %s", p).isZero();
            assertThat(p.partial()).as("partial in %s", p).isZero();
            assertThat(p.framesOut() + p.partial() + p.failed()).as("frames counted in = frames counted out in %s", p).isEqualTo(p.framesIn());
            // Every batch the engine ran is in its histogram: sizes x counts = every input of every frame.
            assertThat(p.inputsTotal()).as("histogram of %s", p).isEqualTo(p.framesOut() * result.variantsPerFrame());
            assertThat(p.framesPerSecond()).isPositive();
            assertThat(p.ratio()).as("ratio of %s", p).isGreaterThan(0).isLessThanOrEqualTo(1.2);
            assertThat(p.meanBatch()).isBetween(1.0, 4.0);
            assertThat(p.usage().processCpuSeconds()).isPositive();
            assertThat(p.usage().rssMaxBytes()).isPositive();
            if (p.isLatencyRun()) {
                assertThat(p.latency().count()).isPositive();
                assertThat(p.latency().p50()).isPositive().isLessThanOrEqualTo(p.latency().p95());
                assertThat(p.latency().p95()).isLessThanOrEqualTo(p.latency().p99());
                assertThat(p.latency().p99()).isLessThanOrEqualTo(p.latency().max());
            }
        }

        assertThat(result.scaleOut()).hasSize(2);
        ScaleOut.Phase two = result.scaleOut().get(1);
        assertThat(two.processes()).isEqualTo(2);
        assertThat(two.members()).hasSize(2);
        Set<Integer> taken = new HashSet<>();
        for (ScaleOut.Member m : two.members()) {
            assertThat(m.partitions()).as("partitions of %s", m.clientId()).isNotEmpty();
            assertThat(taken.addAll(m.partitions())).as("no partition held twice").isTrue();
        }
        assertThat(taken).containsExactlyInAnyOrderElementsOf(IntStream.range(0, spec.partitions()).boxed().toList());
        assertThat(two.framesPerSecond()).isPositive();
        assertThat(result.scaleOut().get(0).framesPerSecond()).isPositive();

        BenchReport report = new BenchReport(result);
        Path md = report.write();
        Path out = spec.out();
        assertThat(md).exists();
        for (String f : List.of(BenchReport.CSV, BenchReport.PLOT_BATCH, BenchReport.PLOT_DELAY, BenchReport.PLOT_LATENCY,
            BenchReport.README_SECTION)) {
            assertThat(out.resolve(f)).as(f).exists().isNotEmptyFile();
        }
        List<String> csv = Files.readAllLines(out.resolve(BenchReport.CSV));
        assertThat(csv).hasSize(1 + result.points().size());
        assertThat(Files.readString(md)).contains("(b) in-process", "(c) full path", "Scale-out", "bench-engine-1", "bench-engine-2");
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# x\n");
        BenchReport.updateReadme(readme, report.readmeSection());
        assertThat(Files.readString(readme)).contains("## Benchmarks", BenchReport.BEGIN, BenchReport.END, "./vggstream bench --quick");
    }
}
