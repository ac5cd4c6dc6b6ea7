package io.vggstream.trainer.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vggstream.trainer.data.ColourPca;
import io.vggstream.trainer.data.RgbImage;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Statistics over many draws with a fixed seed: the augmentation does what the paper says. */
class AugmenterTest {

    private static final double[] ZERO_MEAN = {0, 0, 0};
    private static final int DRAWS = 20_000;

    /** R = x, G = y, B = 128: a linear ramp, which bilinear resampling reproduces exactly. */
    static RgbImage ramp(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[(y * w + x) * 3] = (byte) x;
                px[(y * w + x) * 3 + 1] = (byte) y;
                px[(y * w + x) * 3 + 2] = (byte) 128;
            }
        }
        return new RgbImage(w, h, 3, px);
    }

    static RgbImage constant(int w, int h, int value) {
        byte[] px = new byte[w * h * 3];
        java.util.Arrays.fill(px, (byte) value);
        return new RgbImage(w, h, 3, px);
    }

    @Test
    void shouldDrawJitteredScalesUniformlyInRangeWhenScaleIsARange() {
        Augmenter aug = Augmenter.training(224, new TrainScale(256, 512), null, 0, ZERO_MEAN);
        SplittableRandom rng = new SplittableRandom(42);
        int[] bins = new int[8];
        double sum = 0;
        double sumSq = 0;
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int i = 0; i < DRAWS; i++) {
            Augmenter.Draw d = aug.draw(640, 480, rng);
            int s = d.s();
            assertThat(d.scaledHeight()).isEqualTo(s);
            assertThat(d.scaledWidth()).isEqualTo(Math.round((float) 640 * s / 480));
            lo = Math.min(lo, s);
            hi = Math.max(hi, s);
            sum += s;
            sumSq += (double) s * s;
            bins[Math.min(7, (s - 256) * 8 / 257)]++;
        }
        double mean = sum / DRAWS;
        double variance = sumSq / DRAWS - mean * mean;

        assertThat(lo).isEqualTo(256);
        assertThat(hi).isEqualTo(512);
        assertThat(mean).isCloseTo(384, within(2.0));
        assertThat(variance).isCloseTo((257.0 * 257 - 1) / 12, within(0.04 * 5504));
        for (int b : bins) {
            assertThat(b).isBetween((int) (DRAWS / 8 * 0.9), (int) (DRAWS / 8 * 1.1));
        }
    }

    @Test
    void shouldCropUniformlyOverEveryPositionAndFlipHalfTheTime() {
        Augmenter aug = Augmenter.training(224, new TrainScale(256, 256), null, 0, ZERO_MEAN);
        SplittableRandom rng = new SplittableRandom(1);
        int[] xHits = new int[256 - 224 + 1];
        int[] yHits = new int[341 - 224 + 1];
        int flips = 0;
        for (int i = 0; i < DRAWS; i++) {
            Augmenter.Draw d = aug.draw(300, 400, rng);
            assertThat(d.scaledWidth()).isEqualTo(256);
            assertThat(d.scaledHeight()).isEqualTo(341);
            xHits[d.x0()]++;
            yHits[d.y0()]++;
            flips += d.flip() ? 1 : 0;
        }

        assertThat(java.util.Arrays.stream(xHits).min().orElseThrow()).isGreaterThan(0);
        assertThat(java.util.Arrays.stream(yHits).min().orElseThrow()).isGreaterThan(0);
        double meanX = 0;
        for (int x = 0; x < xHits.length; x++) {
            meanX += (double) x * xHits[x] / DRAWS;
        }
        assertThat(meanX).isCloseTo(16, within(0.3));
        assertThat(flips / (double) DRAWS).isCloseTo(0.5, within(0.015));
    }

    @Test
    void shouldRenderExactlyTheClaimedWindowOfTheRescaledImage() {
        // 160x120 ramp, S = 240: a 2x upscale to 320x240, then a 64x64 crop.
        Augmenter aug = Augmenter.training(64, new TrainScale(240, 240), null, 0, ZERO_MEAN);
        RgbImage img = ramp(160, 120);
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            Augmenter.Draw d = aug.draw(160, 120, rng);
            FloatBuffer out = FloatBuffer.allocate(3 * 64 * 64);
            aug.render(img, d, out, 0);
            for (int i = 0; i < 64; i += 7) {
                for (int j = 0; j < 64; j += 5) {
                    int col = d.x0() + (d.flip() ? 63 - j : j);
                    double expectedR = Math.max(0, Math.min(159, (col + 0.5) / 2 - 0.5));
                    double expectedG = Math.max(0, Math.min(119, (d.y0() + i + 0.5) / 2 - 0.5));
                    // The rescale is the engine's (OpenCV, to 8-bit pixels): the exact bilinear value, rounded.
                    assertThat((double) out.get(i * 64 + j)).isCloseTo(expectedR, within(0.51));
                    assertThat((double) out.get(64 * 64 + i * 64 + j)).isCloseTo(expectedG, within(0.51));
                    assertThat(out.get(2 * 64 * 64 + i * 64 + j)).isEqualTo(128f);
                }
            }
        }
    }

    @Test
    void shouldShiftColoursAlongThePrincipalAxesWithAlphaStdPointOne() {
        ColourPca pca = ColourPca.of(new double[][] {{0.07, 0.05, 0.04}, {0.05, 0.06, 0.045}, {0.04, 0.045, 0.065}});
        Augmenter aug = Augmenter.training(32, new TrainScale(32, 32), pca, Augmenter.PAPER_ALPHA_STD, ZERO_MEAN);
        RgbImage grey = constant(32, 32, 128);
        SplittableRandom rng = new SplittableRandom(11);
        double[] sum = new double[3];
        double[] sumSq = new double[3];
        double cross01 = 0;
        FloatBuffer out = FloatBuffer.allocate(3 * 32 * 32);
        for (int i = 0; i < DRAWS; i++) {
            aug.apply(grey, rng, out, 0);
            double[] shift = new double[3];
            for (int c = 0; c < 3; c++) {
                shift[c] = out.get(c * 1024) - 128;
                // the same shift on every pixel of the image
                assertThat((double) out.get(c * 1024 + 517) - 128).isCloseTo(shift[c], within(1e-3));
            }
            double[] z = new double[3];
            for (int k = 0; k < 3; k++) {
                double p = 0;
                for (int c = 0; c < 3; c++) {
                    p += pca.eigenvectors()[c][k] * shift[c];
                }
                z[k] = p / (255 * pca.eigenvalues()[k]);
                sum[k] += z[k];
                sumSq[k] += z[k] * z[k];
            }
            cross01 += z[0] * z[1];
        }
        for (int k = 0; k < 3; k++) {
            double mean = sum[k] / DRAWS;
            double sd = Math.sqrt(sumSq[k] / DRAWS - mean * mean);
            assertThat(mean).as("mean of alpha_%d", k).isCloseTo(0, within(0.003));
            assertThat(sd).as("sd of alpha_%d", k).isCloseTo(0.1, within(0.003));
        }
        assertThat(cross01 / DRAWS / 0.01).as("correlation of alpha_0 and alpha_1").isCloseTo(0, within(0.03));
    }

    @Test
    void shouldGiveZerosWhenTheImageIsTheMeanAndNothingIsShifted() {
        Augmenter aug = Augmenter.training(32, new TrainScale(40, 48), null, 0, new double[] {10, 20, 30});
        byte[] px = new byte[50 * 60 * 3];
        for (int p = 0; p < 50 * 60; p++) {
            px[p * 3] = 10;
            px[p * 3 + 1] = 20;
            px[p * 3 + 2] = 30;
        }
        FloatBuffer out = FloatBuffer.allocate(3 * 32 * 32);

        aug.apply(new RgbImage(50, 60, 3, px), new SplittableRandom(5), out, 0);

        for (int i = 0; i < out.capacity(); i++) {
            assertThat(out.get(i)).isEqualTo(0f);
        }
    }

    @Test
    void shouldTakeTheCentralSquareWhenEvaluating() {
        Augmenter eval = Augmenter.evaluation(100, ZERO_MEAN);
        Augmenter.Draw d = eval.draw(160, 120, new SplittableRandom(0));

        assertThat(d.scaledWidth()).isEqualTo(133);
        assertThat(d.scaledHeight()).isEqualTo(100);
        assertThat(d.x0()).isEqualTo(16);
        assertThat(d.y0()).isZero();
        assertThat(d.flip()).isFalse();
        assertThat(d.shift()).containsOnly(0.0);
    }

    @Test
    void shouldAverageBlocksWhenDownscalingStrongly() {
        // A 1-pixel checkerboard shrunk 4x must be mid-grey, not aliased black or white.
        byte[] px = new byte[64 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                px[y * 64 + x] = (byte) (((x + y) & 1) == 0 ? 0 : 255);
            }
        }
        Augmenter aug = Augmenter.evaluation(16, ZERO_MEAN);
        FloatBuffer out = FloatBuffer.allocate(3 * 16 * 16);

        aug.apply(new RgbImage(64, 64, 1, px), new SplittableRandom(0), out, 0);

        for (int i = 0; i < out.capacity(); i++) {
            assertThat((double) out.get(i)).isCloseTo(127.5, within(1.0));
        }
    }
}
