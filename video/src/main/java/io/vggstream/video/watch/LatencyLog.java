package io.vggstream.video.watch;

import io.vggstream.report.Percentiles;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Latencies in milliseconds: every value (for the run's p50 and p99, 8 bytes a frame) and the
 * latest {@code window} (for the live view's median).
 */
final class LatencyLog {

    private final double[] recent;
    private int recentCount;
    private int recentNext;
    private double[] all = new double[256];
    private int allCount;

    LatencyLog(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("vggstream.video.watch.latency-window must be at least 1, got " + window);
        }
        this.recent = new double[window];
    }

    void add(double ms) {
        recent[recentNext] = ms;
        recentNext = (recentNext + 1) % recent.length;
        recentCount = Math.min(recentCount + 1, recent.length);
        if (allCount == all.length) {
            all = Arrays.copyOf(all, all.length * 2);
        }
        all[allCount++] = ms;
    }

    /** The median of the latest {@code window} values. */
    OptionalDouble recentMedian() {
        return Percentiles.of(recent, recentCount, 0.5);
    }

    /** The q-quantile of every value so far. */
    OptionalDouble quantile(double q) {
        return Percentiles.of(all, allCount, q);
    }

    int count() {
        return allCount;
    }

    /** Every value so far, for merging streams. */
    double[] values() {
        return Arrays.copyOf(all, allCount);
    }
}
