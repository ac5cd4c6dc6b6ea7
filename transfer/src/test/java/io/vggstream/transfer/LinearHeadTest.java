package io.vggstream.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearHeadTest {

    /** Three clusters around the axes of a 4-d space, unit length as descriptors are. */
    private static float[][] clusters(int perClass, int classes, long seed, int[] y) {
        Random r = new Random(seed);
        float[][] x = new float[perClass * classes][4];
        for (int i = 0; i < x.length; i++) {
            y[i] = i % classes;
            double norm = 0;
            for (int j = 0; j < 4; j++) {
                x[i][j] = (float) ((j == y[i] ? 1 : 0) + r.nextGaussian() * 0.2);
                norm += x[i][j] * x[i][j];
            }
            for (int j = 0; j < 4; j++) {
                x[i][j] /= (float) Math.sqrt(norm);
            }
        }
        return x;
    }

    @Test
    void shouldSeparateClustersAndChooseCByCrossValidationWhenCIsNotGiven() {
        int[] y = new int[60];
        float[][] x = clusters(20, 3, 1, y);
        LinearHead.Fitted f = LinearHead.fit(x, y, 3, LinearHead.Classifier.LOGISTIC, null, 5, 7);
        assertThat(f.cvByC()).hasSize(LinearHead.C_GRID.size());
        assertThat(f.cvAccuracy()).isEqualTo(f.cvByC().get(f.c()));
        assertThat(f.cvAccuracy()).isGreaterThan(0.9);
        int[] yt = new int[30];
        float[][] test = clusters(10, 3, 2, yt);
        int right = 0;
        for (int i = 0; i < test.length; i++) {
            right += f.predict(test[i]) == yt[i] ? 1 : 0;
        }
        assertThat(right).isGreaterThanOrEqualTo(27);
    }

    @Test
    void shouldGiveTheOtherClassAZeroRowWhenThereAreTwoClasses() {
        int[] y = new int[40];
        float[][] x = clusters(20, 2, 3, y);
        LinearHead.Fitted f = LinearHead.fit(x, y, 2, LinearHead.Classifier.SVM, 1.0, 5, 7);
        assertThat(f.c()).isEqualTo(1.0);
        assertThat(f.cvAccuracy()).isNull();
        assertThat(f.weight()).hasDimensions(2, 4);
        int zeroRows = 0;
        for (float[] row : f.weight()) {
            boolean zero = true;
            for (float v : row) {
                zero &= v == 0;
            }
            zeroRows += zero ? 1 : 0;
        }
        assertThat(zeroRows).isEqualTo(1);
        assertThat(f.predict(x[0])).isEqualTo(y[0]);
        assertThat(f.predict(x[1])).isEqualTo(y[1]);
    }

    @Test
    void shouldGiveTheSameHeadWhenFittedTwiceWithOneSeed() {
        int[] y = new int[60];
        float[][] x = clusters(20, 3, 5, y);
        LinearHead.Fitted a = LinearHead.fit(x, y, 3, LinearHead.Classifier.SVM, null, 5, 11);
        LinearHead.Fitted b = LinearHead.fit(x, y, 3, LinearHead.Classifier.SVM, null, 5, 11);
        assertThat(a.cvByC()).isEqualTo(b.cvByC());
        assertThat(a.weight()).isDeepEqualTo(b.weight());
    }

    @Test
    void shouldRefuseAnUnknownClassifierNamingTheFlag() {
        assertThatThrownBy(() -> LinearHead.Classifier.parse("forest")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--classifier").hasMessageContaining("forest");
    }

    @Test
    void shouldRefuseAClassWithoutDescriptors() {
        int[] y = {0, 0, 2, 2};
        float[][] x = {{1, 0}, {1, 0.1f}, {0, 1}, {0.1f, 1}};
        assertThatThrownBy(() -> LinearHead.fit(x, y, 3, LinearHead.Classifier.LOGISTIC, 1.0, 2, 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class 1");
    }

    @Test
    void shouldRefuseANonPositiveC() {
        int[] y = {0, 1};
        float[][] x = {{1, 0}, {0, 1}};
        assertThatThrownBy(() -> LinearHead.fit(x, y, 2, LinearHead.Classifier.LOGISTIC, -1.0, 2, 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--c");
    }

    @Test
    void shouldKeepAnImagesRowsInOneFoldWhenCrossValidatingSeveralRowsAnImage() {
        // Random labels on random 64-d points: nothing to learn. Each image has two identical rows (an image and its "flip");
        // folds over rows would fit on one copy and score the other, and look far better than chance.
        Random r = new Random(9);
        int images = 60;
        float[][] x = new float[2 * images][];
        int[] y = new int[2 * images];
        int[] image = new int[2 * images];
        for (int g = 0; g < images; g++) {
            float[] p = new float[64];
            for (int j = 0; j < p.length; j++) {
                p[j] = (float) r.nextGaussian();
            }
            int label = r.nextInt(3);
            for (int c = 0; c < 2; c++) {
                x[2 * g + c] = p;
                y[2 * g + c] = label;
                image[2 * g + c] = g;
            }
        }
        LinearHead.Fitted byRow = LinearHead.fit(x, y, 3, LinearHead.Classifier.LOGISTIC, null, 5, 7);
        LinearHead.Fitted byImage = LinearHead.fit(x, y, image, 3, LinearHead.Classifier.LOGISTIC, null, 5, 7);
        assertThat(byRow.cvAccuracy()).isGreaterThan(0.9);
        assertThat(byImage.cvAccuracy()).isLessThan(0.6);
    }

    @Test
    void shouldAverageTheRowsSoftmaxPosteriorsAsTheEngineFusesVariants() {
        int[] y = new int[60];
        float[][] x = clusters(20, 3, 1, y);
        LinearHead.Fitted f = LinearHead.fit(x, y, 3, LinearHead.Classifier.LOGISTIC, 4.0, 5, 7);
        double[] a = f.posterior(new float[][] {x[0]});
        double[] b = f.posterior(new float[][] {x[1]});
        double[] both = f.posterior(new float[][] {x[0], x[1]});
        double sum = 0;
        for (int k = 0; k < 3; k++) {
            assertThat(both[k]).isCloseTo((a[k] + b[k]) / 2, within(1e-12));
            sum += a[k];
        }
        assertThat(sum).isCloseTo(1, within(1e-12));
        assertThat(FitHead.top1(a)).isEqualTo(f.predict(x[0]));
    }

    @Test
    void shouldRefuseAnUnknownDescriptorKindNamingTheFlag() {
        assertThat(Descriptors.Kind.parse("per-variant")).isEqualTo(Descriptors.Kind.PER_VARIANT);
        assertThat(Descriptors.Kind.parse("averaged")).isEqualTo(Descriptors.Kind.AVERAGED);
        assertThatThrownBy(() -> Descriptors.Kind.parse("mean")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--descriptor").hasMessageContaining("mean");
    }
}
