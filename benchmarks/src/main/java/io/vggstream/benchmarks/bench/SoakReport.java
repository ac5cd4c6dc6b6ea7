package io.vggstream.benchmarks.bench;

import io.vggstream.report.LineChart;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.ToDoubleFunction;

/**
 * Writes a soak's results: {@code soak.md} (the verdicts with their rules and figures),
 * {@code soak.csv} (one row per sample) and time-series plots of memory, rates, latency, frames in
 * flight and the Kafka backlog.
 */
public final class SoakReport {

    static final String REPORT = "soak.md";
    public static final String CSV = "soak.csv";
    static final String PLOT_MEMORY = "soak-memory.png";
    static final String PLOT_RATES = "soak-rates.png";
    static final String PLOT_LATENCY = "soak-latency.png";
    static final String PLOT_IN_FLIGHT = "soak-in-flight.png";
    static final String PLOT_BACKLOG = "soak-backlog.png";
    /** Kafka delivery on both sides of the engine (producer linger, consumer polls), allowed in the latency bound. */
    static final double DELIVERY_SLACK_S = 1.0;

    private final SoakResult r;
    private final SoakSpec s;
    private final List<SoakSampler.Sample> soak;

    public SoakReport(SoakResult result) {
        this.r = result;
        this.s = result.spec();
        this.soak = r.samples().stream().filter(x -> x.phase().equals("soak")).toList();
    }

    /** Writes every file into the spec's output folder; returns the report's path. */
    public Path write() throws IOException {
        Files.createDirectories(s.out());
        Files.writeString(s.out().resolve(CSV), csv(), StandardCharsets.UTF_8);
        plots();
        Path report = s.out().resolve(REPORT);
        Files.writeString(report, markdown(), StandardCharsets.UTF_8);
        return report;
    }

    // ---------------------------------------------------------------- verdicts

    private double durationSeconds() {
        return Math.min(s.duration().toMillis() / 1000.0, r.soakSeconds() > 0 ? r.soakSeconds() : Double.MAX_VALUE);
    }

    Trend trend(String name, ToDoubleFunction<SoakSampler.Sample> bytes) {
        double[] t = soak.stream().mapToDouble(SoakSampler.Sample::seconds).toArray();
        double[] v = soak.stream().mapToDouble(bytes).toArray();
        return Trend.of(name, t, v, durationSeconds(), s.maxSlopeMbPerMinute());
    }

    Trend heapAfterGc() {
        return trend("heap after GC", x -> x.heapAfterGcBytes() < 0 ? Double.NaN : x.heapAfterGcBytes());
    }

    Trend rss() {
        return trend("resident set (RSS)", x -> x.rssBytes());
    }

    Trend heapCommitted() {
        return trend("heap committed", x -> x.heapCommittedBytes());
    }

    /**
     * Resident memory outside the Java heap: RSS less the heap committed. RSS alone follows the JVM's resizing of its
     * heap (G1 commits and uncommits regions as it sees fit, by hundreds of MB), which is not a leak; what is left is
     * ONNX Runtime, OpenCV, direct buffers, metaspace, thread stacks (and the in-process broker's). It undercounts by
     * committed heap pages not touched yet; with {@code -Xms = -Xmx} and {@code -XX:+AlwaysPreTouch} it is exact.
     */
    Trend nativeMemory() {
        return trend("RSS less heap committed", x -> x.rssBytes() - x.heapCommittedBytes());
    }

    /** Whether the JVM resized its heap between the second and the last quarter by more than 10% (or 50 MB). */
    boolean heapResized() {
        Trend c = heapCommitted();
        return Math.abs(c.q4Mb() - c.q2Mb()) > Math.max(Trend.GROWTH_FRACTION * c.q2Mb(), Trend.GROWTH_MB);
    }

    /** The JVM's heap flags, as the report states them. */
    static String jvmFlags() {
        java.util.List<String> flags = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-Xm") || a.startsWith("-Xs") || a.startsWith("-XX:")).toList();
        return String.format(Locale.ROOT, "max heap %.0f MB, flags %s", Runtime.getRuntime().maxMemory() / 1e6,
            flags.isEmpty() ? "none (the JVM's defaults)" : String.join(" ", flags));
    }

