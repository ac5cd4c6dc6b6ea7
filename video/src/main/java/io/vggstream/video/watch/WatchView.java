package io.vggstream.video.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The text of the live view: a table with one row per stream for a terminal (redrawn in place),
 * or one plain line per stream for logs and pipes. Pure text; {@link Redraw} does the ANSI part.
 */
public final class WatchView {

    private WatchView() {
    }

    /**
     * What the view shows of one stream.
     *
     * @param seq the latest prediction's frame number, -1 before any
     * @param top1 the latest top-1 class name
     * @param p its probability, NaN before any
     * @param fps predictions per second lately
     * @param latencyP50 the median capture-to-prediction latency of the latest predictions, ms
     * @param accuracy top-1 accuracy over the labelled predictions so far
     * @param labelled how many predictions carried a label
     * @param frames how many predictions so far
     */
    public record Row(String stream, long seq, String top1, double p, double fps, OptionalDouble latencyP50,
        OptionalDouble accuracy, long labelled, long frames) {
    }

    private static final int SEQ = 8;
    private static final int P = 6;
    private static final int FPS = 6;
    private static final int LAT = 9;
    private static final int ACC = 16;
    private static final int MIN_NAME = 6;

    /** The table: a title, a header and one row per stream, every line at most {@code width} characters. */
    static List<String> table(String title, List<Row> rows, int width) {
        int fixed = 1 + SEQ + 2 + 1 + P + 1 + FPS + 1 + LAT + 2 + ACC;
        int free = Math.max(2 * MIN_NAME, width - fixed);
        int longestStream = rows.stream().mapToInt(r -> r.stream().length()).max().orElse(6);
        int streamW = Math.max(MIN_NAME, Math.min(longestStream, free / 2));
        int topW = Math.max(MIN_NAME, free - streamW);
        List<String> out = new ArrayList<>();
        out.add(cut(title, width));
        String fmt = "%-" + streamW + "s %" + SEQ + "s  %-" + topW + "s %" + P + "s %" + FPS + "s %" + LAT + "s  %-" + ACC + "s";
        out.add(cut(String.format(Locale.ROOT, fmt, "STREAM", "SEQ", "TOP-1", "P", "FPS", "LATENCY", "ACCURACY").stripTrailing(), width));
        for (Row r : rows) {
            out.add(cut(String.format(Locale.ROOT, fmt, cut(r.stream(), streamW), r.seq() < 0 ? "-" : Long.toString(r.seq()),
                cut(r.top1(), topW), Double.isNaN(r.p()) ? "-" : percent(r.p()), String.format(Locale.ROOT, "%.1f", r.fps()),
                latency(r.latencyP50()), accuracy(r.accuracy(), r.labelled())).stripTrailing(), width));
        }
        if (rows.isEmpty()) {
            out.add("(no predictions yet)");
        }
        return out;
    }

    /** One plain line for a stream: {@code [0:05] cam-1 seq=123 top1=Sneaker p=91.2% fps=25.0 latency_p50=40 ms accuracy=87.5% of 120}. */
    static String plain(String elapsed, Row r) {
        return String.format(Locale.ROOT, "[%s] %s seq=%s top1=%s p=%s fps=%.1f latency_p50=%s accuracy=%s", elapsed, r.stream(),
            r.seq() < 0 ? "-" : Long.toString(r.seq()), r.top1().replace(' ', '_'), Double.isNaN(r.p()) ? "-" : percent(r.p()),
            r.fps(), latency(r.latencyP50()), accuracy(r.accuracy(), r.labelled()).replace(' ', '_').replace("_of_", " of "));
    }

    static String percent(double p) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * p);
    }

    /** Milliseconds as {@code 40 ms} or, from 10 s, {@code 12.3 s}; {@code -} when unknown. */
    static String latency(OptionalDouble ms) {
        if (ms.isEmpty()) {
            return "-";
        }
        double v = ms.getAsDouble();
        return v >= 10_000 ? String.format(Locale.ROOT, "%.1f s", v / 1000) : String.format(Locale.ROOT, "%.0f ms", v);
    }

    static String accuracy(OptionalDouble acc, long labelled) {
        return acc.isEmpty() ? "-" : percent(acc.getAsDouble()) + " of " + labelled;
    }

    /** {@code s} shortened to {@code width} characters, ending in "~" when cut. */
    static String cut(String s, int width) {
        if (s.length() <= width) {
            return s;
        }
        return width <= 1 ? s.substring(0, Math.max(0, width)) : s.substring(0, width - 1) + "~";
    }

    /** Redraws a block of lines in place on an ANSI terminal: up over the last drawing, each line cleared and rewritten. */
    static final class Redraw {
        private int previous;

        String frame(List<String> lines) {
            StringBuilder sb = new StringBuilder();
            if (previous > 0) {
                sb.append("\033[").append(previous).append('F');
            }
            for (String l : lines) {
                sb.append("\033[2K").append(l).append('\n');
            }
            if (lines.size() < previous) {
                sb.append("\033[J");
            }
            previous = lines.size();
            return sb.toString();
        }
    }
}
