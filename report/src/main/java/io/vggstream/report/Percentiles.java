package io.vggstream.report;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Percentiles by the nearest-rank method: the smallest value with at least q of the values at or
 * below it. One definition for every figure we print (video watch, bench, soak), so a p99 in one
 * report means the same as a p99 in another.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /** The q-quantile (0 < q <= 1) of the first {@code n} of {@code values} (unsorted; not modified); empty when n is 0. */
    public static OptionalDouble of(double[] values, int n, double q) {
        check(q);
        if (n < 0 || n > values.length) {
            throw new IllegalArgumentException("n must be within 0.." + values.length + ", got " + n);
        }
        if (n == 0) {
            return OptionalDouble.empty();
        }
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return OptionalDouble.of(sorted[rank(n, q)]);
    }

    /** The q-quantile (0 < q <= 1) of values already sorted ascending; NaN when there are none. */
    public static double ofSorted(double[] sorted, double q) {
        check(q);
        return sorted.length == 0 ? Double.NaN : sorted[rank(sorted.length, q)];
    }

    /** The 0-based index of the q-quantile among n sorted values. */
    static int rank(int n, double q) {
        return Math.min(n - 1, Math.max(0, (int) Math.ceil(q * n) - 1));
    }

    private static void check(double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("a percentile needs 0 < q <= 1, got " + q);
        }
    }
}
