package io.vggstream.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void shouldBeEmptyForNoValues() {
        assertThat(Percentiles.of(new double[4], 0, 0.5)).isEmpty();
        assertThat(Percentiles.ofSorted(new double[0], 0.99)).isNaN();
    }

    @Test
    void shouldGiveTheOnlyValueForEveryQuantileOfOne() {
        assertThat(Percentiles.of(new double[] {7}, 1, 0.01)).hasValue(7);
        assertThat(Percentiles.of(new double[] {7}, 1, 1.0)).hasValue(7);
    }

    @Test
    void shouldTakeTheNearestRankNotAnInterpolation() {
        double[] v = {40, 10, 30, 20};
        assertThat(Percentiles.of(v, 4, 0.5)).as("ceil(0.5 * 4) = 2nd value").hasValue(20);
        assertThat(Percentiles.of(v, 4, 0.51)).as("ceil(0.51 * 4) = 3rd value").hasValue(30);
        assertThat(Percentiles.of(v, 4, 0.25)).hasValue(10);
        assertThat(Percentiles.of(v, 4, 1.0)).hasValue(40);
        assertThat(v).as("the input is not sorted in place").containsExactly(40, 10, 30, 20);
    }

    @Test
    void shouldGiveP99OfAHundredAsTheNinetyNinthValue() {
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(Percentiles.ofSorted(sorted, 0.99)).isEqualTo(99);
        assertThat(Percentiles.ofSorted(sorted, 0.5)).isEqualTo(50);
    }

    @Test
    void shouldOnlyLookAtTheFirstNValues() {
        assertThat(Percentiles.of(new double[] {3, 1, 1000, 1000}, 2, 1.0)).hasValue(3);
    }

    @Test
    void shouldRefuseAQuantileOutsideZeroToOne() {
        assertThatThrownBy(() -> Percentiles.of(new double[] {1}, 1, 0)).hasMessageContaining("0 < q <= 1");
        assertThatThrownBy(() -> Percentiles.ofSorted(new double[] {1}, 1.5)).hasMessageContaining("0 < q <= 1");
        assertThatThrownBy(() -> Percentiles.of(new double[] {1}, 1, Double.NaN)).hasMessageContaining("0 < q <= 1");
    }

    @Test
    void shouldRefuseMoreValuesThanTheArrayHolds() {
        assertThatThrownBy(() -> Percentiles.of(new double[2], 3, 0.5)).hasMessageContaining("0..2");
    }
}