    /** Frames/s predicted while frames were offered. */
    double soakPredictedRate() {
        if (soak.size() < 2) {
            return Double.NaN;
        }
        SoakSampler.Sample a = soak.get(0);
        SoakSampler.Sample b = soak.get(soak.size() - 1);
        return b.seconds() > a.seconds() ? (b.predicted() - a.predicted()) / (b.seconds() - a.seconds()) : Double.NaN;
    }

    /**
     * The latency a predicted frame can have: it was at most max-frame-age old when it entered the engine, then waited
     * behind at most max-in-flight frames and its own batch at the rate the engine predicted during the soak, plus Kafka
     * delivery on both sides.
     */
    double latencyBoundSeconds() {
        double rate = soakPredictedRate();
        int burst = s.burst(r.variantsPerFrame());
        return s.maxFrameAge().toMillis() / 1000.0 + (r.maxInFlight() + burst) / rate + DELIVERY_SLACK_S;
    }

    boolean latencyBounded() {
        return r.latency().count() > 0 && Double.isFinite(latencyBoundSeconds()) && r.latency().p99() / 1000.0 <= latencyBoundSeconds();
    }

    long answersRead() {
        return r.readPredicted() + r.readDropped() + r.readDeadLetters();
    }

    boolean accounted() {
        return r.offered() > 0 && r.check().complete() && answersRead() == r.offered()
            && r.framesIn() == r.predicted() + r.dropped() + r.otherDeadLetters();
    }

    boolean noRebalanceStorm() {
        return r.rebalances() == 1.0;
    }

    boolean allHold() {
        return r.problem().isEmpty() && heapAfterGc().flat() && nativeMemory().flat() && latencyBounded() && accounted() && noRebalanceStorm()
            && r.dropped() > 0;
    }

