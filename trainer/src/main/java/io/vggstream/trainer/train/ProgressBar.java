package io.vggstream.trainer.train;

import io.vggstream.report.Clock;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * One line on stderr with the epoch's progress, loss, accuracy, images/s and ETA. On a terminal it
 * redraws in place every {@code interval}; otherwise it prints a line every 10% of the epoch.
 */
public final class ProgressBar implements Progress {
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final long intervalNanos;
    private long lastDraw;
    private int lastTenth = -1;

    public ProgressBar(PrintStream out, boolean terminal, Duration interval) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = interval.toNanos();
    }

    /** For the process's own stderr: a terminal when there is a console. */
    public static ProgressBar stderr(Duration interval) {
        return new ProgressBar(System.err, System.console() != null, interval);
    }

    @Override
    public void update(int epoch, int epochs, int done, int total, double loss, double acc, double imagesPerSecond,
            double etaSeconds) {
        long now = System.nanoTime();
        int tenth = total == 0 ? 10 : done * 10 / total;
        boolean last = done == total;
        if (terminal ? (now - lastDraw < intervalNanos && !last) : (tenth == lastTenth && !last)) {
            return;
        }
        lastDraw = now;
        lastTenth = tenth;
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        String line = String.format(Locale.ROOT, "epoch %d/%d [%s] %d/%d loss %.4f acc %.2f%% %.0f img/s ETA %s",
                epoch, epochs, bar, done, total, loss, 100 * acc, imagesPerSecond, Clock.format(etaSeconds));
        if (terminal) {
            out.print("\r" + line + (last ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void println(String line) {
        out.println(line);
        out.flush();
    }
}
