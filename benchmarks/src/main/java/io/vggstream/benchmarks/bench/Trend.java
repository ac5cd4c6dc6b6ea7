package io.vggstream.benchmarks.bench;

import java.util.Locale;

/**
 * Whether a memory series stayed flat over a soak: the mean of its last quarter against the mean of
 * its second quarter (the first is warm-up: JIT, pools and caches filling), and the least-squares
 * slope over the last three quarters.
 *
 * <p>The rule: flat when the last quarter's mean exceeds the second quarter's by at most
 * {@code max(10% of it, 50 MB)} and the slope is at most {@code maxSlope} MB/min. Shrinking is flat.
 *
 * @param name what the series is
 * @param q2Mb the second quarter's mean
 * @param q4Mb the last quarter's mean
 * @param slopeMbPerMinute the least-squares slope over the last three quarters
 * @param startMb the first sample; {@code endMb} the last one of the soak
 * @param maxSlopeMbPerMinute the bound the slope is held to
 */
record Trend(String name, double startMb, double q2Mb, double q4Mb, double endMb, double slopeMbPerMinute, double maxSlopeMbPerMinute) {

    static final double GROWTH_FRACTION = 0.10;
    static final double GROWTH_MB = 50;

    /**
     * @param t seconds since the soak's start, ascending; samples at or past {@code duration} are left out
     * @param bytes the series (NaN: not known yet, left out)
     */
    static Trend of(String name, double[] t, double[] bytes, double duration, double maxSlope) {
        double q2 = mean(t, bytes, duration / 4, duration / 2);
        double q4 = mean(t, bytes, 3 * duration / 4, duration + 1e-9);
        double start = Double.NaN;
        double end = Double.NaN;
        for (int i = 0; i < t.length; i++) {
            if (Double.isFinite(bytes[i]) && t[i] <= duration + 1e-9) {
                if (Double.isNaN(start)) {
                    start = bytes[i];
                }
                end = bytes[i];
            }
        }
        return new Trend(name, start / 1e6, q2 / 1e6, q4 / 1e6, end / 1e6, slope(t, bytes, duration / 4, duration + 1e-9) / 1e6 * 60, maxSlope);
    }

    /** The mean of the values with {@code from <= t < to}, NaN when none. */
    static double mean(double[] t, double[] v, double from, double to) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] >= from && t[i] < to && Double.isFinite(v[i])) {
                s += v[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Least-squares slope of v over t (units of v per unit of t) for {@code from <= t < to}; NaN under two points. */
    static double slope(double[] t, double[] v, double from, double to) {
        double st = 0;
        double sv = 0;
        int n = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] >= from && t[i] < to && Double.isFinite(v[i])) {
                st += t[i];
                sv += v[i];
                n++;
            }
        }
        if (n < 2) {
            return Double.NaN;
        }
        double mt = st / n;
        double mv = sv / n;
        double num = 0;
        double den = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] >= from && t[i] < to && Double.isFinite(v[i])) {
                num += (t[i] - mt) * (v[i] - mv);
                den += (t[i] - mt) * (t[i] - mt);
            }
        }
        return den == 0 ? Double.NaN : num / den;
    }

    double growthMb() {
        return q4Mb - q2Mb;
    }

    double allowedGrowthMb() {
        return Math.max(GROWTH_FRACTION * q2Mb, GROWTH_MB);
    }

    boolean flat() {
        return Double.isFinite(q2Mb) && Double.isFinite(q4Mb) && Double.isFinite(slopeMbPerMinute)
            && growthMb() <= allowedGrowthMb() && slopeMbPerMinute <= maxSlopeMbPerMinute;
    }

    String verdict() {
        if (!Double.isFinite(q2Mb) || !Double.isFinite(q4Mb) || !Double.isFinite(slopeMbPerMinute)) {
            return "not enough samples";
        }
        return String.format(Locale.ROOT, "%s: last quarter %+.1f MB against the second (allowed %.0f), slope %+.2f MB/min (allowed %.1f)",
            flat() ? "flat" : "GROWING", growthMb(), allowedGrowthMb(), slopeMbPerMinute, maxSlopeMbPerMinute);
    }
}
