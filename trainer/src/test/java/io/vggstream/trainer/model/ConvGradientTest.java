package io.vggstream.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * The narrowest nets' first two convs get the gradient float64 gives (float64 convs do not run on oneDNN):
 * with 4 channels, as 1/16 width had before channels came in blocks of 16, PyTorch's CPU gradient was off by
 * up to 96% of its largest value (docs/trainer.md).
 */
class ConvGradientTest {

    @Test
    void shouldGiveTheFirstConvOfASixteenthWidthNetTheGradientFloat64Gives() {
        VggSpec narrow = new VggSpec(VggConfig.A, 1 / 16.0, 32, 10, 32);
        int c0 = narrow.channels(0);
        int c1 = narrow.channels(1);
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w1 = m.randomNormal(0, 0.3f, new Shape(c0, 3, 3, 3), DataType.FLOAT32);
            NDArray w2 = m.randomNormal(0, 0.3f, new Shape(c1, c0, 3, 3), DataType.FLOAT32);
            for (int batch = 0; batch < 5; batch++) {
                NDArray x = m.randomUniform(-1, 1, new Shape(64, 3, 32, 32));
                NDArray f32 = firstConvGradient(m, x, w1, w2);
                NDArray f64 = firstConvGradient(m, x.toType(DataType.FLOAT64, false), w1.toType(DataType.FLOAT64, false),
                    w2.toType(DataType.FLOAT64, false)).toType(DataType.FLOAT32, false);
                float largest = f64.abs().max().getFloat();
                float off = f32.sub(f64).abs().max().getFloat();
                assertThat(largest).isPositive();
                assertThat(off / largest).as("batch %d, first conv %d channels, second %d", batch, c0, c1).isLessThan(1e-4f);
            }
        }
    }

    /** d mean(relu(conv(relu(conv(x, w1)), w2))) / d w1, in {@code x}'s type. */
    private static NDArray firstConvGradient(NDManager m, NDArray x, NDArray w1, NDArray w2) {
        Shape one = new Shape(1, 1);
        NDArray a = w1.duplicate();
        a.setRequiresGradient(true);
        NDArray b1 = m.zeros(new Shape(w1.getShape().get(0)), x.getDataType());
        NDArray b2 = m.zeros(new Shape(w2.getShape().get(0)), x.getDataType());
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = Conv2d.conv2d(x, a, b1, one, one, one, 1).head().maximum(0f);
            NDArray z = Conv2d.conv2d(y, w2, b2, one, one, one, 1).head().maximum(0f);
            gc.backward(z.mean());
        }
        return a.getGradient().duplicate();
    }
}
