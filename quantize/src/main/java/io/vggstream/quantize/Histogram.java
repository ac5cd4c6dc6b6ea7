package io.vggstream.quantize;

import io.vggstream.onnx.quant.ActivationRange;
import java.nio.FloatBuffer;

/**
 * What calibration saw of one activation tensor: its smallest and largest values (first pass) and,
 * for the percentile and entropy methods, a histogram of {@link #BINS} bins over that span (second
 * pass). Plain Java arithmetic, so the ranges are the same on every machine.
 */
final class Histogram {

    static final int BINS = 2048;
    /** The share of values clipped at each end by {@link Method#PERCENTILE}. */
    static final double PERCENTILE_TAIL = 1e-4;
    /** Levels of a uint8 code: a ReLU's output in [0, t] is quantized to 255 steps. */
    private static final int LEVELS = 255;

    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    private final long[] counts = new long[BINS];
    private long total;

    void observeRange(FloatBuffer b) {
        for (int i = b.position(); i < b.limit(); i++) {
            float v = b.get(i);
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
    }

    void observeHistogram(FloatBuffer b) {
        double lo = Math.min(0, min);
        double width = (Math.max(0, max) - lo) / BINS;
        for (int i = b.position(); i < b.limit(); i++) {
            int k = width > 0 ? (int) ((b.get(i) - lo) / width) : 0;
            counts[Math.max(0, Math.min(BINS - 1, k))]++;
        }
        total += b.limit() - b.position();
    }

    boolean seen() {
        return min <= max;
    }

    ActivationRange range(Method method) {
        if (!seen()) {
            throw new IllegalStateException("no value was seen");
        }
        if (method == Method.MINMAX || total == 0) {
            return new ActivationRange(min, max);
        }
        double lo = Math.min(0, min);
        double width = (Math.max(0, max) - lo) / BINS;
        if (width == 0) {
            return new ActivationRange(min, max);
        }
        double low = lowEdge(lo, width);
        double high = highEdge(lo, width);
        if (method == Method.ENTROPY && min >= 0) {
            high = lo + width * klThreshold();
        }
        return new ActivationRange(Math.max(min, low), Math.min(max, high));
    }

    private double lowEdge(double lo, double width) {
        long clip = (long) Math.floor(total * PERCENTILE_TAIL);
        long acc = 0;
        for (int k = 0; k < BINS; k++) {
            acc += counts[k];
            if (acc > clip) {
                return lo + width * k;
            }
        }
        return lo;
    }

    private double highEdge(double lo, double width) {
        long clip = (long) Math.floor(total * PERCENTILE_TAIL);
        long acc = 0;
        for (int k = BINS - 1; k >= 0; k--) {
            acc += counts[k];
            if (acc > clip) {
                return lo + width * (k + 1);
            }
        }
        return lo + width * BINS;
    }

    /**
     * The number of bins to keep (the clip at their upper edge) minimising KL(P || Q), P the first
     * bins with the rest folded into the last, Q those bins without the rest merged into
     * {@link #LEVELS} levels and spread back over the non-empty bins, as TensorRT's entropy
     * calibrator (and NVIDIA's pytorch-quantization) computes it. For a non-negative tensor (bin 0
     * starts at 0). Bin 0 is counted as bin 1: a ReLU's zeros all land there, and that spike, merged
     * into Q's first level, costs more the more bins a level holds, so it alone pulled the clip down
     * to the fewest bins (an eighth of the range; 15 points of top-1 on a small A).
     */
    int klThreshold() {
        long[] c = counts.clone();
        c[0] = c[1];
        int best = BINS;
        double bestKl = Double.POSITIVE_INFINITY;
        double[] p = new double[BINS];
        double[] q = new double[BINS];
        for (int i = LEVELS; i <= BINS; i++) {
            long outliers = 0;
            for (int k = i; k < BINS; k++) {
                outliers += c[k];
            }
            for (int k = 0; k < i; k++) {
                p[k] = c[k];
            }
            p[i - 1] += outliers;
            // Q from the kept bins alone: the clipped values are what quantizing at this clip loses
            double per = (double) i / LEVELS;
            for (int j = 0; j < LEVELS; j++) {
                int start = (int) Math.floor(j * per);
                int end = j == LEVELS - 1 ? i : (int) Math.floor((j + 1) * per);
                double sum = 0;
                int nonZero = 0;
                for (int k = start; k < end; k++) {
                    sum += c[k];
                    if (c[k] != 0) {
                        nonZero++;
                    }
                }
                for (int k = start; k < end; k++) {
                    q[k] = c[k] != 0 ? sum / nonZero : 0;
                }
            }
            double kl = kl(p, q, i);
            if (kl < bestKl) {
                bestKl = kl;
                best = i;
            }
        }
        return best;
    }

    private static double kl(double[] p, double[] q, int n) {
        double ps = 0;
        double qs = 0;
        for (int k = 0; k < n; k++) {
            ps += p[k];
            qs += q[k];
        }
        if (ps == 0 || qs == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double kl = 0;
        for (int k = 0; k < n; k++) {
            if (p[k] == 0) {
                continue;
            }
            double pk = p[k] / ps;
            // a bin P has and Q lost (the folded outliers' last bin, say): a small floor, as TensorRT smooths
            double qk = q[k] == 0 ? 1e-4 / qs : q[k] / qs;
            kl += pk * Math.log(pk / qk);
        }
        return kl;
    }
}
