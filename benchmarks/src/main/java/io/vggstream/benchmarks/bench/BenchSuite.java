package io.vggstream.benchmarks.bench;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One {@code vggstream bench} run: each workload in turn on the same brokers (started once), then one report
 * with a section per workload, one CSV, and the README's section.
 */
public final class BenchSuite {

    /**
     * What a run measured.
     *
     * @param wallSeconds the whole run, model loading, broker start-ups and report included
     * @param loadBefore the 1, 5 and 15 minute load averages at the start
     */
    public record Result(String command, Instant started, double wallSeconds, String machine, double[] loadBefore, List<BenchResult> workloads) {
        public Result {
            workloads = List.copyOf(workloads);
        }

        Optional<String> problem() {
            return workloads.stream().map(BenchResult::problem).flatMap(Optional::stream).findFirst();
        }
    }

    private BenchSuite() {
    }

    /** Measures each spec's workload in turn on brokers started once (stopping at the first that fails). */
    public static Result measure(List<BenchSpec> specs, List<BenchModel> models, Config config, Optional<String> bootstrap, Path out,
                          Consumer<String> log) throws Exception {
        long start = System.nanoTime();
        Instant started = Instant.now();
        double[] load = Machine.loadAverage();
        Files.createDirectories(out);
        List<BenchResult> results = new ArrayList<>();
        try (Brokers brokers = new Brokers(config, bootstrap, out, log)) {
            for (int i = 0; i < specs.size(); i++) {
                BenchResult r = new BenchRun(specs.get(i), models.get(i), config, brokers, log).run();
                results.add(r);
                if (r.problem().isPresent()) {
                    break;
                }
            }
        }
        return new Result(specs.get(0).command(), started, (System.nanoTime() - start) / 1e9, Machine.describe(), load, results);
    }

    /** Measures every spec's workload, writes the reports, and returns the command's exit code. */
    public static int run(List<BenchSpec> specs, List<BenchModel> models, Config config, Optional<String> bootstrap, Path out, Path readme,
                   PrintWriter say, PrintWriter err) throws Exception {
        long start = System.nanoTime();
        Result result = measure(specs, models, config, bootstrap, out, line -> {
            say.printf(Locale.ROOT, "[%5.0f s] %s%n", (System.nanoTime() - start) / 1e9, line);
            say.flush();
        });
        List<BenchResult> results = result.workloads();
        SuiteReport report = new SuiteReport(result, out);
        Path written = report.write();
        say.printf(Locale.ROOT, "wall time %.0f s (%d workload(s))%n", result.wallSeconds(), results.size());
        say.println("report: " + written.toAbsolutePath());
        say.println("csv:    " + out.resolve(BenchReport.CSV).toAbsolutePath());
        if (readme != null) {
            BenchReport.updateReadme(readme, report.readmeSection(readme));
            say.println("README: updated the Benchmarks section of " + readme);
        }
        say.flush();
        if (result.problem().isPresent()) {
            err.println("bench: the run stopped early: " + result.problem().get());
            return 1;
        }
        return 0;
    }
}
