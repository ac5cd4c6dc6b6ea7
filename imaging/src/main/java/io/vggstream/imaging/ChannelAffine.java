package io.vggstream.imaging;

import java.util.Arrays;

/**
 * How a pixel's three 0-255 channels become a network input's three values: input channel k is
 * the image's red, green or blue as {@code bgr} says, times {@code mul[k]}, plus {@code add[k]}.
 * A model card's {@code x = (pixel * scale - mean[k]) / std[k]} is {@code mul = scale / std},
 * {@code add = -mean / std}; its {@code /1} convention (RGB, mean subtracted) is {@code mul = 1},
 * {@code add = -mean}, and {@code p * 1 + (-m)} is exactly {@code p - m} in IEEE arithmetic. The
 * channel order is resolved into source offsets once per window, so the per-pixel loop has no branch;
 * and as a byte has 256 values, {@code p * mul + add} is computed once per value and channel (a
 * 3 KB table, the same floats), so the loop reads a table instead of converting and multiplying.
 *
 * <p>Immutable; equal when the order, multipliers and offsets are.
 */
public final class ChannelAffine {

    private static final float[] ONES = {1f, 1f, 1f};

    private final boolean bgr;
    private final float[] mul;
    private final float[] add;
    /** {@code values[k][p] = p * mul[k] + add[k]}, in float arithmetic, for every byte value p. */
    private final float[][] values;

    /**
     * @param bgr true when input channel 0 is the image's blue channel (Caffe's order), false for red
     * @param mul per input channel, in the input's channel order
     * @param add per input channel, in the input's channel order
     */
    public ChannelAffine(boolean bgr, float[] mul, float[] add) {
        if (mul.length != 3 || add.length != 3) {
            throw new IllegalArgumentException("a channel map needs 3 multipliers and 3 offsets, got " + mul.length + " and " + add.length);
        }
        this.bgr = bgr;
        this.mul = mul.clone();
        this.add = add.clone();
        for (int k = 0; k < 3; k++) {
            if (!Float.isFinite(mul[k]) || mul[k] == 0 || !Float.isFinite(add[k])) {
                throw new IllegalArgumentException("input channel " + k + ": multiplier " + mul[k] + " and offset " + add[k]
                    + " must be finite floats, the multiplier non-zero");
            }
        }
        values = new float[3][256];
        for (int k = 0; k < 3; k++) {
            for (int p = 0; p < 256; p++) {
                values[k][p] = p * this.mul[k] + this.add[k];
            }
        }
    }

    /** RGB, each channel plus {@code add[c]} (the trainer's mean and colour shift); the multiplier is 1. */
    public static ChannelAffine offset(float[] add) {
        return new ChannelAffine(false, ONES, add);
    }

    /** RGB minus {@code meanRgb}: a {@code /1} card's input. */
    public static ChannelAffine minus(float[] meanRgb) {
        return offset(Tensors.minus(meanRgb));
    }

    /**
     * {@code (pixel * scale - mean[k]) / std[k]} for input channel k, mean and std in the input's
     * channel order; the multiplier and offset are computed in double and rounded once to float.
     *
     * @throws IllegalArgumentException when a multiplier or offset is not a finite float
     */
    public static ChannelAffine of(boolean bgr, double scale, double[] mean, double[] std) {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each");
        }
        float[] mul = new float[3];
        float[] add = new float[3];
        for (int k = 0; k < 3; k++) {
            mul[k] = (float) (scale / std[k]);
            add[k] = (float) (-mean[k] / std[k]);
        }
        return new ChannelAffine(bgr, mul, add);
    }

    /** True when input channel 0 is the image's blue channel. */
    public boolean bgr() {
        return bgr;
    }

    /** A copy of the multipliers. */
    public float[] mul() {
        return mul.clone();
    }

    /** A copy of the offsets. */
    public float[] add() {
        return add.clone();
    }

    /** The input values of input channel k for the byte values 0 to 255: the table itself, not to be written. */
    float[] values(int k) {
        return values[k];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelAffine c && c.bgr == bgr && Arrays.equals(c.mul, mul) && Arrays.equals(c.add, add);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(bgr) * 31 * 31 + Arrays.hashCode(mul) * 31 + Arrays.hashCode(add);
    }

    @Override
    public String toString() {
        return (bgr ? "bgr" : "rgb") + " x" + Arrays.toString(mul) + " +" + Arrays.toString(add);
    }
}
