package io.vggstream.benchmarks.bench;

import io.vggstream.report.Percentiles;
import java.util.Arrays;

/** Latency samples in milliseconds; thread-safe to add, summarised once at the end. */
final class Latencies {

    private double[] ms = new double[1024];
    private int size;

    synchronized void add(double millis) {
        if (size == ms.length) {
            ms = Arrays.copyOf(ms, size * 2);
        }
        ms[size++] = millis;
    }

    synchronized double[] sorted() {
        double[] s = Arrays.copyOf(ms, size);
        Arrays.sort(s);
        return s;
    }

    synchronized Summary summary() {
        return Summary.of(sorted());
    }

    /** Percentiles (nearest rank) of a latency distribution, in milliseconds. */
    record Summary(int count, double mean, double p50, double p95, double p99, double max, double[] samples) {

        static Summary of(double[] sorted) {
            if (sorted.length == 0) {
                return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, sorted);
            }
            double sum = 0;
            for (double v : sorted) {
                sum += v;
            }
            return new Summary(sorted.length, sum / sorted.length, Percentiles.ofSorted(sorted, 0.50),
                Percentiles.ofSorted(sorted, 0.95), Percentiles.ofSorted(sorted, 0.99),
                sorted[sorted.length - 1], sorted);
        }
    }
}