    // ---------------------------------------------------------------- markdown

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# vggstream bench soak: ").append(String.format(Locale.ROOT, "%.0fx overload for %s, ", s.overload(), Soak.human(s.duration())))
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(r.started().atOffset(ZoneOffset.UTC).withNano(0))).append(" UTC\n\n");
        md.append("`").append(s.command()).append("`\n\n");
        md.append("- machine: ").append(r.machine()).append(String.format(Locale.ROOT, "; load average %.2f / %.2f / %.2f at the start,"
            + " %.2f / %.2f / %.2f at the end%n", r.loadBefore()[0], r.loadBefore()[1], r.loadBefore()[2], r.loadAfter()[0], r.loadAfter()[1],
            r.loadAfter()[2]));
        md.append("- JVM: ").append(jvmFlags()).append("\n");
        md.append("- model: ").append(r.model()).append("\n");
        md.append(String.format(Locale.ROOT, "- protocol `%s`: %d inputs per frame, shapes %s; frames %s JPEG, %d bytes on average%n", s.protocol(),
            r.variantsPerFrame(), r.inputShapes(), s.resolution(), r.jpegBytes()));
        md.append(String.format(Locale.ROOT, "- engine: max-batch-size %d, max-delay %s, %d ONNX Runtime threads, max-in-flight %d, max-frame-age %s;"
            + " %d partitions; %s%n", s.batch(), Soak.human(s.maxDelay()), s.threads(), r.maxInFlight(), Soak.human(s.maxFrameAge()), s.partitions(),
            r.broker()));
        md.append(String.format(Locale.ROOT, "- capacity: **%.2f frames/s**, %s%n", r.capacity(), r.capacityHow()));
        md.append(String.format(Locale.ROOT, "- offered: %.1fx that = **%.2f frames/s** asked for, %.2f frames/s acknowledged by the broker over %.0f s"
            + " (%d frames); then %.1f s to work off the backlog and drain%n", s.overload(), r.offeredRate(),
            r.soakSeconds() > 0 ? r.offered() / r.soakSeconds() : 0, r.soakSeconds(), r.offered(), r.drainSeconds()));
        r.problem().ifPresent(p -> md.append("\n**The soak stopped early:** `").append(p).append("`; what was measured before is below.\n"));

        Trend heap = heapAfterGc();
        Trend rss = nativeMemory();
        md.append("\n## Verdicts\n\n| promise | verdict | figures |\n|---|---|---|\n");
        md.append(row("heap flat", heap.flat(), heap.verdict()));
        md.append(row("native memory flat", rss.flat(), rss.verdict()));
        md.append(row("latency bounded", latencyBounded(), String.format(Locale.ROOT,
            "p99 %.2f s of %d frames predicted, bound %.2f s = max-frame-age %.1f s + (max-in-flight %d + one batch's %d frames) / %.2f frames/s"
                + " predicted + %.0f s Kafka delivery", r.latency().p99() / 1000, r.latency().count(), latencyBoundSeconds(),
            s.maxFrameAge().toMillis() / 1000.0, r.maxInFlight(), s.burst(r.variantsPerFrame()), soakPredictedRate(), DELIVERY_SLACK_S)));
        md.append(row("every frame answered", accounted(), String.format(Locale.ROOT,
            "offered %d = read back %d predicted + %d dropped + %d other dead letters (%d distinct offsets); %d missing, %d beyond the end,"
                + " %d duplicates; engine: %d in = %d predicted + %d dropped + %d other", r.offered(), r.readPredicted(), r.readDropped(),
            r.readDeadLetters(), r.check().answered(), r.check().missing(), r.check().beyond(), r.check().duplicates(), r.framesIn(), r.predicted(),
            r.dropped(), r.otherDeadLetters()) + (r.check().firstMissing().isEmpty() ? "" : "; first missing " + r.check().firstMissing())));
        md.append(row("old frames dropped", r.dropped() > 0, String.format(Locale.ROOT, "%d dropped (%.1f%% of the frames offered)", r.dropped(),
            r.offered() == 0 ? 0 : 100.0 * r.dropped() / r.offered())));
        md.append(row("no rebalance storm", noRebalanceStorm(), String.format(Locale.ROOT, "rebalance-total %.0f at the end (%s); 1 is the"
            + " initial assignment", r.rebalances(), r.rebalanceGroup().isEmpty() ? "metric not read" : r.rebalanceGroup())));
        md.append("\nRules. *Flat*: the last quarter's mean exceeds the second quarter's by at most max(10% of it, 50 MB), and the least-squares"
            + String.format(Locale.ROOT, " slope over the last three quarters is at most %.1f MB/min (`--max-slope`); the first quarter is"
                + " warm-up (JIT, pools, caches). ", s.maxSlopeMbPerMinute())
            + "Heap after GC is the heap pools' use right after each collection (the collectors' notifications). Native memory is"
            + " judged on RSS less the heap committed: RSS alone follows the JVM's resizing of its heap, which is not a leak; what is left"
            + " is ONNX Runtime's, OpenCV's and the JVM's own native memory and, with the in-process broker, the broker's. *Bounded latency*: the p99 from capture"
            + " `ts` to the prediction read back, over the soak's frames predicted, within the bound stated. *Every frame answered*: every"
            + " offset of the frames topic has a prediction or a dead letter read back downstream, by its source partition and offset.\n");

        if (heapResized()) {
            Trend c = heapCommitted();
            md.append(String.format(Locale.ROOT, "%n**The JVM resized its heap during the soak** (committed %.0f MB in the second quarter, %.0f MB in the"
                + " last): RSS and the heap after GC follow such resizing, so their trends say more about the collector's sizing than about"
                + " leaks. For a clean verdict, fix the heap: `VGGSTREAM_JAVA_OPTS=\"-Xms2g -Xmx2g -XX:+AlwaysPreTouch\"`.%n", c.q2Mb(), c.q4Mb()));
        }
        md.append("\n## Frames\n\n| | frames |\n|---|---|\n");
        md.append(String.format(Locale.ROOT, "| offered (acknowledged by the broker) | %d |%n", r.offered()));
        md.append(String.format(Locale.ROOT, "| consumed by the engine | %d |%n", r.framesIn()));
        md.append(String.format(Locale.ROOT, "| predicted | %d (%d partial) |%n", r.predicted(), r.partial()));
        md.append(String.format(Locale.ROOT, "| dropped (older than max-frame-age on arrival) | %d |%n", r.dropped()));
        md.append(String.format(Locale.ROOT, "| other dead letters | %d |%n", r.otherDeadLetters()));
        md.append(String.format(Locale.ROOT, "| read back: predictions / dropped / other dead letters | %d / %d / %d |%n", r.readPredicted(),
            r.readDropped(), r.readDeadLetters()));
        md.append(String.format(Locale.ROOT, "| missing / duplicates | %d / %d |%n", r.check().missing(), r.check().duplicates()));
        md.append(String.format(Locale.ROOT, "| most frames in the engine at once | %d (max-in-flight %d) |%n", r.maxInFlightSeen(), r.maxInFlight()));
        md.append(String.format(Locale.ROOT, "| predicted while offered | %.2f frames/s (%.0f%% of the capacity) |%n", soakPredictedRate(),
            100 * soakPredictedRate() / r.capacity()));

        md.append("\n## Memory (MB)\n\n| series | first sample | second quarter | last quarter | last sample | slope MB/min |\n|---|---|---|---|---|---|\n");
        for (Trend t : List.of(trend("heap in use", x -> x.heapUsedBytes()), heap, heapCommitted(), rss(), rss,
            trend("direct buffers", x -> x.directBytes()))) {
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %+.2f |%n", t.name(), t.startMb(), t.q2Mb(), t.q4Mb(), t.endMb(),
                t.slopeMbPerMinute()));
        }
        if (!soak.isEmpty()) {
            SoakSampler.Sample a = soak.get(0);
            SoakSampler.Sample b = soak.get(soak.size() - 1);
            md.append(String.format(Locale.ROOT, "%nCollections: %d during the soak. Direct buffers: %d at the start, %d at the end.%n",
                b.gcCount() - a.gcCount(), a.directCount(), b.directCount()));
        }

        md.append("\n## Latency of the frames predicted (ms)\n\n| | p50 | p95 | p99 | max |\n|---|---|---|---|---|\n");
        Latencies.Summary l = r.latency();
        Latencies.Summary e = r.engineLatency();
        md.append(String.format(Locale.ROOT, "| capture to read back (%d frames) | %.0f | %.0f | %.0f | %.0f |%n", l.count(), l.p50(), l.p95(), l.p99(), l.max()));
        md.append(String.format(Locale.ROOT, "| inside the engine | %.0f | %.0f | %.0f | %.0f |%n", e.p50(), e.p95(), e.p99(), e.max()));
        double worstWindow = soak.stream().mapToDouble(SoakSampler.Sample::p99Ms).filter(Double::isFinite).max().orElse(Double.NaN);
        md.append(String.format(Locale.ROOT, "%nThe worst p99 of one %s window: %.0f ms.%n", Soak.human(s.sampleInterval()), worstWindow));

        if (r.capacityPoint() != null) {
            Point c = r.capacityPoint();
            md.append(String.format(Locale.ROOT, "%n## Capacity measurement%n%n%.2f frames/s (%.2f images/s) over %.1f s, mean batch %.2f; %s%n",
                c.framesPerSecond(), c.imagesPerSecond(), c.seconds(), c.meanBatch(), c.note()));
        }
        md.append("\n## Plots\n\n");
        for (String p : List.of(PLOT_MEMORY, PLOT_RATES, PLOT_LATENCY, PLOT_IN_FLIGHT, PLOT_BACKLOG)) {
            md.append("![").append(p).append("](").append(p).append(")\n");
        }
        md.append("\nEvery sample is a row of `").append(CSV).append("`.\n");
        return md.toString();
    }

    private static String row(String promise, boolean holds, String figures) {
        return "| " + promise + " | " + (holds ? "holds" : "**fails**") + " | " + figures + " |\n";
    }

    // ---------------------------------------------------------------- CSV and plots

    String csv() {
        StringBuilder b = new StringBuilder("seconds,phase,offered,frames_in,predicted,dropped,other_dead_letters,in_flight,backlog,latency_count,"
            + "latency_p50_ms,latency_p99_ms,heap_used_mb,heap_after_gc_mb,heap_committed_mb,rss_mb,direct_mb,direct_count,gc_count,rebalances,"
            + "cpu_cores,load1\n");
        for (SoakSampler.Sample x : r.samples()) {
            StringJoiner j = new StringJoiner(",");
            j.add(f(x.seconds(), 1)).add(x.phase()).add(Long.toString(x.offered())).add(Long.toString(x.framesIn()))
                .add(Long.toString(x.predicted())).add(Long.toString(x.dropped())).add(Long.toString(x.otherDeadLetters()))
                .add(Long.toString(x.inFlight())).add(Long.toString(Math.max(0, x.offered() - x.framesIn()))).add(Integer.toString(x.latencyCount()))
                .add(f(x.p50Ms(), 0)).add(f(x.p99Ms(), 0)).add(f(x.heapUsedBytes() / 1e6, 1)).add(x.heapAfterGcBytes() < 0 ? "" : f(x.heapAfterGcBytes() / 1e6, 1))
                .add(f(x.heapCommittedBytes() / 1e6, 1)).add(f(x.rssBytes() / 1e6, 1)).add(f(x.directBytes() / 1e6, 2)).add(Long.toString(x.directCount()))
                .add(Long.toString(x.gcCount())).add(f(x.rebalances(), 0)).add(f(x.cpuCores(), 2)).add(f(x.load1(), 2));
            b.append(j).append('\n');
        }
        return b.toString();
    }

    private static String f(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "";
    }

    private void plots() throws IOException {
        List<SoakSampler.Sample> all = r.samples();
        double[] t = all.stream().mapToDouble(x -> x.seconds() / 60).toArray();
        String x = "minutes since the first answer (the drain follows at " + f(durationSeconds() / 60, 1) + ")";
        new LineChart("Memory under " + f(s.overload(), 0) + "x overload", x, "MB").yFromZero(false)
            .add(series("heap in use", LineChart.GREY, t, all, y -> y.heapUsedBytes() / 1e6, true))
            .add(series("heap after GC", LineChart.BLUE, t, all, y -> y.heapAfterGcBytes() < 0 ? Double.NaN : y.heapAfterGcBytes() / 1e6, false))
            .add(series("RSS", LineChart.RED, t, all, y -> y.rssBytes() / 1e6, false))
            .add(series("heap committed", LineChart.PURPLE, t, all, y -> y.heapCommittedBytes() / 1e6, true))
            .add(series("RSS less heap committed", LineChart.ORANGE, t, all, y -> (y.rssBytes() - y.heapCommittedBytes()) / 1e6, false))
            .add(series("direct buffers", LineChart.GREEN, t, all, y -> y.directBytes() / 1e6, false))
            .write(s.out().resolve(PLOT_MEMORY));
        LineChart rates = new LineChart("Frames per second, per sample interval", x, "frames/s");
        rates.add(series("offered", LineChart.GREY, mid(t), rate(all, SoakSampler.Sample::offered), false));
        rates.add(series("consumed", LineChart.PURPLE, mid(t), rate(all, SoakSampler.Sample::framesIn), true));
        rates.add(series("predicted", LineChart.BLUE, mid(t), rate(all, SoakSampler.Sample::predicted), false));
        rates.add(series("dropped", LineChart.ORANGE, mid(t), rate(all, SoakSampler.Sample::dropped), false));
        rates.reference(new LineChart.Reference("capacity", LineChart.GREEN, r.capacity()));
        rates.write(s.out().resolve(PLOT_RATES));
        new LineChart("Latency of the frames predicted, per sample interval", x, "ms from capture")
            .add(series("p50", LineChart.BLUE, t, all, SoakSampler.Sample::p50Ms, false))
            .add(series("p99", LineChart.RED, t, all, SoakSampler.Sample::p99Ms, false))
            .reference(new LineChart.Reference("max-frame-age", LineChart.GREY, s.maxFrameAge().toMillis()))
            .reference(new LineChart.Reference("bound", LineChart.ORANGE, latencyBoundSeconds() * 1000))
            .write(s.out().resolve(PLOT_LATENCY));
        new LineChart("Frames inside the engine", x, "frames")
            .add(series("in flight", LineChart.BLUE, t, all, y -> y.inFlight(), false))
            .reference(new LineChart.Reference("max-in-flight", LineChart.RED, r.maxInFlight()))
            .write(s.out().resolve(PLOT_IN_FLIGHT));
        new LineChart("Backlog in Kafka: offered, not yet consumed", x, "frames")
            .add(series("backlog", LineChart.PURPLE, t, all, y -> Math.max(0, y.offered() - y.framesIn()), false))
            .write(s.out().resolve(PLOT_BACKLOG));
    }

    private static LineChart.Series series(String name, Color c, double[] t, List<SoakSampler.Sample> all,
                                           ToDoubleFunction<SoakSampler.Sample> y, boolean dashed) {
        return new LineChart.Series(name, c, t, all.stream().mapToDouble(y).toArray(), dashed);
    }

    private static LineChart.Series series(String name, Color c, double[] t, double[] y, boolean dashed) {
        return new LineChart.Series(name, c, t, y, dashed);
    }

    private static double[] mid(double[] t) {
        double[] m = new double[Math.max(0, t.length - 1)];
        for (int i = 1; i < t.length; i++) {
            m[i - 1] = (t[i - 1] + t[i]) / 2;
        }
        return m;
    }

    private static double[] rate(List<SoakSampler.Sample> all, java.util.function.ToLongFunction<SoakSampler.Sample> count) {
        double[] r = new double[Math.max(0, all.size() - 1)];
        for (int i = 1; i < all.size(); i++) {
            double dt = all.get(i).seconds() - all.get(i - 1).seconds();
            r[i - 1] = dt <= 0 ? Double.NaN : (count.applyAsLong(all.get(i)) - count.applyAsLong(all.get(i - 1))) / dt;
        }
        return r;
    }

    /** The figures for the README and the closing note, in one paragraph. */
    public String summary() {
        Trend heap = heapAfterGc();
        Trend rss = nativeMemory();
        return String.format(Locale.ROOT, "%.0fx overload (%.2f frames/s offered against a capacity of %.2f) for %.0f s: offered %d, predicted %d,"
                + " dropped %d, other dead letters %d, missing %d, duplicates %d; heap after GC %.0f -> %.0f MB (slope %+.2f MB/min, %s), RSS less"
                + " heap committed %.0f -> %.0f MB (slope %+.2f MB/min, %s); p99 %.2f s (bound %.2f s); rebalances %.0f; load %.1f -> %.1f",
            s.overload(), r.offeredRate(), r.capacity(), r.soakSeconds(), r.offered(), r.predicted(), r.dropped(), r.otherDeadLetters(),
            r.check().missing(), r.check().duplicates(), heap.startMb(), heap.endMb(), heap.slopeMbPerMinute(), heap.flat() ? "flat" : "growing",
            rss.startMb(), rss.endMb(), rss.slopeMbPerMinute(), rss.flat() ? "flat" : "growing", r.latency().p99() / 1000,
            latencyBoundSeconds(), r.rebalances(), r.loadBefore()[0], r.loadAfter()[0]);
    }

    public List<String> failures() {
        List<String> f = new ArrayList<>();
        r.problem().ifPresent(p -> f.add("stopped early: " + p));
        if (!heapAfterGc().flat()) {
            f.add("heap after GC: " + heapAfterGc().verdict());
        }
        if (!nativeMemory().flat()) {
            f.add("RSS less heap committed: " + nativeMemory().verdict());
        }
        if (!latencyBounded()) {
            f.add("latency p99 over the bound");
        }
        if (!accounted()) {
            f.add("not every frame answered exactly once in the counts");
        }
        if (r.dropped() == 0) {
            f.add("no frame was dropped: the overload did not reach max-frame-age");
        }
        if (!noRebalanceStorm()) {
            f.add("rebalances: " + r.rebalances());
        }
        return f;
    }
}
