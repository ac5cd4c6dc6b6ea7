package io.vggstream.trainer.augment;

import io.vggstream.trainer.data.ColourPca;
import io.vggstream.trainer.data.ImageTransform;
import io.vggstream.trainer.data.RgbImage;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * The paper's augmentation, in one pass per image: isotropic rescale so the smallest side is S
 * (fixed, or uniform in [Smin, Smax] per image), a random crop, a random horizontal flip, AlexNet's
 * PCA colour shift ({@code alpha ~ N(0, 0.1)}), and mean subtraction. Only the crop window is
 * resampled (bilinear, pixel centres aligned), never the whole rescaled image; a strong downscale is
 * box-filtered first so it does not alias.
 *
 * <p>The same class does evaluation ({@link #evaluation}): rescale to Q, central Q x Q square, no
 * flip, no colour shift.
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
        int sw;
        int sh;
        if (w <= h) {
            sw = s;
            sh = Math.max(s, (int) Math.round((double) h * s / w));
        } else {
            sh = s;
            sw = Math.max(s, (int) Math.round((double) w * s / h));
        }
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

    /** Writes the crop that {@code d} describes, CHW, mean subtracted, at {@code offset}. */
    public void render(RgbImage image, Draw d, FloatBuffer dst, int offset) {
        RgbImage src = image;
        int k = Math.min(image.width() / d.scaledWidth(), image.height() / d.scaledHeight());
        if (k >= 2) {
            src = boxShrink(image, k);
        }
        double rx = (double) src.width() / d.scaledWidth();
        double ry = (double) src.height() / d.scaledHeight();
        int[] xa = new int[side];
        int[] xb = new int[side];
        float[] xw = new float[side];
        for (int j = 0; j < side; j++) {
            int col = d.x0() + (d.flip() ? side - 1 - j : j);
            double sx = clamp((col + 0.5) * rx - 0.5, src.width() - 1);
            xa[j] = (int) sx;
            xb[j] = Math.min(xa[j] + 1, src.width() - 1);
            xw[j] = (float) (sx - xa[j]);
        }
        int plane = side * side;
        float[] add = new float[3];
        for (int c = 0; c < 3; c++) {
            add[c] = (float) d.shift()[c] - mean[c];
        }
        for (int i = 0; i < side; i++) {
            double sy = clamp((d.y0() + i + 0.5) * ry - 0.5, src.height() - 1);
            int ya = (int) sy;
            int yb = Math.min(ya + 1, src.height() - 1);
            float yw = (float) (sy - ya);
            for (int j = 0; j < side; j++) {
                for (int c = 0; c < 3; c++) {
                    // a + (b - a) * w: exact where the neighbours are equal
                    int ta = src.get(xa[j], ya, c);
                    int ba = src.get(xa[j], yb, c);
                    float top = ta + (src.get(xb[j], ya, c) - ta) * xw[j];
                    float bottom = ba + (src.get(xb[j], yb, c) - ba) * xw[j];
                    dst.put(offset + c * plane + i * side + j, top + (bottom - top) * yw + add[c]);
                }
            }
        }
    }

    private static double clamp(double v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }

    /** Averages k x k blocks (the last partial row and column are averaged over what there is). */
    static RgbImage boxShrink(RgbImage img, int k) {
        int w = (img.width() + k - 1) / k;
        int h = (img.height() + k - 1) / k;
        int ch = img.channels();
        byte[] out = new byte[w * h * ch];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < ch; c++) {
                    int sum = 0;
                    int n = 0;
                    for (int yy = y * k; yy < Math.min(img.height(), (y + 1) * k); yy++) {
                        for (int xx = x * k; xx < Math.min(img.width(), (x + 1) * k); xx++) {
                            sum += img.pixels()[(yy * img.width() + xx) * ch + c] & 0xff;
                            n++;
                        }
                    }
                    out[(y * w + x) * ch + c] = (byte) Math.round((float) sum / n);
                }
            }
        }
        return new RgbImage(w, h, ch, out);
    }
}
