package io.vggstream.trainer.augment;

import io.vggstream.imaging.Pixels;
import io.vggstream.imaging.Rescale;
import io.vggstream.imaging.Tensors;
import io.vggstream.trainer.data.ColourPca;
import io.vggstream.trainer.data.ImageTransform;
import io.vggstream.trainer.data.RgbImage;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * The paper's augmentation: isotropic rescale so the smallest side is S (fixed, or uniform in
 * [Smin, Smax] per image), a random crop, a random horizontal flip, AlexNet's PCA colour shift
 * ({@code alpha ~ N(0, 0.1)}), and mean subtraction. The rescale and the crop-to-tensor are the
 * {@code imaging} module's, the engine's own code (OpenCV's area averaging when shrinking, bilinear
 * when growing, to 8-bit pixels), so training sees the pixels serving will; the random choices and
 * the colour shift are the trainer's.
 *
 * <p>The same class does evaluation ({@link #evaluation}): rescale to Q, central Q x Q square, no
 * colour shift, unflipped (or flipped, {@link #centre}): the engine's dense window, bit for bit.
 */
public final class Augmenter implements ImageTransform {

    /** AlexNet's standard deviation of the PCA coefficients. */
    public static final double PAPER_ALPHA_STD = 0.1;

    private final int side;
    private final TrainScale scale;
    private final boolean randomCrop;
    private final boolean flip;
    private final ColourPca pca;
    private final double alphaStd;
    private final float[] mean;

    private Augmenter(int side, TrainScale scale, boolean randomCrop, boolean flip, ColourPca pca, double alphaStd,
            double[] meanRgb) {
        if (scale.min() < side) {
            throw new IllegalArgumentException("scale " + scale + " is smaller than the crop " + side);
        }
        this.side = side;
        this.scale = scale;
        this.randomCrop = randomCrop;
        this.flip = flip;
        this.pca = pca;
        this.alphaStd = pca == null ? 0 : alphaStd;
        this.mean = new float[] {(float) meanRgb[0], (float) meanRgb[1], (float) meanRgb[2]};
    }

    /** Training: S from {@code scale}, random {@code crop}, random flip, PCA shift (null pca: none). */
    public static Augmenter training(int crop, TrainScale scale, ColourPca pca, double alphaStd, double[] meanRgb) {
        return new Augmenter(crop, scale, true, true, pca, alphaStd, meanRgb);
    }

    /** Evaluation at test scale Q: smallest side Q, the central Q x Q square, mean subtracted. */
    public static Augmenter evaluation(int q, double[] meanRgb) {
        return new Augmenter(q, new TrainScale(q, q), false, false, null, 0, meanRgb);
    }

    /**
     * The random choices for one image.
     *
     * @param s the scale S drawn
     * @param scaledWidth width after the isotropic rescale
     * @param scaledHeight height after the isotropic rescale
     * @param x0 left of the crop in the rescaled image
     * @param y0 top of the crop in the rescaled image
     * @param flip whether the crop is mirrored left-right
     * @param alpha the three PCA coefficients
     * @param shift the colour shift they give, 0-255 units, R, G, B
     */
    public record Draw(int s, int scaledWidth, int scaledHeight, int x0, int y0, boolean flip, double[] alpha,
            double[] shift) {}

    @Override
    public int side() {
        return side;
    }

    /** Draws S, the crop position, the flip and the colour shift for a {@code w x h} image. */
    public Draw draw(int w, int h, SplittableRandom rng) {
        int s = scale.jittered() ? rng.nextInt(scale.min(), scale.max() + 1) : scale.min();
        int[] scaled = Rescale.size(w, h, s);
        int sw = scaled[0];
        int sh = scaled[1];
        int x0 = randomCrop ? rng.nextInt(sw - side + 1) : (sw - side) / 2;
        int y0 = randomCrop ? rng.nextInt(sh - side + 1) : (sh - side) / 2;
        boolean mirrored = flip && rng.nextBoolean();
        double[] alpha = new double[3];
        double[] shift = new double[3];
        if (alphaStd > 0) {
            for (int k = 0; k < 3; k++) {
                alpha[k] = rng.nextGaussian() * alphaStd;
            }
            shift = pca.shift(alpha);
        }
        return new Draw(s, sw, sh, x0, y0, mirrored, alpha, shift);
    }

    @Override
    public void apply(RgbImage image, SplittableRandom rng, FloatBuffer dst, int offset) {
        render(image, draw(image.width(), image.height(), rng), dst, offset);
    }

    /**
     * The evaluation window of a {@code w x h} image: rescaled to Q, the central Q x Q square, mirrored
     * when {@code flip}, no colour shift. The engine's dense variant at Q holds the same window.
     */
    public Draw centre(int w, int h, boolean flip) {
        int[] scaled = Rescale.size(w, h, scale.min());
        return new Draw(scale.min(), scaled[0], scaled[1], (scaled[0] - side) / 2, (scaled[1] - side) / 2, flip, new double[3],
            new double[3]);
    }

    /** Writes the crop that {@code d} describes, CHW, colour-shifted, mean subtracted, at {@code offset}. */
    public void render(RgbImage image, Draw d, FloatBuffer dst, int offset) {
        Pixels src = new Pixels(image.width(), image.height(), image.channels() == 1 ? Pixels.Layout.GREY : Pixels.Layout.RGB,
            image.pixels());
        Pixels scaled = Rescale.toSmallerSide(src, d.s());
        if (scaled.width() != d.scaledWidth() || scaled.height() != d.scaledHeight()) {
            throw new IllegalArgumentException("the draw is for a " + d.scaledWidth() + "x" + d.scaledHeight() + " rescale, the image gives "
                + scaled.width() + "x" + scaled.height());
        }
        float[] add = new float[3];
        for (int c = 0; c < 3; c++) {
            add[c] = (float) d.shift()[c] - mean[c];
        }
        float[] chw = new float[3 * side * side];
        Tensors.chw(scaled, d.x0(), d.y0(), side, side, d.flip(), add, chw, 0);
        dst.put(offset, chw);
    }
}
