package io.vggstream.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.onnx.quant.ActivationRange;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramTest {

    /** A ReLU-like tensor: |gaussian| with one far outlier. */
    static Histogram reluWithOutlier() {
        Random r = new Random(7);
        float[] v = new float[100_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.abs(r.nextGaussian());
        }
        v[123] = 100;
        Histogram h = new Histogram();
        h.observeRange(FloatBuffer.wrap(v));
        h.observeHistogram(FloatBuffer.wrap(v));
        return h;
    }

    @Test
    void shouldKeepTheOutlierWithMinmaxAndClipItWithPercentileAndEntropy() {
        Histogram h = reluWithOutlier();

        assertThat(h.range(Method.MINMAX).max()).isEqualTo(100);
        assertThat(h.range(Method.PERCENTILE).max()).isBetween(3.0, 6.0);
        assertThat(h.range(Method.ENTROPY).max()).isLessThan(100).isGreaterThan(2.0);
        assertThat(h.range(Method.PERCENTILE).min()).isZero();
    }

    /**
     * A ReLU's output: half its values exactly 0 (all in bin 0), the rest |gaussian| (largest about
     * 4.4). The spike must not drive the KL search: merged into Q's first level it costs more the more
     * bins a level holds, which pulled the clip down to the fewest bins (255 of 2048, an eighth of the
     * range) and cost 15 points of top-1 (docs/quantization.md).
     */
    @Test
    void shouldNotLetTheSpikeOfZerosFromAReluPullTheEntropyClipDown() {
        Random r = new Random(11);
        float[] v = new float[200_000];
        for (int i = 0; i < v.length; i += 2) {
            v[i] = (float) Math.abs(r.nextGaussian());
        }
        Histogram h = new Histogram();
        h.observeRange(FloatBuffer.wrap(v));
        h.observeHistogram(FloatBuffer.wrap(v));

        double clip = h.range(Method.ENTROPY).max();
        System.out.printf("entropy clip %.3f of max %.3f (percentile %.3f)%n", clip, h.max, h.range(Method.PERCENTILE).max());
        assertThat(clip).isGreaterThan(2.5).isLessThanOrEqualTo(h.max);
    }

    @Test
    void shouldGiveAReluOutputZeroPointZeroWhenTheRangeStartsAtZero() {
        ActivationRange relu = new ActivationRange(0, 6);
        ActivationRange signed = new ActivationRange(-2, 6);

        assertThat(relu.zeroPoint()).isZero();
        assertThat(relu.scale()).isEqualTo(6f / 255);
        assertThat(signed.zeroPoint()).isEqualTo(64);
    }

    @Test
    void shouldWidenARangeToHoldZeroWhenAllValuesArePositive() {
        ActivationRange r = new ActivationRange(1, 3);

        assertThat(r.min()).isZero();
        assertThat(r.zeroPoint()).isZero();
    }
}
