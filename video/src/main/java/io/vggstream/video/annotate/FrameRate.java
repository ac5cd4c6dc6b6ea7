package io.vggstream.video.annotate;

import java.util.Arrays;
import java.util.List;

/** A video's frame rate from its frames' capture times: one over the median gap between consecutive frames. */
final class FrameRate {

    private FrameRate() {
    }

    /**
     * The rate of frames captured at {@code tsMillis} (in stream order); {@code fallback} with
     * fewer than two frames or no positive gap. The median ignores a pause or a burst. The result
     * is clamped to 1..240 fps, and rounded to 3 decimals so 25 fps stays exactly 25.
     */
    static double estimate(List<Long> tsMillis, double fallback) {
        if (tsMillis.size() < 2) {
            return fallback;
        }
        long[] gaps = new long[tsMillis.size() - 1];
        int n = 0;
        for (int i = 1; i < tsMillis.size(); i++) {
            long g = tsMillis.get(i) - tsMillis.get(i - 1);
            if (g > 0) {
                gaps[n++] = g;
            }
        }
        if (n == 0) {
            return fallback;
        }
        long[] sorted = Arrays.copyOf(gaps, n);
        Arrays.sort(sorted);
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        double fps = Math.min(240, Math.max(1, 1000.0 / median));
        return Math.round(fps * 1000) / 1000.0;
    }
}
