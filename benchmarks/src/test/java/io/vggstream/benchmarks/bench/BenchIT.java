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
 * The benchmark's own machinery on tiny random-weight VGGs, both workloads in one run as {@code --quick} does: every
 * mode, the full path with the broker in this JVM and in a JVM of its own, a max-delay sweep, latency at a fixed rate,
 * at a fraction of the engine's capacity and at the floor, the scale-out with two child processes on the child broker,
 * and the report. Checks that its numbers add up and the report says what was measured, not how fast anything is.
 */
class BenchIT {

    @TempDir
    Path dir;

    @Test
    void shouldMeasureBothWorkloadsWithTheBrokerInAndOutOfProcessAndWriteOneReport() throws Exception {
        Config config = StrictConfig.load(Optional.empty());
        Path djl = Path.of(System.getProperty("DJL_CACHE_DIR", dir.resolve("djl").toString()));
        BenchModel camera = BenchModel.random(new BenchModel.RandomSpec(VggConfig.A, 1 / 16.0, 64, 10, 32, 1), dir.resolve("models"), djl,
            System.out::println);
        // The enrichment workload's shape: crop 32 trained at S = 32, so multi-scale is Q = 32 and 37 with flips: 4 inputs a frame.
        BenchModel enrichment = BenchModel.random(new BenchModel.RandomSpec(VggConfig.A, 1 / 16.0, 64, 10, 32, 1, 32), dir.resolve("models"),
            djl, System.out::println);
        Path out = dir.resolve("out");
        BenchSpec first = new BenchSpec(Workload.CAMERA, "quick", "./vggstream bench (BenchIT)", Protocol.parse("single"),
            new SyntheticFrames.Resolution(64, 48), 1, 1, 4, Duration.ofMillis(5), List.of(4), List.of(Duration.ofMillis(5), Duration.ZERO),
            Set.of('a', 'b', 'c'), List.of(), Optional.of(20.0), List.of(), 0, Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(2),
            Duration.ofSeconds(3), 2, 8, 2, Optional.empty(), true, true, 2, false, out.resolve(Workload.CAMERA));
        BenchSpec second = new BenchSpec(Workload.ENRICHMENT, "quick", "./vggstream bench (BenchIT)", Protocol.parse("multi-scale"),
            new SyntheticFrames.Resolution(28, 28), 1, 1, 8, Duration.ofMillis(5), List.of(8), List.of(), Set.of('a', 'b', 'c'), List.of(),
            Optional.empty(), List.of(0.5), 10, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(2), Duration.ofSeconds(3), 2, 8, 2,
            Optional.empty(), true, true, 0, false, out.resolve(Workload.ENRICHMENT));

        BenchSuite.Result result = BenchSuite.measure(List.of(first, second), List.of(camera, enrichment), config, Optional.empty(), out,
            System.out::println);

        assertThat(result.problem()).isEmpty();
        assertThat(result.workloads()).hasSize(2);
        BenchResult one = result.workloads().get(0);
        BenchResult two = result.workloads().get(1);
        assertThat(one.variantsPerFrame()).isEqualTo(2); // one scale, with its flip
        assertThat(two.variantsPerFrame()).isEqualTo(4); // two scales, each with its flip
        // a, b, c, c' at batch 4; b and c at max-delay 0; b and c at 20 frames/s offered.
        assertThat(one.points()).extracting(Point::mode).containsExactly(Point.Mode.CEILING, Point.Mode.IN_PROCESS, Point.Mode.FULL_PATH,
            Point.Mode.FULL_PATH_CHILD_BROKER, Point.Mode.IN_PROCESS, Point.Mode.FULL_PATH, Point.Mode.IN_PROCESS, Point.Mode.FULL_PATH);
        // a, b, c, c'; c at half of c's own frames/s; b, c and c' at the 10 frames/s floor.
        assertThat(two.points()).extracting(Point::mode).containsExactly(Point.Mode.CEILING, Point.Mode.IN_PROCESS, Point.Mode.FULL_PATH,
            Point.Mode.FULL_PATH_CHILD_BROKER, Point.Mode.FULL_PATH, Point.Mode.IN_PROCESS, Point.Mode.FULL_PATH, Point.Mode.FULL_PATH_CHILD_BROKER);
        Point capacity = two.points().get(2);
        assertThat(two.points().get(4).offeredRate()).as("offered at half the engine's own capacity")
            .isCloseTo(0.5 * capacity.framesPerSecond(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(two.points().subList(5, 8)).allSatisfy(p -> assertThat(p.offeredRate()).isEqualTo(10.0));
        // The second workload waits for the JIT (up to 8 s a point) and says how that went; the first does not wait.
        assertThat(two.points().subList(1, two.points().size()))
            .allSatisfy(p -> assertThat(p.note()).containsPattern("the JIT (settled|was still compiling)"));
        assertThat(one.points()).noneSatisfy(p -> assertThat(p.note()).contains("the JIT"));

        for (BenchResult r : result.workloads()) {
            Point ceiling = r.points().get(0);
            assertThat(ceiling.framesPerSecond()).isPositive();
            assertThat(ceiling.imagesPerSecond()).isCloseTo(r.variantsPerFrame() * ceiling.framesPerSecond(),
                org.assertj.core.data.Percentage.withPercentage(0.01));
            assertThat(ceiling.batchMs()).isPositive();
            for (Point p : r.points().subList(1, r.points().size())) {
                assertThat(p.framesIn()).as("frames in %s", p).isPositive();
                assertThat(p.failed()).as("failed in %s", p).isZero();
                assertThat(p.partial()).as("partial in %s", p).isZero();
                assertThat(p.framesOut() + p.partial() + p.failed()).as("frames counted in = frames counted out in %s", p).isEqualTo(p.framesIn());
                // Every batch the engine ran is in its histogram: sizes x counts = every input of every frame.
                assertThat(p.inputsTotal()).as("histogram of %s", p).isEqualTo(p.framesOut() * r.variantsPerFrame());
                assertThat(p.framesPerSecond()).isPositive();
                assertThat(p.framesPerCpuSecond()).as("frames per CPU-second of %s", p).isPositive().isFinite();
                assertThat(p.ratio()).as("ratio of %s", p).isGreaterThan(0);
                assertThat(p.meanBatch()).isBetween(1.0, (double) r.spec().batch());
                assertThat(p.usage().processCpuSeconds()).isPositive();
                assertThat(p.usage().rssMaxBytes()).isPositive();
                if (p.mode() == Point.Mode.FULL_PATH_CHILD_BROKER) {
                    // The broker's own JVM did work in the window, and counting it lowers the rate per CPU-second.
                    assertThat(p.usage().childCpuSeconds()).as("broker JVM CPU in %s", p).isPositive();
                    assertThat(p.framesPerCpuSecondWithBroker()).isLessThan(p.framesPerCpuSecond());
                } else {
                    assertThat(p.usage().childCpuSeconds()).isNaN();
                }
                if (p.isLatencyRun()) {
                    assertThat(p.latency().count()).isPositive();
                    assertThat(p.latency().p50()).isPositive().isLessThanOrEqualTo(p.latency().p95());
                    assertThat(p.latency().p95()).isLessThanOrEqualTo(p.latency().p99());
                    assertThat(p.latency().p99()).isLessThanOrEqualTo(p.latency().max());
                }
            }
        }
        assertThat(one.broker()).contains("(c) KRaft broker in the benchmark's JVM", "(c') KRaft broker in its own JVM");

        assertThat(one.scaleOut()).hasSize(2);
        assertThat(two.scaleOut()).isEmpty();
        ScaleOut.Phase pair = one.scaleOut().get(1);
        assertThat(pair.processes()).isEqualTo(2);
        assertThat(pair.broker()).as("the scale-out runs on the broker in its own JVM").contains("in its own JVM");
        assertThat(pair.brokerCpuSeconds()).isPositive();
        assertThat(pair.framesPerEngineCpuSecond()).isPositive().isFinite();
        assertThat(pair.members()).hasSize(2);
        Set<Integer> taken = new HashSet<>();
        for (ScaleOut.Member m : pair.members()) {
            assertThat(m.partitions()).as("partitions of %s", m.clientId()).isNotEmpty();
            assertThat(taken.addAll(m.partitions())).as("no partition held twice").isTrue();
        }
        assertThat(taken).containsExactlyInAnyOrderElementsOf(IntStream.range(0, first.partitions()).boxed().toList());
        assertThat(pair.framesPerSecond()).isPositive();
        assertThat(one.scaleOut().get(0).framesPerSecond()).isPositive();

        SuiteReport report = new SuiteReport(result, out);
        Path md = report.write();
        assertThat(out.resolve("broker-child.log")).as("the child broker's output").isNotEmptyFile();
        for (String w : List.of(Workload.CAMERA, Workload.ENRICHMENT)) {
            for (String f : List.of(BenchReport.REPORT, BenchReport.CSV, BenchReport.PLOT_BATCH, BenchReport.PLOT_LATENCY)) {
                assertThat(out.resolve(w).resolve(f)).as(w + "/" + f).exists().isNotEmptyFile();
            }
        }
        assertThat(out.resolve(Workload.CAMERA).resolve(BenchReport.PLOT_DELAY)).isNotEmptyFile();
        List<String> csv = Files.readAllLines(out.resolve(BenchReport.CSV));
        assertThat(csv.get(0)).startsWith("workload,mode,");
        assertThat(csv).hasSize(1 + one.points().size() + two.points().size());
        assertThat(csv.get(csv.size() - 1)).startsWith("enrichment,full-path-child-broker,latency,");

        String text = Files.readString(md);
        // One report, a section per workload, in order, each with its own summary, targets and method.
        assertThat(text).startsWith("# vggstream bench: quick run, ").contains("- **Wall time:** ", "- **Machine:** ", "load average ");
        int cameraAt = text.indexOf("\n## Workload `camera`\n");
        int enrichmentAt = text.indexOf("\n## Workload `enrichment`\n");
        assertThat(cameraAt).isPositive();
        assertThat(enrichmentAt).isGreaterThan(cameraAt);
        for (String section : List.of(text.substring(cameraAt, enrichmentAt), text.substring(enrichmentAt))) {
            assertThat(section).contains("\n### Summary (batch ", "\n### Targets\n", "\n### Latency at a fixed offered rate\n",
                "\n### CPU and memory\n", "\n### How it is measured\n", "- **Model:** ", "- **Protocol:** ", "- **Frames:** ",
                "- **Kafka:** ", "(a) ceiling (bare ONNX Runtime)", "(b) in-process engine", "(c) full path (Kafka, broker in the benchmark's JVM)",
                "(c') full path (Kafka, broker in its own JVM)", "frames per CPU-second, broker included", "of the engine's capacity");
            assertThat(section).doesNotContain("\n## Summary");
        }
        assertThat(text.substring(cameraAt, enrichmentAt)).contains("\n### Scale-out: engine processes in one consumer group\n", "bench-engine-1",
            "bench-engine-2", "](camera/" + BenchReport.PLOT_BATCH + ")", "x batch time", "engine processes at least 0.9 x one");
        assertThat(text.substring(enrichmentAt)).contains("3x32x32, 3x37x37", "28x28 JPEG", "at least 70% of the ceiling",
            "](enrichment/" + BenchReport.PLOT_LATENCY + ")", "and the floor at 10.0 frames/s");

        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# x\n");
        BenchReport.updateReadme(readme, report.readmeSection());
        assertThat(Files.readString(readme)).contains("## Benchmarks", BenchReport.BEGIN, BenchReport.END, "./vggstream bench --quick",
            "#### `camera`", "#### `enrichment`", "(c') full path (Kafka, broker in its own JVM)", "frames per CPU-second",
            "the scale-out ran on the KRaft broker in its own JVM", "of the capacity): p50 ");
        // Ports and pids of this run mean nothing in the README.
        // (127.0.0.1:9092 is the example command's broker.)
        assertThat(report.readmeSection()).doesNotContain("pid ").doesNotContainPattern("127\\.0\\.0\\.1:(?!9092\\b)\\d+");
        // A run whose --out is inside the README's repository is linked from its section; one elsewhere is named only.
        assertThat(report.readmeSection(readme)).contains("[out/" + BenchReport.REPORT + "](out/" + BenchReport.REPORT + ")");
        assertThat(report.readmeSection()).contains("`" + BenchReport.REPORT + "` in its `--out` folder");
    }
}
