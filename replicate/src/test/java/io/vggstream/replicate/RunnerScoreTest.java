package io.vggstream.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunnerScoreTest {

    private static float[] uniform(int classes) {
        float[] p = new float[classes];
        Arrays.fill(p, 1f / classes);
        return p;
    }

    @Test
    void shouldCountNaNPosteriorsAsErrors() {
        float[] nan = new float[10];
        Arrays.fill(nan, Float.NaN);
        Results.Measure m = Runner.score("A", "single", 1, List.<float[][]>of(new float[][] {nan, nan}), new int[] {0, 9});
        assertThat(m.top1()).isEqualTo(100.0);
        assertThat(m.top5()).isEqualTo(100.0);
    }

    @Test
    void shouldCountAUniformPosteriorAsAnErrorAtRankOneAndFive() {
        Results.Measure m = Runner.score("A", "single", 1, List.<float[][]>of(new float[][] {uniform(10)}), new int[] {3});
        assertThat(m.top1()).isEqualTo(100.0);
        assertThat(m.top5()).isEqualTo(100.0);
    }

    @Test
    void shouldCountATieForFirstAsATopOneErrorOnly() {
        float[] tied = {0.4f, 0.4f, 0.1f, 0.1f};
        float[] clear = {0.7f, 0.1f, 0.1f, 0.1f};
        Results.Measure m = Runner.score("A", "single", 1, List.<float[][]>of(new float[][] {tied, clear}), new int[] {1, 0});
        assertThat(m.top1()).isEqualTo(50.0);
        assertThat(m.top5()).isEqualTo(0.0);
    }

    @Test
    void shouldCountAPairWithOneNaNNetAsAnError() {
        float[] good = {0.1f, 0.8f, 0.1f};
        float[] broken = {Float.NaN, Float.NaN, Float.NaN};
        Results.Measure m = Runner.score("A+B", "single", 1, List.of(new float[][] {good}, new float[][] {broken}),
            new int[] {1});
        assertThat(m.top1()).isEqualTo(100.0);
    }
}
