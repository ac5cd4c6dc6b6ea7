package io.vggstream.video.publish;

import io.vggstream.report.Clock;
import java.io.PrintStream;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * One line on stderr, redrawn in place with a carriage return: frames sent, the rate, the bytes,
 * and a bar when the total is known. Only drawn on a terminal (the caller decides).
 */
final class ProgressBar {

    private static final int BAR = 24;

    private final PrintStream out;
    private final long intervalNanos;
    private long lastDraw = Long.MIN_VALUE;
    private int lastWidth;

    ProgressBar(PrintStream out, long intervalNanos) {
        this.out = out;
        this.intervalNanos = intervalNanos;
    }

    /** Redraws when the interval has passed since the last drawing. */
    void update(long frames, OptionalLong total, long bytes, long elapsedNanos, long nowNanos) {
        if (lastDraw != Long.MIN_VALUE && nowNanos - lastDraw < intervalNanos) {
            return;
        }
        lastDraw = nowNanos;
        String line = line(frames, total, bytes, elapsedNanos);
        int pad = Math.max(0, lastWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastWidth = line.length();
    }

    /** Clears the line, so that what follows starts clean. */
    void finish() {
        if (lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            out.flush();
            lastWidth = 0;
        }
    }

    /** The progress line: {@code [#####-----]  45%  120/266 frames  25.0 fps  3.4 MB  0:04}, without the bar when the total is unknown. */
    static String line(long frames, OptionalLong total, long bytes, long elapsedNanos) {
        StringBuilder sb = new StringBuilder();
        double seconds = elapsedNanos / 1e9;
        if (total.isPresent() && total.getAsLong() > 0) {
            long t = total.getAsLong();
            double f = Math.min(1.0, (double) frames / t);
            int filled = (int) Math.floor(f * BAR);
            sb.append('[').append("#".repeat(filled)).append("-".repeat(BAR - filled)).append(']');
            sb.append(String.format(Locale.ROOT, " %3d%%  %d/%d frames", (int) Math.floor(f * 100), frames, t));
        } else {
            sb.append(String.format(Locale.ROOT, "%d frames", frames));
        }
        double fps = seconds > 0 ? frames / seconds : 0;
        sb.append(String.format(Locale.ROOT, "  %.1f fps  %s  %s", fps, bytes(bytes), Clock.format(seconds)));
        return sb.toString();
    }

    /** Bytes in B, KB, MB or GB (powers of 1024), one decimal above bytes. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
