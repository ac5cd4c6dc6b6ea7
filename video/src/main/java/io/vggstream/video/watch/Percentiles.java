package io.vggstream.video.watch;

import java.util.Arrays;
import java.util.OptionalDouble;

/** Percentiles by the nearest-rank method: the smallest value with at least q of the values at or below it. */
public final class Percentiles {

    private Percentiles() {
    }

    /** The q-quantile (0 < q <= 1) of the first {@code n} of {@code values} (unsorted; not modified); empty when n is 0. */
    public static OptionalDouble of(double[] values, int n, double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("a percentile needs 0 < q <= 1, got " + q);
        }
        if (n <= 0) {
            return OptionalDouble.empty();
        }
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return OptionalDouble.of(sorted[rank(n, q)]);
    }

    /** The 0-based index of the q-quantile among n sorted values. */
    static int rank(int n, double q) {
        return Math.min(n - 1, Math.max(0, (int) Math.ceil(q * n) - 1));
    }
}
