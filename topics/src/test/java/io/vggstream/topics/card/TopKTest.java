package io.vggstream.topics.card;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    void shouldCountTheTrueClassWhenItIsStrictlyAboveEveryOther() {
        double[] p = {0.1, 0.7, 0.2};
        assertThat(TopK.contains(p, 1, 1)).isTrue();
        assertThat(TopK.contains(p, 2, 1)).isFalse();
        assertThat(TopK.contains(p, 2, 2)).isTrue();
        assertThat(TopK.contains(p, 0, 2)).isFalse();
        assertThat(TopK.contains(p, 0, 3)).isTrue();
    }

    @Test
    void shouldCountNothingWhenThePosteriorHoldsANaN() {
        double[] p = {Double.NaN, 0.9, 0.1};
        for (int label = 0; label < 3; label++) {
            for (int k = 1; k <= 5; k++) {
                assertThat(TopK.contains(p, label, k)).as("label %d, k %d", label, k).isFalse();
            }
        }
        float[] all = {Float.NaN, Float.NaN, Float.NaN};
        assertThat(TopK.contains(all, 0, 3, 0, 1)).isFalse();
        assertThat(TopK.contains(all, 0, 3, 2, 5)).isFalse();
        assertThat(TopK.contains(new double[] {0.5, Double.POSITIVE_INFINITY}, 1, 1)).isFalse();
    }

    @Test
    void shouldCountAUniformPosteriorRightOnlyAtTheRankOfAllClasses() {
        double[] p = new double[10];
        java.util.Arrays.fill(p, 0.1);
        assertThat(TopK.contains(p, 3, 1)).isFalse();
        assertThat(TopK.contains(p, 3, 5)).isFalse();
        assertThat(TopK.contains(p, 3, 10)).isTrue();
    }

    @Test
    void shouldNotCountATieForFirstAsTopOne() {
        double[] p = {0.4, 0.4, 0.2};
        assertThat(TopK.contains(p, 0, 1)).isFalse();
        assertThat(TopK.contains(p, 1, 1)).isFalse();
        assertThat(TopK.contains(p, 0, 2)).isTrue();
    }

    @Test
    void shouldLeaveOutAClassTiedAcrossTheKthRank() {
        // Class 4 (0.1) is tied with classes 5 and 6 for ranks 5 to 7: in the top 7 only.
        double[] p = {0.2, 0.15, 0.12, 0.11, 0.1, 0.1, 0.1, 0.06, 0.03, 0.03};
        assertThat(TopK.contains(p, 4, 5)).isFalse();
        assertThat(TopK.contains(p, 4, 6)).isFalse();
        assertThat(TopK.contains(p, 4, 7)).isTrue();
        assertThat(TopK.contains(p, 3, 5)).isTrue();
    }

    @Test
    void shouldReadOneImageOfABatchByItsOffset() {
        float[] batch = {0.1f, 0.8f, 0.1f, 0.5f, 0.5f, 0f, Float.NaN, 0f, 0f};
        assertThat(TopK.contains(batch, 0, 3, 1, 1)).isTrue();
        assertThat(TopK.contains(batch, 3, 3, 0, 1)).isFalse();
        assertThat(TopK.contains(batch, 3, 3, 0, 2)).isTrue();
        assertThat(TopK.contains(batch, 6, 3, 1, 3)).isFalse();
    }

    @Test
    void shouldRefuseALabelOutsideTheClasses() {
        assertThat(TopK.contains(new double[] {0.5, 0.5}, 2, 5)).isFalse();
        assertThat(TopK.contains(new double[] {0.5, 0.5}, -1, 5)).isFalse();
    }

    @Test
    void shouldTakeARankedListsFirstOnlyWhenItIsAClearWinner() {
        assertThat(TopK.clearFirst(new double[] {0.6, 0.3, 0.1})).isTrue();
        assertThat(TopK.clearFirst(new double[] {0.9})).isTrue();
        assertThat(TopK.clearFirst(new double[] {0.4, 0.4, 0.2})).isFalse();
        assertThat(TopK.clearFirst(new double[] {0.1, 0.1, 0.1, 0.1, 0.1})).isFalse();
        assertThat(TopK.clearFirst(new double[] {Double.NaN, Double.NaN})).isFalse();
        assertThat(TopK.clearFirst(new double[] {0.9, Double.NaN})).isFalse();
        assertThat(TopK.clearFirst(new double[] {})).isFalse();
    }
}
