package io.vggstream.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DenseEvaluationTest {

    @Test
    void shouldScoreNaNPosteriorsAsWrong() {
        float[] p = new float[2 * 10];
        java.util.Arrays.fill(p, Float.NaN);
        assertThat(DenseEvaluation.tally(p, new int[] {3, 7}, 2, 5)).containsExactly(0, 0);
    }

    @Test
    void shouldNotCountAUniformPosteriorAsRightAtRankOneOrFive() {
        float[] p = new float[10];
        java.util.Arrays.fill(p, 0.1f);
        assertThat(DenseEvaluation.tally(p, new int[] {4}, 1, 5)).containsExactly(0, 0);
    }

    @Test
    void shouldNotCountATieForFirstAsTopOne() {
        float[] p = {0.45f, 0.45f, 0.1f, 0.6f, 0.3f, 0.1f};
        // image 0: tied for first, in the top 2; image 1: a clear first
        assertThat(DenseEvaluation.tally(p, new int[] {0, 0}, 2, 2)).containsExactly(1, 2);
    }
}
