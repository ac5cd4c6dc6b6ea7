package io.vggstream.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.protocol.Protocol;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationScoreTest {

    private static Evaluation.Samples labels(int... labels) {
        return new Evaluation.Samples() {
            @Override
            public int size() {
                return labels.length;
            }

            @Override
            public Evaluation.Sample get(int i) {
                return new Evaluation.Sample(new byte[0], labels[i]);
            }

            @Override
            public String name() {
                return "fake";
            }
        };
    }

    private static Evaluation.Row score(Evaluation.Samples samples, double[][]... perModel) {
        return Evaluation.score("m", "32", Protocol.parse("single"), List.of(32), List.of(perModel), samples);
    }

    private static double[] uniform(int classes) {
        double[] p = new double[classes];
        Arrays.fill(p, 1.0 / classes);
        return p;
    }

    @Test
    void shouldCountNaNPosteriorsAsErrors() {
        double[] nan = uniform(10);
        nan[2] = Double.NaN;
        Evaluation.Row row = score(labels(2, 2), new double[][] {nan, nan});
        assertThat(row.top1Error()).isEqualTo(100.0);
        assertThat(row.top5Error()).isEqualTo(100.0);
    }

    @Test
    void shouldCountAUniformPosteriorAsAnErrorAtRankOneAndFive() {
        Evaluation.Row row = score(labels(0), new double[][] {uniform(10)});
        assertThat(row.top1Error()).isEqualTo(100.0);
        assertThat(row.top5Error()).isEqualTo(100.0);
    }

    @Test
    void shouldCountATieForFirstAsATopOneErrorOnly() {
        double[] tied = {0.4, 0.4, 0.05, 0.05, 0.05, 0.05};
        double[] clear = {0.1, 0.5, 0.1, 0.1, 0.1, 0.1};
        Evaluation.Row row = score(labels(0, 1), new double[][] {tied, clear});
        assertThat(row.top1Error()).isEqualTo(50.0);
        assertThat(row.top5Error()).isEqualTo(0.0);
    }

    @Test
    void shouldCountAnEnsembleWithOneNaNModelAsAnError() {
        double[] good = {0.1, 0.8, 0.1};
        double[] broken = {Double.NaN, Double.NaN, Double.NaN};
        Evaluation.Row row = score(labels(1), new double[][] {good}, new double[][] {broken});
        assertThat(row.top1Error()).isEqualTo(100.0);
    }
}
