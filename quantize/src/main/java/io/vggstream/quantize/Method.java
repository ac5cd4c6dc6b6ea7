package io.vggstream.quantize;

import java.util.Locale;

/** How an activation's range is chosen from what calibration saw. */
public enum Method {
    /** The smallest and largest value seen: nothing clipped, the coarsest steps. */
    MINMAX,
    /** The 0.01th and 99.99th percentiles: the rarest outliers clipped for finer steps. */
    PERCENTILE,
    /** The clip that minimises the KL divergence between the histogram and its 8-bit version (TensorRT's calibration). */
    ENTROPY;

    /** The flag's spelling: minmax, percentile, entropy. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the choices */
    public static Method parse(String s) {
        for (Method m : values()) {
            if (m.label().equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--method must be minmax, percentile or entropy, was '" + s + "'");
    }
}
