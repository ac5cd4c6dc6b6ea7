package io.vggstream.onnx.quant;

/**
 * The calibrated range of one activation tensor, and its 8-bit per-tensor parameters: unsigned,
 * asymmetric, the range widened to hold zero so that zero is exact (a ReLU's output gets zero point
 * 0, which lets ONNX Runtime drop the ReLU into the quantized convolution).
 *
 * @param min the smallest value kept (at most 0)
 * @param max the largest value kept (at least 0)
 */
public record ActivationRange(double min, double max) {

    public ActivationRange {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("an activation range must be finite, was [" + min + ", " + max + "]");
        }
        min = Math.min(0, min);
        max = Math.max(0, max);
    }

    /** The step between two codes; never zero (an all-zero tensor gets a tiny one). */
    public float scale() {
        double s = (max - min) / 255.0;
        return (float) (s > 0 ? s : 1e-8);
    }

    /** The code of 0.0, in [0, 255]. */
    public int zeroPoint() {
        long z = Math.round(-min / scale());
        return (int) Math.max(0, Math.min(255, z));
    }
}
