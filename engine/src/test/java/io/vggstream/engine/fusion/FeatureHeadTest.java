package io.vggstream.engine.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The paper's averaged descriptor through a linear head: features fused first, then normalised, then the head. */
class FeatureHeadTest {

    /** Two classes on two features: class 0 reads feature 0, class 1 reads feature 1. */
    private static final FeatureHead HEAD = new FeatureHead(new float[][] {{4, 0}, {0, 4}}, new float[] {0, 0}, 1e-12f);

    private static double[] softmax(double a, double b) {
        double m = Math.max(a, b);
        double ea = Math.exp(a - m);
        double eb = Math.exp(b - m);
        return new double[] {ea / (ea + eb), eb / (ea + eb)};
    }

    @Test
    void shouldNormaliseTheMeanFeatureBeforeTheHead() {
        // Mean (3, 4) over two variants of sums (6, 8): unit vector (0.6, 0.8), scores (2.4, 3.2).
        double[] p = HEAD.posterior(new double[] {6, 8}, 2);

        double[] expected = softmax(2.4, 3.2);
        assertThat(p[0]).isCloseTo(expected[0], within(1e-6));
        assertThat(p[1]).isCloseTo(expected[1], within(1e-6));
    }

    @Test
    void shouldKeepAnAllZeroFeatureFiniteInsteadOfDividingByZero() {
        assertThat(HEAD.posterior(new double[] {0, 0}, 3)).containsExactly(0.5, 0.5);
    }

    @Test
    void shouldFuseTheFeaturesNotThePosteriorsWhenAModelHasAHead() {
        Fusion.ModelSum sum = new Fusion.ModelSum(2, HEAD);
        assertThat(sum.needsFeatures()).isTrue();
        // Two variants that each lean one way: their features averaged lean neither way; their own posteriors are ignored.
        sum.add(false, new float[] {1, 0}, new float[] {1, 0});
        sum.add(false, new float[] {0, 1}, new float[] {0, 1});

        assertThat(sum.posterior()).containsExactly(0.5, 0.5);
        assertThat(sum.count()).isEqualTo(2);
    }

    @Test
    void shouldPutDenseAndCropMeansThroughTheHeadApartAndWeighThemEqually() {
        Fusion.ModelSum sum = new Fusion.ModelSum(2, HEAD);
        sum.add(false, new float[] {1, 0}, new float[] {1, 0});
        sum.add(true, new float[] {0, 1}, new float[] {0, 1});
        sum.add(true, new float[] {0, 1}, new float[] {0, 1});

        double[] dense = softmax(4, 0);
        double[] crops = softmax(0, 4);
        assertThat(sum.posterior()[0]).isCloseTo((dense[0] + crops[0]) / 2, within(1e-9));
        assertThat(sum.posterior()[1]).isCloseTo((dense[1] + crops[1]) / 2, within(1e-9));
    }

    @Test
    void shouldRefuseAVariantWithoutItsFeatureWhenTheModelFusesFeatures() {
        Fusion.ModelSum sum = new Fusion.ModelSum(2, HEAD);

        assertThatThrownBy(() -> sum.add(false, new float[] {1, 0}, null)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("feature has no values, the head reads 2");
        assertThatThrownBy(() -> sum.add(false, new float[] {1, 0}, new float[] {1, 0, 0}))
            .hasMessageContaining("feature has 3 values, the head reads 2");
        assertThat(sum.isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseAHeadForOtherClassesThanTheModelServes() {
        assertThatThrownBy(() -> new Fusion.ModelSum(3, HEAD)).hasMessageContaining("the head scores 2 classes, the model serves 3");
    }
}
