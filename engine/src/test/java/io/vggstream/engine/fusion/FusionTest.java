package io.vggstream.engine.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FusionTest {

    @Test
    void shouldAverageDenseVariantsOfAModel() {
        Fusion.ModelSum m = new Fusion.ModelSum(2);
        m.add(false, new float[] {0.8f, 0.2f});
        m.add(false, new float[] {0.4f, 0.6f});
        assertThat(m.posterior()[0]).isCloseTo(0.6, within(1e-6));
        assertThat(m.count()).isEqualTo(2);
    }

    @Test
    void shouldWeighDenseAndCropsEquallyWhateverTheirCounts() {
        Fusion.ModelSum m = new Fusion.ModelSum(2);
        m.add(false, new float[] {1f, 0f});
        for (int i = 0; i < 50; i++) {
            m.add(true, new float[] {0f, 1f});
        }
        assertThat(m.posterior()).containsExactly(new double[] {0.5, 0.5}, within(1e-9));
    }

    @Test
    void shouldAverageModelsOfAnEnsembleEquallyAndSkipSilentOnes() {
        Fusion.ModelSum a = new Fusion.ModelSum(2);
        a.add(false, new float[] {0.9f, 0.1f});
        Fusion.ModelSum b = new Fusion.ModelSum(2);
        b.add(false, new float[] {0.3f, 0.7f});
        b.add(false, new float[] {0.3f, 0.7f});
        Fusion.ModelSum silent = new Fusion.ModelSum(2);
        assertThat(Fusion.ensemble(List.of(a, b, silent))).containsExactly(new double[] {0.6, 0.4}, within(1e-6));
    }

    @Test
    void shouldRankBestFirstWithTiesToTheLowerIndex() {
        List<Fusion.Ranked> top = Fusion.top(new double[] {0.1, 0.4, 0.4, 0.05, 0.05}, 3);
        assertThat(top).extracting(Fusion.Ranked::index).containsExactly(1, 2, 0);
        assertThat(Fusion.top(new double[] {0.5, 0.5}, 5)).hasSize(2);
    }

    @Test
    void shouldRankANaNFirstSoThatABrokenPosteriorShowsInTheTopK() {
        List<Fusion.Ranked> top = Fusion.top(new double[] {0.7, 0.2, Double.NaN, 0.1}, 2);
        assertThat(top).extracting(Fusion.Ranked::index).containsExactly(2, 0);
        assertThat(Double.isNaN(top.get(0).p())).isTrue();
    }

    @Test
    void shouldRankAsAFullSortWouldOnManyClassesWithTies() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int round = 0; round < 200; round++) {
            double[] p = new double[1 + r.nextInt(1000)];
            for (int i = 0; i < p.length; i++) {
                // Few distinct values, so that ties are common.
                p[i] = r.nextInt(20) / 20.0;
            }
            int k = 1 + r.nextInt(8);
            List<Integer> sorted = java.util.stream.IntStream.range(0, p.length).boxed()
                .sorted(java.util.Comparator.<Integer>comparingDouble(i -> -p[i]).thenComparingInt(i -> i))
                .limit(k).toList();
            assertThat(Fusion.top(p, k)).extracting(Fusion.Ranked::index).containsExactlyElementsOf(sorted);
        }
        assertThat(Fusion.top(new double[] {0.3}, 0)).isEmpty();
    }
}
