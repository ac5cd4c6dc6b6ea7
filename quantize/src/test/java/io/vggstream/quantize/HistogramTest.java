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
