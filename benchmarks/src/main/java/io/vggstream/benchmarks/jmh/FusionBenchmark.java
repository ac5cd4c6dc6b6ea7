package io.vggstream.benchmarks.jmh;

import io.vggstream.engine.fusion.Fusion;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The aggregator's work for one frame once its posteriors are in: sum each variant's posterior into
 * its model's dense or crop mean, fuse the ensemble, take the top 5.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FusionBenchmark {

    @Param({"10", "1000"})
    public int classes;

    /** Variants per frame: 2 (single scale with flip), 6 (three scales with flips), 156 (dense+crops at three scales). */
    @Param({"2", "6", "156"})
    public int variants;

    private float[][] posteriors;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(3);
        posteriors = new float[variants][classes];
        for (float[] p : posteriors) {
            double sum = 0;
            for (int i = 0; i < classes; i++) {
                p[i] = (float) Math.exp(r.nextGaussian() * 3);
                sum += p[i];
            }
            for (int i = 0; i < classes; i++) {
                p[i] /= (float) sum;
            }
        }
    }

    @Benchmark
    public List<Fusion.Ranked> fuseAndRank() {
        Fusion.ModelSum sum = new Fusion.ModelSum(classes);
        int dense = Math.min(variants, 6);
        for (int v = 0; v < variants; v++) {
            sum.add(v >= dense, posteriors[v]);
        }
        double[] fused = Fusion.ensemble(List.of(sum));
        return Fusion.top(fused, 5);
    }
}
