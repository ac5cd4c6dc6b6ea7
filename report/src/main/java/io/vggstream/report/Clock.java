package io.vggstream.report;

import java.util.Locale;

/** Elapsed times and ETAs as a wall clock shows them, for progress lines. */
public final class Clock {

    /** What an unknown time (an ETA before the first step, say) prints as. */
    public static final String UNKNOWN = "--:--";

    private Clock() {
    }

    /**
     * Seconds as {@code m:ss} below an hour, {@code h:mm:ss} from an hour on; whole seconds, rounded
     * down (a clock shows a second once it has passed). {@link #UNKNOWN} for NaN, infinite or negative.
     */
    public static String format(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return UNKNOWN;
        }
        long s = (long) Math.floor(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
