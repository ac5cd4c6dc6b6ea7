package io.vggstream.benchmarks.bench;

import io.vggstream.report.LineChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Predicate;

/**
 * Writes a run's results: {@code report.md} (everything, with the targets judged), {@code bench.csv}
 * (one row per measured point), three PNG plots, and {@code readme-section.md}, the short form that
 * {@code --update-readme} splices into the README between its markers.
 */
public final class BenchReport {

    static final String BEGIN = "<!-- bench:begin -->";
    static final String END = "<!-- bench:end -->";
    static final String REPORT = "report.md";
    public static final String CSV = "bench.csv";
    static final String PLOT_BATCH = "throughput-vs-batch.png";
    static final String PLOT_DELAY = "throughput-vs-max-delay.png";
    static final String PLOT_LATENCY = "latency.png";
    static final String README_SECTION = "readme-section.md";

    private final BenchResult r;
    private final BenchSpec s;

    public BenchReport(BenchResult result) {
        this.r = result;
        this.s = result.spec();
    }

    /** Writes this workload's report, CSV and plots into the spec's output folder; returns the report's path. */
    public Path write() throws IOException {
        Files.createDirectories(s.out());
        Files.writeString(s.out().resolve(CSV), csv(), StandardCharsets.UTF_8);
        plots();
        Path report = s.out().resolve(REPORT);
        Files.writeString(report, markdown(), StandardCharsets.UTF_8);
        return report;
    }

    // ---------------------------------------------------------------- the points

    private Optional<Point> main(Point.Mode mode) {
        return r.points().stream().filter(p -> p.mode() == mode && p.batch() == s.batch() && !p.isLatencyRun()
            && (mode == Point.Mode.CEILING || p.maxDelayMs() == ms(s.maxDelay()))).findFirst();
    }

    private List<Point> where(Predicate<Point> p) {
        return r.points().stream().filter(p).toList();
    }

    private static double ms(java.time.Duration d) {
        return d.toNanos() / 1e6;
    }

    private boolean isTargetSetting() {
        return r.modelConfig().equals("D") && r.modelWidth() == 1.0 && s.batch() == 8 && r.variantsPerFrame() == 2
            && s.protocol().flips() && !s.protocol().crops() && r.inputShapes().size() == 1 && r.inputShapes().get(0).startsWith("3x224x");
    }

    // ---------------------------------------------------------------- markdown

