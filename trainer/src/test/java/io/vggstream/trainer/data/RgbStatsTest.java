package io.vggstream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RgbStatsTest {

    /** Images whose pixels are mean + a * v1 + b * v2 with independent a, b of known spread. */
    static LabeledImages synthetic(int n, double[] v1, double sd1, double[] v2, double sd2, double[] mean) {
        SplittableRandom rng = new SplittableRandom(7);
        RgbImage[] imgs = new RgbImage[n];
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[16 * 16 * 3];
            for (int p = 0; p < 256; p++) {
                double a = rng.nextGaussian() * sd1;
                double b = rng.nextGaussian() * sd2;
                for (int c = 0; c < 3; c++) {
                    px[p * 3 + c] = (byte) Math.round(Math.max(0, Math.min(255, mean[c] + a * v1[c] + b * v2[c])));
                }
            }
            imgs[i] = new RgbImage(16, 16, 3, px);
        }
        return new LabeledImages() {
            public String name() {
                return "synthetic";
            }

            public List<String> classes() {
                return List.of("x", "y");
            }

            public int size() {
                return n;
            }

            public int label(int i) {
                return i % 2;
            }

            public RgbImage image(int i) {
                return i == 3 ? null : imgs[i];
            }
        };
    }

    @Test
    void shouldRecoverMeanAndPrincipalAxesWhenPixelsHaveKnownCovariance() throws InterruptedException {
        double s = Math.sqrt(1 / 3.0);
        double[] v1 = {s, s, s};
        double[] v2 = {Math.sqrt(0.5), 0, -Math.sqrt(0.5)};
        LabeledImages set = synthetic(200, v1, 30, v2, 10, new double[] {120, 110, 100});

        RgbStats stats = RgbStats.compute(set, 1000, 2);

        assertThat(stats.images()).isEqualTo(199);
        assertThat(stats.meanRgb()).containsExactly(new double[] {120, 110, 100}, within(0.5));
        ColourPca pca = stats.pca();
        // variances in [0, 1] units: (30/255)^2 and (10/255)^2
        assertThat(pca.eigenvalues()[0]).isCloseTo(Math.pow(30 / 255.0, 2), within(3e-4));
        assertThat(pca.eigenvalues()[1]).isCloseTo(Math.pow(10 / 255.0, 2), within(1e-4));
        assertThat(pca.eigenvalues()[2]).isLessThan(1e-5);
        for (int c = 0; c < 3; c++) {
            assertThat(Math.abs(pca.eigenvectors()[c][0])).isCloseTo(Math.abs(v1[c]), within(0.01));
            assertThat(Math.abs(pca.eigenvectors()[c][1])).isCloseTo(Math.abs(v2[c]), within(0.02));
        }
    }

    @Test
    void shouldDiagonaliseASymmetricMatrixWhenDecomposed() {
        double[][] m = {{4, 1, 2}, {1, 3, 0.5}, {2, 0.5, 5}};

        ColourPca pca = ColourPca.of(m);

        double[][] v = pca.eigenvectors();
        for (int k = 0; k < 3; k++) {
            for (int r = 0; r < 3; r++) {
                double mv = 0;
                for (int c = 0; c < 3; c++) {
                    mv += m[r][c] * v[c][k];
                }
                assertThat(mv).isCloseTo(pca.eigenvalues()[k] * v[r][k], within(1e-9));
            }
        }
        assertThat(pca.eigenvalues()[0]).isGreaterThanOrEqualTo(pca.eigenvalues()[1]);
        assertThat(pca.eigenvalues()[1]).isGreaterThanOrEqualTo(pca.eigenvalues()[2]);
        assertThat(pca.eigenvalues()[0] + pca.eigenvalues()[1] + pca.eigenvalues()[2]).isCloseTo(12, within(1e-9));
    }

    @Test
    void shouldGiveOnlyABrightnessAxisWhenImagesAreGrey() throws InterruptedException {
        LabeledImages grey = synthetic(50, new double[] {1, 1, 1}, 40, new double[] {0, 0, 0}, 0, new double[] {90, 90, 90});

        ColourPca pca = RgbStats.compute(grey, 50, 1).pca();

        assertThat(pca.eigenvectors()[0][0]).isCloseTo(Math.sqrt(1 / 3.0), within(1e-6));
        assertThat(pca.eigenvalues()[1]).isLessThan(1e-9);
    }
}
