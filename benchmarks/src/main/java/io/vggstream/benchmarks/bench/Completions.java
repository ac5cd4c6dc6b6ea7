package io.vggstream.benchmarks.bench;

import java.util.Arrays;

/**
 * Completion times of a run (frames answered, or batches run), from which a steady-state rate is
 * read without the error of a fixed time window: work completes in bursts (a batch of 8 images is
 * 4 frames answered at once), so counting what lands in [t0, t1) is off by up to a burst. Instead the
 * window starts at one completion and ends exactly {@code n} completions later, with {@code n} a
 * multiple of the burst size: both ends then sit at the same place in a burst.
 */
final class Completions {

    private long[] nanos = new long[1024];
    private long[] weights = new long[1024];
    private int size;

    /** Records {@code weight} units (frames, images) completed at {@code nanoTime}. Thread-safe. */
    synchronized void add(long nanoTime, long weight) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
            weights = Arrays.copyOf(weights, size * 2);
        }
        nanos[size] = nanoTime;
        weights[size] = weight;
        size++;
    }

    synchronized int size() {
        return size;
    }

    /** Units completed so far. */
    synchronized long total() {
        long t = 0;
        for (int i = 0; i < size; i++) {
            t += weights[i];
        }
        return t;
    }

    /** Units completed in [from, to). */
    synchronized long count(long from, long to) {
        long c = 0;
        for (int i = 0; i < size; i++) {
            if (nanos[i] >= from && nanos[i] < to) {
                c += weights[i];
            }
        }
        return c;
    }

    /**
     * The rate between {@code from} and {@code to} (nanoTime): from the first completion at or after
     * {@code from} to the last one at or before {@code to} such that the events in between number a
     * multiple of {@code burst}.
     *
     * @return the window; when fewer than {@code burst + 1} completions fall inside (a stall, or a slow model
     *     in a short window), the plain count over [from, to]; an empty one (rate 0) when nothing completed
     */
    synchronized Window window(long from, long to, int burst) {
        long[] t = Arrays.copyOf(nanos, size);
        long[] w = Arrays.copyOf(weights, size);
        // Completions recorded from several threads may be slightly out of order.
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(t[a], t[b]));
        int first = -1;
        int last = -1;
        for (int i = 0; i < size; i++) {
            long ti = t[order[i]];
            if (ti >= from && first < 0) {
                first = i;
            }
            if (ti <= to) {
                last = i;
            }
        }
        int b = Math.max(1, burst);
        if (first < 0 || last - first < b) {
            long units = 0;
            for (int i = 0; i < size; i++) {
                if (t[i] >= from && t[i] <= to) {
                    units += w[i];
                }
            }
            return units == 0 || to == Long.MAX_VALUE ? Window.EMPTY : new Window(from, to, units);
        }
        int events = (last - first) / b * b;
        long units = 0;
        // Units completed after the first event, up to and including the last one counted.
        for (int i = first + 1; i <= first + events; i++) {
            units += w[order[i]];
        }
        long start = t[order[first]];
        long end = t[order[first + events]];
        return new Window(start, end, units);
    }

    /**
     * A measured window.
     *
     * @param units completed strictly after {@code startNanos}, up to and including {@code endNanos}
     */
    record Window(long startNanos, long endNanos, long units) {
        static final Window EMPTY = new Window(0, 0, 0);

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        double rate() {
            return seconds() <= 0 ? 0 : units / seconds();
        }
    }
}