    /**
     * This workload's part of the whole run's report: the report without its title, every heading one level down, and
     * the plots linked from the run's folder (they are in {@code imageFolder}).
     */
    String section(String imageFolder) {
        String md = markdown();
        md = md.substring(md.indexOf("\n\n") + 2);
        StringBuilder b = new StringBuilder();
        for (String line : md.split("\n", -1)) {
            if (line.startsWith("#")) {
                line = "#" + line;
            }
            for (String plot : List.of(PLOT_BATCH, PLOT_DELAY, PLOT_LATENCY)) {
                line = line.replace("](" + plot + ")", "](" + imageFolder + "/" + plot + ")");
            }
            b.append(line).append('\n');
        }
        return b.toString().stripTrailing() + "\n";
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# vggstream bench: ").append(s.preset()).append(" run, ")
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(r.started().atOffset(ZoneOffset.UTC).withNano(0))).append(" UTC\n\n");
        md.append(setup());
        r.problem().ifPresent(p -> md.append("\n**The run stopped early:** `").append(p).append("`; what was measured before is below.\n"));
        md.append("\n## Summary (batch ").append(s.batch()).append(", max-delay ").append(fmt(ms(s.maxDelay()))).append(" ms)\n\n");
        md.append(summaryTable());
        md.append("\n## Targets\n\n").append(targets());
        md.append("\n## Throughput against batch size\n\n");
        md.append(batchTable());
        if (Files.exists(s.out().resolve(PLOT_BATCH))) {
            md.append("\n![throughput against batch size](").append(PLOT_BATCH).append(")\n");
        }
        List<Point> delays = where(p -> !p.isLatencyRun() && p.mode() != Point.Mode.CEILING && p.batch() == s.batch());
        if (delays.stream().mapToDouble(Point::maxDelayMs).distinct().count() > 1) {
            md.append("\n## Throughput against max-delay (batch ").append(s.batch()).append(")\n\n").append(delayTable(delays));
            md.append("\n![throughput against max-delay](").append(PLOT_DELAY).append(")\n");
        }
        List<Point> latency = where(Point::isLatencyRun);
        if (!latency.isEmpty()) {
            md.append("\n## Latency at a fixed offered rate\n\n").append(latencyTable(latency));
            if (Files.exists(s.out().resolve(PLOT_LATENCY))) {
                md.append("\n![latency distribution](").append(PLOT_LATENCY).append(")\n");
            }
        }
        md.append("\n## Batch sizes the engine ran (window of each point)\n\n").append(histogramTable());
        md.append("\n## CPU and memory\n\n").append(resourceTable());
        if (!r.scaleOut().isEmpty()) {
            md.append("\n## Scale-out: engine processes in one consumer group\n\n").append(scaleOutTable());
        }
        if (!r.profiles().isEmpty()) {
            md.append("\n## Where the time goes (JFR)\n\n").append(profiles());
        }
        md.append("\n## Consistency\n\n").append(consistency());
        md.append("\n## How it is measured\n\n").append(method());
        return md.toString();
    }

    private String setup() {
        StringBuilder b = new StringBuilder();
        b.append("- **Command:** `").append(s.command()).append("`\n");
        b.append("- **Workload:** ").append(s.workload()).append('\n');
        b.append("- **Machine:** ").append(r.machine()).append("; load average ").append(load(r.loadBefore())).append(" at the start, ")
            .append(load(r.loadAfter())).append(" at the end (1/5/15 min; other work on the machine competes for the cores)\n");
        b.append("- **Model:** ").append(r.model()).append('\n');
        b.append("- **Protocol:** `").append(s.protocol()).append("`: ").append(r.variantsPerFrame()).append(" inputs per frame, shape(s) ")
            .append(String.join(", ", r.inputShapes())).append('\n');
        b.append("- **Frames:** ").append(s.resolution()).append(" JPEG, synthetic (gradient, blobs, sensor noise), ")
            .append(String.format(Locale.ROOT, "%.1f KB", r.jpegBytes() / 1024.0)).append(" on average\n");
        b.append("- **Engine:** ").append(s.workers() == 1 ? "one inference worker" : s.workers() + " inference workers").append(" on the CPU, ")
            .append(s.threads()).append(" ONNX Runtime intra-op thread(s) each")
            .append(s.workersChosen().isEmpty() ? "" : " (`workers-per-device = auto`: " + s.workersChosen() + ")").append(", max-batch-size ")
            .append(s.batch()).append(", max-delay ").append(fmt(ms(s.maxDelay()))).append(" ms, max-in-flight ")
            .append(r.maxInFlight()).append(s.maxInFlight() > 0 ? "" : " (chosen: the larger of the frames of four batches per worker plus one per core, at most the"
                + " engine's max-in-flight, and the ceiling's frames in " + Math.round(RunSetup.IN_FLIGHT_SECONDS * 1000) + " ms, at most "
                + RunSetup.MOST_IN_FLIGHT + ")").append('\n');
        b.append("- **Kafka:** ").append(r.broker()).append("; frames topic with ").append(s.partitions()).append(" partitions\n");
        b.append("- **Latency runs:** ").append(s.rate().map(x -> "at " + fmt(x) + " frames/s").orElse(s.rateFractions().isEmpty()
            ? "none at fractions of the ceiling" : "at " + s.rateFractions().stream().map(BenchReport::fmt).toList() + " of the ceiling"))
            .append(", ").append(s.capacityFractions().isEmpty() || s.rate().isPresent() ? "none at fractions of the engine's capacity"
                : "at " + s.capacityFractions().stream().map(BenchReport::fmt).toList() + " of the engine's capacity ((c)'s frames/s)")
            .append(", and the floor at ").append(s.floorRate() > 0 ? fmt(s.floorRate()) + " frames/s" : "none").append('\n');
        b.append("- **Windows:** ").append(fmt(s.warmup().toMillis() / 1000.0)).append(" s warm-up, ").append(fmt(s.measure().toMillis() / 1000.0))
            .append(" s measured per point (the ceiling: at least ").append(s.minBatches()).append(" batches)\n");
        return b.toString();
    }

    private String summaryTable() {
        StringBuilder b = new StringBuilder();
        b.append("| | frames/s | images/s | of the ceiling | frames per CPU-second | of the ceiling, per CPU-second"
            + " | frames per CPU-second, broker included | mean batch | process CPU | broker CPU | engine CPU outside inference | heap max | RSS max |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Optional<Point> ceiling = main(Point.Mode.CEILING);
        for (Point.Mode m : Point.Mode.values()) {
            main(m).ifPresent(p -> b.append("| (").append(m.letter).append(") ").append(m.title).append(" | ").append(fmt(p.framesPerSecond()))
                .append(" | ").append(fmt(p.imagesPerSecond())).append(" | ").append(pct(p.ratio())).append(" | ")
                .append(fmt(p.framesPerCpuSecond())).append(" | ")
                .append(m == Point.Mode.CEILING ? "-" : pct(p.framesPerCpuSecond() / ceiling.map(Point::framesPerCpuSecond).orElse(Double.NaN)))
                .append(" | ").append(p.isFullPath() ? fmt(p.framesPerCpuSecondWithBroker()) : "-")
                .append(" | ").append(fmt(p.meanBatch()))
                .append(" | ").append(pct(p.usage().cpuShare())).append(" | ")
                .append(p.isFullPath() ? String.format(Locale.ROOT, "%.2f cores", p.usage().brokerCores()) : "-").append(" | ")
                .append(msPerFrame(p.overheadMsPerFrame())).append(" | ")
                .append(mb(p.usage().heapUsedMaxBytes())).append(" | ").append(mb(p.usage().rssMaxBytes())).append(" |\n"));
        }
        ceiling.ifPresent(a -> {
            if (!a.note().isEmpty()) {
                b.append("\nThe ceiling: ").append(a.note()).append(".");
            }
        });
        b.append(" ").append(CPU_METHOD).append('\n');
        return b.toString();
    }

    /** How the frames per CPU-second are made; the report and the README say it beside the figures. */
    static final String CPU_METHOD = "Frames per CPU-second divide frames/s by the cores the measured work used in the window: the benchmark"
        + " JVM's process CPU time (`OperatingSystemMXBean.getProcessCpuTime`, ONNX Runtime's native threads included) less its own"
        + " producer, consumer and driver threads and less the rest (the in-process broker's threads), by Java thread CPU time"
        + " (`ThreadMXBean`). \"Broker included\" adds the broker's CPU: for (c) the benchmark JVM's remaining threads (the in-process"
        + " broker), for (c') the broker's own JVM (utime + stime from `/proc/PID/stat`). For the scale-out, the engine processes' and the"
        + " broker process's CPU come from `/proc/PID/stat` the same way. On a shared machine the scheduler gives a mode with more runnable"
        + " threads more of the cores, which the wall-clock ratio rewards and the per-CPU-second one does not.";

    /** The issue-13 targets: per workload, ratios within this run. */
    private record Targets(double inProcess, double fullPath) {
    }

    private Targets targetsFor() {
        return switch (s.workload()) {
            case Workload.CAMERA -> new Targets(0.90, 0.80);
            case Workload.ENRICHMENT -> new Targets(0.85, 0.70);
            default -> isTargetSetting() ? new Targets(0.95, 0.90) : new Targets(0.90, 0.80);
        };
    }

    private String targets() {
        StringBuilder b = new StringBuilder();
        Targets t = targetsFor();
        switch (s.workload()) {
            case Workload.CAMERA -> b.append("Targets for this workload (issue 13): (b) at least 90% and (c) at least 80% of the ceiling; p99 at half the"
                + " engine's capacity at most 2 x batch time + max-delay + 20 ms; two engine processes (broker in its own JVM) at least 0.9 x one.\n\n");
            case Workload.ENRICHMENT -> b.append("Targets for this workload (issue 13): (b) at least 85% and (c) at least 70% of the ceiling; two engine"
                + " processes (broker in its own JVM) at least 0.9 x one.\n\n");
            default -> {
                if (isTargetSetting()) {
                    b.append("This run is the full-width setting (VGG-16, config D, width 1; single scale Q = 224 with flip; batch 8).\n\n");
                } else {
                    b.append("This run is ").append(r.modelConfig()).append(" at width ").append(r.modelWidth()).append(", batch ").append(s.batch())
                        .append(", not one of the named workloads; the camera workload's targets are shown for reference.\n\n");
                }
            }
        }
        Optional<Point> a = main(Point.Mode.CEILING);
        main(Point.Mode.IN_PROCESS).ifPresent(p -> b.append("- (b) in-process at least ").append(pct(t.inProcess())).append(" of the ceiling: **")
            .append(pct(p.ratio())).append("**, ").append(judge(p.ratio(), t.inProcess())).append('\n'));
        for (Point.Mode m : List.of(Point.Mode.FULL_PATH, Point.Mode.FULL_PATH_CHILD_BROKER)) {
            main(m).ifPresent(p -> b.append("- (").append(m.letter).append(") ").append(m.title).append(" at least ").append(pct(t.fullPath()))
                .append(" of the ceiling: **").append(pct(p.ratio())).append("**, ").append(judge(p.ratio(), t.fullPath())).append('\n'));
        }
        if (a.isPresent() && !s.workload().equals(Workload.ENRICHMENT)) {
            double bound = 2 * a.get().batchMs() + ms(s.maxDelay()) + 20;
            Optional<Point> capacity = capacity();
            for (Point p : where(q -> q.isLatencyRun() && q.isFullPath() && q.batch() == s.batch())) {
                if (capacity.isEmpty() || Math.abs(p.offeredRate() / capacity.get().framesPerSecond() - 0.5) > 0.01) {
                    continue;
                }
                b.append(String.format(Locale.ROOT, "- p99 latency at half the engine's capacity (%s frames/s offered, %s of (%s)'s %s frames/s), (%s):"
                        + " **%s ms** against 2 x batch time %s + max-delay %s + 20 = %s ms, %s%n", fmt(p.offeredRate()),
                    pct(p.offeredRate() / capacity.get().framesPerSecond()), capacity.get().mode().letter, fmt(capacity.get().framesPerSecond()),
                    p.mode().letter, fmt(p.latency().p99()), fmt(a.get().batchMs()), fmt(ms(s.maxDelay())), fmt(bound),
                    p.latency().p99() <= bound ? "reached" : "not reached, by " + fmt(p.latency().p99() - bound) + " ms"));
            }
        }
        if (r.scaleOut().size() > 1) {
            ScaleOut.Phase one = r.scaleOut().get(0);
            ScaleOut.Phase many = r.scaleOut().get(r.scaleOut().size() - 1);
            double ratio = many.framesPerSecond() / one.framesPerSecond();
            b.append("- ").append(many.processes()).append(" engine processes at least 0.9 x one: **").append(fmt(ratio)).append(" x** (")
                .append(fmt(many.framesPerSecond())).append(" against ").append(fmt(one.framesPerSecond())).append(" frames/s), ")
                .append(judge(ratio, 0.9)).append('\n');
        }
        return b.toString();
    }

    private static String judge(double value, double target) {
        return value >= target ? "reached" : Double.isFinite(value) ? "not reached, by " + fmt(100 * (target - value)) + " points" : "not measured";
    }

    /** The engine's own measured capacity: the full path's frames/s at the main point (broker in-process, else in its own JVM). */
    Optional<Point> capacity() {
        return main(Point.Mode.FULL_PATH).or(() -> main(Point.Mode.FULL_PATH_CHILD_BROKER));
    }

    private String batchTable() {
        StringBuilder b = new StringBuilder("| batch | (a) frames/s | (a) ms per batch | (b) frames/s | (b)/(a) | (b) mean batch | (c) frames/s | (c)/(a) | (c) mean batch |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Point a : where(p -> p.mode() == Point.Mode.CEILING)) {
            Optional<Point> pb = at(Point.Mode.IN_PROCESS, a.batch(), ms(s.maxDelay()));
            Optional<Point> pc = at(Point.Mode.FULL_PATH, a.batch(), ms(s.maxDelay()));
            b.append("| ").append(a.batch()).append(" | ").append(fmt(a.framesPerSecond())).append(" | ").append(fmt(a.batchMs())).append(" | ")
                .append(pb.map(p -> fmt(p.framesPerSecond()) + " | " + pct(p.ratio()) + " | " + fmt(p.meanBatch())).orElse("- | - | -"))
                .append(" | ")
                .append(pc.map(p -> fmt(p.framesPerSecond()) + " | " + pct(p.ratio()) + " | " + fmt(p.meanBatch())).orElse("- | - | -"))
                .append(" |\n");
        }
        return b.toString();
    }

    private Optional<Point> at(Point.Mode mode, int batch, double delayMs) {
        return r.points().stream().filter(p -> p.mode() == mode && p.batch() == batch && !p.isLatencyRun()
            && p.maxDelayMs() == delayMs).findFirst();
    }

    private String delayTable(List<Point> points) {
        StringBuilder b = new StringBuilder("| max-delay ms | (b) frames/s | (b)/(a) | (b) mean batch | (c) frames/s | (c)/(a) | (c) mean batch |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        points.stream().mapToDouble(Point::maxDelayMs).distinct().sorted().forEach(d -> {
            Optional<Point> pb = at(Point.Mode.IN_PROCESS, s.batch(), d);
            Optional<Point> pc = at(Point.Mode.FULL_PATH, s.batch(), d);
            b.append("| ").append(fmt(d)).append(" | ")
                .append(pb.map(p -> fmt(p.framesPerSecond()) + " | " + pct(p.ratio()) + " | " + fmt(p.meanBatch())).orElse("- | - | -"))
                .append(" | ")
                .append(pc.map(p -> fmt(p.framesPerSecond()) + " | " + pct(p.ratio()) + " | " + fmt(p.meanBatch())).orElse("- | - | -"))
                .append(" |\n");
        });
        return b.toString();
    }

    private String latencyTable(List<Point> points) {
        StringBuilder b = new StringBuilder("| mode | offered frames/s | of the ceiling | of the engine's capacity | answered frames/s"
            + " | frames timed | p50 ms | p95 ms | p99 ms | max ms | inside the engine p50 / p99 ms | mean batch |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double ceilingFps = main(Point.Mode.CEILING).map(Point::framesPerSecond).orElse(Double.NaN);
        double capacityFps = capacity().map(Point::framesPerSecond).orElse(Double.NaN);
        for (Point p : points) {
            Latencies.Summary l = p.latency();
            b.append("| (").append(p.mode().letter).append(") ").append(p.mode().title).append(" | ").append(fmt(p.offeredRate())).append(" | ")
                .append(pct(p.offeredRate() / ceilingFps)).append(" | ").append(pct(p.offeredRate() / capacityFps)).append(" | ")
                .append(fmt(p.framesPerSecond())).append(" | ").append(l.count()).append(" | ").append(fmt(l.p50())).append(" | ")
                .append(fmt(l.p95())).append(" | ").append(fmt(l.p99())).append(" | ").append(fmt(l.max())).append(" | ")
                .append(p.engineLatency() == null || p.engineLatency().count() == 0 ? "-"
                    : fmt(p.engineLatency().p50()) + " / " + fmt(p.engineLatency().p99()))
                .append(" | ").append(fmt(p.meanBatch())).append(" |\n");
        }
        b.append("\nLatency runs from each frame's capture time (the `ts` the producer wrote, its scheduled time) to the prediction's"
            + " arrival at a downstream consumer (c, c'), or from its scheduled submission to its answer (b). Runs are one after another, not at"
            + " once: at fractions of the ceiling (b and the first full path), at fractions of the engine's own capacity (the full path's"
            + " frames/s measured above, ").append(capacity().map(p -> "(" + p.mode().letter + ") " + fmt(p.framesPerSecond()) + " frames/s")
            .orElse("not measured")).append("), and at a low rate (").append(s.floorRate() > 0 ? fmt(s.floorRate()) + " frames/s" : "none")
            .append(") where frames arrive alone: the floor. A window times at least 200 frames or stretches up to ")
            .append(s.latencyMaxWindow().toSeconds()).append(" s; with fewer frames the p99 is close to the maximum.\n");
        return b.toString();
    }

    private String histogramTable() {
        StringBuilder b = new StringBuilder("| point | batches by size (size:count) | mean |\n|---|---|---:|\n");
        for (Point p : r.points()) {
            if (p.histogram() == null) {
                continue;
            }
            b.append("| ").append(label(p)).append(" | ").append(histogram(p.histogram())).append(" | ").append(fmt(p.meanBatch())).append(" |\n");
        }
        return b.toString();
    }

    static String histogram(long[] h) {
        StringJoiner j = new StringJoiner(" ");
        for (int i = 1; i < h.length; i++) {
            if (h[i] > 0) {
                j.add(i + ":" + h[i]);
            }
        }
        return j.length() == 0 ? "none" : j.toString();
    }

    private String resourceTable() {
        StringBuilder b = new StringBuilder("| point | process CPU | CPU s: preprocessors / rest of engine / inference thread / GC / benchmark / other"
            + " | broker's JVM CPU s | engine CPU per frame | of which preprocessing | heap max | heap committed | RSS max | NMT committed |\n"
            + "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Point p : r.points()) {
            ResourceMeter.Usage u = p.usage();
            b.append("| ").append(label(p)).append(" | ").append(pct(u.cpuShare())).append(" of ").append(u.cores()).append(" | ")
                .append(String.format(Locale.ROOT, "%.1f / %.1f / %.1f / %.1f / %.1f / %.1f", u.group(BenchThreads.PREPROCESS),
                    u.group(BenchThreads.ENGINE), u.group(BenchThreads.INFERENCE), u.gcCpuSeconds(), u.group(BenchThreads.BENCH),
                    u.group(BenchThreads.OTHER)))
                .append(" | ").append(Double.isNaN(u.childCpuSeconds()) ? "-" : String.format(Locale.ROOT, "%.1f", u.childCpuSeconds()))
                .append(" | ").append(msPerFrame(p.overheadMsPerFrame())).append(" | ").append(msPerFrame(p.preprocessMsPerFrame())).append(" | ")
                .append(mb(u.heapUsedMaxBytes())).append(" | ")
                .append(mb(u.heapCommittedBytes())).append(" | ").append(mb(u.rssMaxBytes())).append(" | ")
                .append(u.nmtCommittedBytes().isPresent() ? mb(u.nmtCommittedBytes().getAsLong()) : "off").append(" |\n");
        }
        b.append("\nProcess CPU is the whole JVM (ONNX Runtime's native threads included) as a share of all cores. The engine's CPU outside"
            + " inference is the CPU time of its Java threads (Pekko dispatchers: preprocessing, aggregator, Kafka stages; its Kafka clients),"
            + " without the inference worker's thread, plus the JVM's GC threads, per frame answered: per-frame work and per-second"
            + " costs (timers, dispatcher wake-ups, Kafka polls) together, so it grows at low frame rates; the preprocessors' part (decode,"
            + " rescale, tensors) is per-frame work only. The inference thread's own time is"
            + " mostly ONNX Runtime's calling thread; ONNX Runtime's pool threads are native and only in the process total. RSS holds the model's"
            + " weights (native, ONNX Runtime) and, in (c), the in-process broker; in (c') the broker is in its own JVM, whose CPU is its own column. Start with `-XX:NativeMemoryTracking=summary`"
            + " (VGGSTREAM_JAVA_OPTS) for the NMT column.\n");
        return b.toString();
    }

    private String scaleOutTable() {
        StringBuilder b = new StringBuilder("| processes | ONNX Runtime threads each | frames/s in all | vs one process | frames per engine"
            + " CPU-second | frames per CPU-second, broker included | member (client id) | partitions | its frames/s | its CPU (of all cores)"
            + " | its peak RSS |\n|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|\n");
        double one = r.scaleOut().stream().filter(p -> p.processes() == 1).mapToDouble(ScaleOut.Phase::framesPerSecond).findFirst().orElse(Double.NaN);
        for (ScaleOut.Phase ph : r.scaleOut()) {
            boolean first = true;
            for (ScaleOut.Member m : ph.members()) {
                b.append("| ").append(first ? ph.processes() + "" : "").append(" | ").append(first ? ph.threadsPerProcess() + "" : "").append(" | ")
                    .append(first ? fmt(ph.framesPerSecond()) : "").append(" | ").append(first ? pct(ph.framesPerSecond() / one) : "").append(" | ")
                    .append(first ? fmt(ph.framesPerEngineCpuSecond()) : "").append(" | ").append(first ? fmt(ph.framesPerCpuSecondWithBroker()) : "")
                    .append(" | ").append(m.clientId()).append(" | ").append(m.partitions()).append(" | ").append(fmt(m.framesPerSecond())).append(" | ")
                    .append(pct(m.cpuShare())).append(" | ").append(mb(m.peakRssBytes())).append(" |\n");
                first = false;
            }
        }
        for (ScaleOut.Phase ph : r.scaleOut()) {
            if (!ph.note().isEmpty()) {
                b.append("\n").append(ph.processes()).append(" processes: ").append(ph.note()).append('\n');
            }
        }
        r.scaleOut().stream().findFirst().ifPresent(ph -> b.append("\nBroker: ").append(ph.broker()).append('.'));
        b.append("\nEach process is `vggstream run` in its own JVM (group membership and partitions from the Admin API's consumer group"
            + " description), all on this machine's ").append(Runtime.getRuntime().availableProcessors()).append(" cores, with the producer,"
            + " the prediction consumer and the broker beside them: on one machine more processes share the same cores, so the aggregate"
            + " shows the cost of splitting, not the gain of adding machines.\n");
        return b.toString();
    }

    private String profiles() {
        StringBuilder b = new StringBuilder();
        for (Profiler.Summary p : r.profiles()) {
            long total = p.samplesByGroup().values().stream().mapToLong(Long::longValue).sum();
            b.append("`").append(p.file().getFileName()).append("`: ").append(total).append(" samples of threads running Java code in the")
                .append(String.format(Locale.ROOT, " measured window (%.1f s; the recording holds the warm-up too) (every", p.seconds()));
            b.append(" 10 ms per thread; ONNX Runtime's native work is not among them) by thread group: ");
            StringJoiner j = new StringJoiner(", ");
            p.samplesByGroup().forEach((g, n) -> j.add(g + " " + pct((double) n / total)));
            b.append(j).append(".\n\n");
            if (!p.engineHot().isEmpty()) {
                b.append("| engine threads outside inference: top frame | share of their samples |\n|---|---:|\n");
                p.engineHot().forEach(h -> b.append("| `").append(h.method()).append("` | ").append(pct(h.share())).append(" |\n"));
                b.append('\n');
            }
            if (!p.inferenceHot().isEmpty()) {
                b.append("| inference thread (Java and native samples): top frame | share |\n|---|---:|\n");
                p.inferenceHot().forEach(h -> b.append("| `").append(h.method()).append("` | ").append(pct(h.share())).append(" |\n"));
                b.append('\n');
            }
        }
        b.append("Read a recording with `jfr print --events jdk.ExecutionSample FILE` or `jfr summary FILE`, or open it in JDK Mission Control.\n");
        return b.toString();
    }

    private String consistency() {
        StringBuilder b = new StringBuilder("| point | frames in | answered complete | partial | failed | inputs inferred (histogram)"
            + " | answered x inputs per frame |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (Point p : r.points()) {
            if (p.mode() == Point.Mode.CEILING) {
                continue;
            }
            b.append("| ").append(label(p)).append(" | ").append(p.framesIn()).append(" | ").append(p.framesOut()).append(" | ")
                .append(p.partial()).append(" | ").append(p.failed()).append(" | ").append(p.inputsTotal()).append(" | ")
                .append((p.framesOut() + p.partial()) * r.variantsPerFrame())
                .append(" |").append(p.note().isEmpty() ? "" : " " + p.note()).append('\n');
        }
        return b.toString();
    }

    private String method() {
        return "- (a) runs the engine's own `OrtModel` (same session options and threads) on tensors that the engine's preprocessing made from"
            + " a sample frame beforehand, in full batches per input shape, in a tight loop.\n"
            + "- (b) hands the JPEG bytes to `Engine.classify` with at most max-in-flight frames outstanding: decode, variants, actors, dynamic"
            + " batching, inference and fusion; no Kafka.\n"
            + "- (c) runs the streaming engine (`vggstream run`'s) between a separate producer of JPEG frames and a separate consumer of"
            + " predictions, on fresh topics per point; as fast as it goes, the producer keeps a bounded backlog so the engine never starves."
            + " The broker runs in the benchmark's JVM, beside the engine, producer and consumer.\n"
            + "- (c') is (c) with the broker in a JVM of its own (`BrokerMain`, what `./vggstream kafka start` runs, -Xmx512m), as deployed:"
            + " the broker's threads leave the engine's process, and its CPU is read from /proc.\n"
            + "- " + CPU_METHOD + "\n"
            + "- A rate is read between two completions a whole number of batches apart (completions come in bursts of one batch), after"
            + " the warm-up. Ratios compare each point with the mean of the two ceiling readings at the same batch size, just before"
            + " and just after the engine's points, in the same run.\n"
            + "- Latency runs offer frames at a fixed rate and time each from its scheduled time, so a stall shows as latency.\n";
    }

    private String label(Point p) {
        StringBuilder b = new StringBuilder("(").append(p.mode().letter).append(") batch ").append(p.batch());
        if (!Double.isNaN(p.maxDelayMs())) {
            b.append(", ").append(fmt(p.maxDelayMs())).append(" ms");
        }
        if (p.isLatencyRun()) {
            b.append(", ").append(fmt(p.offeredRate())).append(" frames/s offered");
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- README

    /** This workload's part of the README's Benchmarks section: what was measured, the summary table and the targets. */
    String readmeWorkload() {
        StringBuilder b = new StringBuilder();
        b.append("- ").append(r.model()).append("\n- protocol `").append(s.protocol()).append("` (").append(r.variantsPerFrame())
            .append(" inputs of ").append(String.join(", ", r.inputShapes())).append(" per frame), ").append(s.resolution())
            .append(" JPEG frames, batch ").append(s.batch()).append(", max-delay ").append(fmt(ms(s.maxDelay()))).append(" ms, ")
            .append(s.workers() > 1 ? s.workers() + " workers (sessions; the ceiling runs as many at once) of " : "")
            .append(s.threads()).append(s.threads() == 1 ? " ONNX Runtime thread" : " ONNX Runtime threads")
            .append(s.workersChosen().isEmpty() ? "" : " (the engine's `workers-per-device = auto` on this machine)").append(", max-in-flight ").append(r.maxInFlight()).append("; ")
            .append(withoutAddresses(r.broker())).append("\n\n");
        b.append(summaryTable());
        b.append('\n').append(targets());
        if (r.scaleOut().size() > 1) {
            ScaleOut.Phase many = r.scaleOut().get(r.scaleOut().size() - 1);
            b.append(String.format(Locale.ROOT, "- the scale-out ran on the %s, all on this one machine; the %d processes took partitions %s%n",
                withoutAddresses(many.broker()), many.processes(), many.members().stream().map(m -> m.partitions().toString()).toList()));
        }
        List<Point> latency = where(q -> q.isLatencyRun() && q.isFullPath());
        if (!latency.isEmpty()) {
            double ceilingFps = main(Point.Mode.CEILING).map(Point::framesPerSecond).orElse(Double.NaN);
            double capacityFps = capacity().map(Point::framesPerSecond).orElse(Double.NaN);
            b.append("- latency, capture `ts` to the prediction at a downstream consumer: ");
            StringJoiner j = new StringJoiner("; ");
            for (Point p : latency) {
                j.add(String.format(Locale.ROOT, "(%s) at %s frames/s (%s of the ceiling, %s of the capacity): p50 %s / p99 %s ms over %d frames",
                    p.mode().letter, fmt(p.offeredRate()), pct(p.offeredRate() / ceilingFps), pct(p.offeredRate() / capacityFps),
                    fmt(p.latency().p50()), fmt(p.latency().p99()), p.latency().count()));
            }
            b.append(j).append('\n');
        }
        return b.toString();
    }

    /** A broker's description without its pid and address, which mean nothing outside the run. */
    static String withoutAddresses(String broker) {
        return broker.replaceAll("pid \\d+, ", "").replaceAll(" at 127\\.0\\.0\\.1:\\d+", "");
    }

    private String command() {
        return s.command();
    }

    /** Replaces the section between the markers in {@code readme}, or appends a {@code ## Benchmarks} section holding it. */
    public static void updateReadme(Path readme, String section) throws IOException {
        String text = Files.exists(readme) ? Files.readString(readme, StandardCharsets.UTF_8) : "";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        String updated;
        if (begin >= 0 && end > begin) {
            updated = text.substring(0, begin) + section.strip() + text.substring(end + END.length());
        } else {
            updated = text.stripTrailing() + "\n\n## Benchmarks\n\n" + section;
        }
        Files.writeString(readme, updated, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- CSV

    String csv() {
        StringBuilder b = new StringBuilder("mode,kind,batch,max_delay_ms,offered_fps,frames_in,frames_out,partial,failed,seconds,frames_per_s,"
            + "images_per_s,ratio_to_ceiling,mean_batch,latency_p50_ms,latency_p95_ms,latency_p99_ms,latency_max_ms,engine_latency_p50_ms,"
            + "engine_latency_p99_ms,ceiling_batch_ms,process_cpu_share,preprocess_cpu_s,engine_cpu_s,inference_thread_cpu_s,gc_cpu_s,bench_cpu_s,"
            + "other_cpu_s,engine_cpu_ms_per_frame,preprocess_cpu_ms_per_frame,frames_per_cpu_s,heap_max_mb,rss_max_mb,inputs_total,histogram_window\n");
        for (Point p : r.points()) {
            ResourceMeter.Usage u = p.usage();
            Latencies.Summary l = p.latency();
            Latencies.Summary e = p.engineLatency();
            List<String> f = new ArrayList<>(Arrays.asList(
                p.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'), p.isLatencyRun() ? "latency" : "throughput",
                Integer.toString(p.batch()), num(p.maxDelayMs()), num(p.offeredRate()), Long.toString(p.framesIn()),
                Long.toString(p.framesOut()), Long.toString(p.partial()), Long.toString(p.failed()), num(p.seconds()), num(p.framesPerSecond()), num(p.imagesPerSecond()),
                num(p.ratio()), num(p.meanBatch()), num(l == null ? Double.NaN : l.p50()), num(l == null ? Double.NaN : l.p95()),
                num(l == null ? Double.NaN : l.p99()), num(l == null ? Double.NaN : l.max()), num(e == null ? Double.NaN : e.p50()),
                num(e == null ? Double.NaN : e.p99()), num(p.batchMs()), num(u.cpuShare()), num(u.group(BenchThreads.PREPROCESS)), num(u.group(BenchThreads.ENGINE)),
                num(u.group(BenchThreads.INFERENCE)), num(u.gcCpuSeconds()), num(u.group(BenchThreads.BENCH)), num(u.group(BenchThreads.OTHER)),
                num(p.overheadMsPerFrame()), num(p.preprocessMsPerFrame()), num(p.framesPerCpuSecond()), num(u.heapUsedMaxBytes() / 1e6), num(u.rssMaxBytes() / 1e6), Long.toString(p.inputsTotal()),
                p.histogram() == null ? "" : histogram(p.histogram())));
            b.append(String.join(",", f)).append('\n');
        }
        return b.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "";
    }

    // ---------------------------------------------------------------- plots

    private void plots() throws IOException {
        LineChart batch = new LineChart("Throughput against batch size (max-delay " + fmt(ms(s.maxDelay())) + " ms)", "max-batch-size",
            "frames/s").log2X();
        batch.add(series("(a) ceiling", LineChart.BLUE, where(p -> p.mode() == Point.Mode.CEILING), Point::batch, false));
        batch.add(series("(b) in-process", LineChart.ORANGE, where(p -> p.mode() == Point.Mode.IN_PROCESS && !p.isLatencyRun()
            && p.maxDelayMs() == ms(s.maxDelay())), Point::batch, false));
        batch.add(series("(c) full path", LineChart.GREEN, where(p -> p.mode() == Point.Mode.FULL_PATH && !p.isLatencyRun()
            && p.maxDelayMs() == ms(s.maxDelay())), Point::batch, false));
        if (!batch.isEmpty()) {
            batch.write(s.out().resolve(PLOT_BATCH));
        }
        List<Point> delays = where(p -> !p.isLatencyRun() && p.mode() != Point.Mode.CEILING && p.batch() == s.batch());
        if (delays.stream().mapToDouble(Point::maxDelayMs).distinct().count() > 1) {
            LineChart delay = new LineChart("Throughput against max-delay (batch " + s.batch() + ")", "max-delay (ms)", "frames/s");
            delay.add(series("(b) in-process", LineChart.ORANGE, where(p -> p.mode() == Point.Mode.IN_PROCESS && delays.contains(p)),
                Point::maxDelayMs, false));
            delay.add(series("(c) full path", LineChart.GREEN, where(p -> p.mode() == Point.Mode.FULL_PATH && delays.contains(p)),
                Point::maxDelayMs, false));
            main(Point.Mode.CEILING).ifPresent(a -> delay.reference(new LineChart.Reference("(a) ceiling at batch " + s.batch(), LineChart.BLUE,
                a.framesPerSecond())));
            delay.write(s.out().resolve(PLOT_DELAY));
        }
        List<Point> latency = where(Point::isLatencyRun);
        if (!latency.isEmpty()) {
            LineChart cdf = new LineChart("Latency distribution at a fixed offered rate (capture to prediction)", "latency (ms)",
                "fraction of frames answered within").yFromZero(true);
            int i = 0;
            java.awt.Color[] colours = {LineChart.ORANGE, LineChart.GREEN, LineChart.RED, LineChart.PURPLE, LineChart.BLUE, LineChart.GREY};
            for (Point p : latency) {
                double[] sorted = p.latency().samples();
                if (sorted.length == 0) {
                    continue;
                }
                int n = Math.min(sorted.length, 400);
                double[] x = new double[n];
                double[] y = new double[n];
                for (int k = 0; k < n; k++) {
                    int idx = (int) Math.round((double) k * (sorted.length - 1) / Math.max(1, n - 1));
                    x[k] = sorted[idx];
                    y[k] = (idx + 1) / (double) sorted.length;
                }
                cdf.add(new LineChart.Series(String.format(Locale.ROOT, "(%s) %s, %s frames/s", p.mode().letter, p.mode().title,
                    fmt(p.offeredRate())), colours[i++ % colours.length], x, y, p.mode() == Point.Mode.IN_PROCESS));
            }
            if (!cdf.isEmpty()) {
                cdf.write(s.out().resolve(PLOT_LATENCY));
            }
        }
    }

    private static LineChart.Series series(String name, java.awt.Color c, List<Point> points,
                                           java.util.function.ToDoubleFunction<Point> x, boolean dashed) {
        List<Point> sorted = points.stream().sorted(java.util.Comparator.comparingDouble(x)).toList();
        return new LineChart.Series(name, c, sorted.stream().mapToDouble(x).toArray(),
            sorted.stream().mapToDouble(Point::framesPerSecond).toArray(), dashed);
    }

    // ---------------------------------------------------------------- formatting

    static String fmt(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        return a >= 100 ? String.format(Locale.ROOT, "%.0f", v) : a >= 10 ? String.format(Locale.ROOT, "%.1f", v)
            : String.format(Locale.ROOT, "%.2f", v);
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "-";
    }

    static String mb(long bytes) {
        return bytes <= 0 ? "-" : String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }

    static String msPerFrame(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f ms/frame", v) : "-";
    }

    private static String load(double[] l) {
        return String.format(Locale.ROOT, "%.2f/%.2f/%.2f", l[0], l[1], l[2]);
    }
}
