package io.vggstream.benchmarks.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The whole run's files under {@code --out}: {@code report.md} with a section per workload, {@code bench.csv} with a
 * {@code workload} column, and {@code readme-section.md}; each workload's own report, CSV, plots and child logs are in
 * its sub-folder.
 */
final class SuiteReport {

    private final BenchSuite.Result r;
    private final Path out;
    private final List<BenchReport> reports = new ArrayList<>();

    SuiteReport(BenchSuite.Result result, Path out) {
        this.r = result;
        this.out = out;
        result.workloads().forEach(w -> reports.add(new BenchReport(w)));
    }

    /** Writes every file; returns the report's path. */
    Path write() throws IOException {
        Files.createDirectories(out);
        for (BenchReport report : reports) {
            report.write();
        }
        Files.writeString(out.resolve(BenchReport.CSV), csv(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve(BenchReport.README_SECTION), readmeSection(), StandardCharsets.UTF_8);
        Path report = out.resolve(BenchReport.REPORT);
        Files.writeString(report, markdown(), StandardCharsets.UTF_8);
        return report;
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# vggstream bench: ").append(preset()).append(" run, ")
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(r.started().atOffset(ZoneOffset.UTC).withNano(0))).append(" UTC\n\n");
        md.append("- **Command:** `").append(r.command()).append("`\n");
        md.append(String.format(Locale.ROOT, "- **Wall time:** %.0f s for %d workload(s), from the first measurement to the last (broker and engine start-ups included, the models' loading before it not)%n",
            r.wallSeconds(), r.workloads().size()));
        md.append("- **Machine:** ").append(r.machine()).append("; load average ").append(load(r.loadBefore()))
            .append(" at the start (1/5/15 min; other work on the machine competes for the cores)\n");
        md.append("- **Workloads:** ");
        md.append(String.join("; ", r.workloads().stream().map(w -> "`" + w.spec().workload() + "` (" + w.model() + ")").toList())).append('\n');
        r.problem().ifPresent(p -> md.append("\n**The run stopped early:** `").append(p).append("`; what was measured before is below.\n"));
        md.append("\nEach workload's ratios compare with the ceiling measured in the same run, at the same batch size, just before and after"
            + " the engine's points.\n");
        for (int i = 0; i < reports.size(); i++) {
            BenchSpec s = r.workloads().get(i).spec();
            md.append("\n## Workload `").append(s.workload()).append("`\n\n");
            md.append(reports.get(i).section(out.relativize(s.out()).toString()));
        }
        return md.toString();
    }

    String csv() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < reports.size(); i++) {
            String[] lines = reports.get(i).csv().split("\n");
            if (i == 0) {
                b.append("workload,").append(lines[0]).append('\n');
            }
            for (int k = 1; k < lines.length; k++) {
                b.append(r.workloads().get(i).spec().workload()).append(',').append(lines[k]).append('\n');
            }
        }
        return b.toString();
    }

    /** The README's Benchmarks section body (between the markers): how to run, and this run's figures per workload. */
    String readmeSection() {
        return readmeSection(null);
    }

    /**
     * The README's section; when the run's {@code --out} folder is inside the README's repository (e.g.
     * {@code docs/results/bench-<date>}), the section links its report, so that the figures point to their result file.
     */
    String readmeSection(Path readme) {
        StringBuilder b = new StringBuilder();
        b.append(BenchReport.BEGIN).append('\n');
        b.append("<!-- Written by `./vggstream bench ... --update-readme README.md`; edits between the markers are replaced. -->\n\n");
        b.append("`./vggstream bench` measures, side by side on the same model, protocol, batch size and threads: (a) the ceiling, a bare"
            + " ONNX Runtime session in a tight loop over ready tensors; (b) the engine in-process without Kafka; (c) the full path, Kafka ->"
            + " engine -> Kafka, with a real broker in the benchmark's JVM and a separate producer of JPEG frames and consumer of predictions;"
            + " (c') the same with the broker in a JVM of its own, as deployed. It reports frames/s, frames per CPU-second, the ratios to (a),"
            + " latency from capture `ts` to prediction at fractions of the ceiling and of the engine's own capacity and at a low rate (the"
            + " floor), the batch-size histogram, CPU and memory, and two engine processes in one consumer group (broker in its own JVM)."
            + " `--quick` and `--full` measure two workloads: `camera` (VGG-16 at 1/8 width, 640x480 JPEG, single scale with flip) and"
            + " `enrichment` (the demo's model, VGG-A at 1/4 width with crop 32 and 10 classes, on 28x28 JPEG, multi-scale with flips).\n\n");
        b.append("```sh\n");
        b.append("./vggstream bench --quick                              # both workloads: " + BenchSpec.QUICK_TAKES + "\n");
        b.append("./vggstream bench --quick --workloads enrichment       # one of them\n");
        b.append("./vggstream bench --full --arch D --width 1            # the sweep on another model: batch sizes, max-delays, rates\n");
        b.append("./vggstream bench --model DIR --resolution 1280x720    # any exported model\n");
        b.append("./vggstream bench --quick -b 127.0.0.1:9092            # against a running broker instead of the two started here\n");
        b.append("./vggstream bench jmh --quick                          # JMH: decode+preprocess, batcher, fusion, serdes\n");
        b.append("```\n\n");
        b.append("Measured here on ").append(DateTimeFormatter.ISO_LOCAL_DATE.format(r.started().atOffset(ZoneOffset.UTC)))
            .append(" with `").append(r.command()).append("` (").append(String.format(Locale.ROOT, "%.0f s", r.wallSeconds()))
            .append(" wall time); this section is regenerated by adding `--update-readme README.md`:\n\n");
        b.append("- ").append(r.machine()).append("; load average ").append(load(r.loadBefore())).append(" at the start (a shared machine)\n");
        for (int i = 0; i < reports.size(); i++) {
            b.append("\n#### `").append(r.workloads().get(i).spec().workload()).append("`\n\n").append(reports.get(i).readmeWorkload());
        }
        Path report = out.resolve(BenchReport.REPORT).toAbsolutePath().normalize();
        Path home = readme == null ? null : readme.toAbsolutePath().normalize().getParent();
        if (home != null && report.startsWith(home)) {
            String link = home.relativize(report).toString().replace('\\', '/');
            b.append("\nThe full report of that run, with the sweeps, histograms and plots: [").append(link).append("](").append(link)
                .append("). Figures move with the load on the machine; compare ratios within one run.\n");
        } else {
            b.append("\nThe full report of that run, with the sweeps, histograms and plots: `").append(BenchReport.REPORT)
                .append("` in its `--out` folder (give `--out docs/results/bench-<date>` to keep it beside the README's figures)."
                    + " Figures move with the load on the machine; compare ratios within one run.\n");
        }
        b.append(BenchReport.END).append('\n');
        return b.toString();
    }

    private String preset() {
        return r.workloads().isEmpty() ? "" : r.workloads().get(0).spec().preset();
    }

    private static String load(double[] l) {
        return String.format(Locale.ROOT, "%.2f/%.2f/%.2f", l[0], l[1], l[2]);
    }
}
