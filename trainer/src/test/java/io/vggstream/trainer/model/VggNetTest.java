package io.vggstream.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VggNetTest {

    private static VggNet initialised(NDManager manager, VggSpec spec) {
        VggNet net = VggNet.of(spec);
        net.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.AVG, 3), Parameter.Type.WEIGHT);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, spec.crop(), spec.crop()));
        return net;
    }

    @ParameterizedTest
    @EnumSource(VggConfig.class)
    void shouldHoldExactlyTheSpecsParametersWhenBuiltSmall(VggConfig config) {
        VggSpec spec = new VggSpec(config, 0.125, 64, 10, 64);
        try (NDManager manager = NDManager.newBaseManager()) {
            VggNet net = initialised(manager, spec);

            assertThat(net.initializedParameterCount()).isEqualTo(spec.parameterCount());
            assertThat(net.namedParameters().keySet()).contains("conv1_1_weight", "fc6_weight", "fc8_bias");
            assertThat(net.parameter("fc6", "weight").getShape()).isEqualTo(new Shape(64, 64 * 2 * 2));
        }
    }

    @ParameterizedTest
    @EnumSource(value = VggConfig.class, names = {"A", "A_LRN", "C"})
    void shouldGiveTheClassifiersPosteriorWhenDenseRunsOnACrop(VggConfig config) {
        VggSpec spec = new VggSpec(config, 0.125, 32, 5, 64);
        try (NDManager manager = NDManager.newBaseManager()) {
            VggNet net = initialised(manager, spec);
            NDArray x = manager.randomNormal(0, 60, new Shape(2, 3, 64, 64), DataType.FLOAT32);

            NDArray logits = net.forward(new ParameterStore(manager, false), new NDList(x), false).head();
            NDList dense = net.dense(x);

            float[] expected = logits.softmax(1).toFloatArray();
            float[] got = dense.get(0).toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat(got[i]).isCloseTo(expected[i], within(1e-5f));
            }
            assertThat(dense.get(1).getShape()).isEqualTo(new Shape(2, 32));
        }
    }

    @Test
    void shouldRunDenseOnLargerInputsWhenSidesAreAtLeastTheCrop() {
        VggSpec spec = new VggSpec(VggConfig.A, 0.125, 32, 5, 32);
        try (NDManager manager = NDManager.newBaseManager()) {
            VggNet net = initialised(manager, spec);

            NDList out = net.dense(manager.randomNormal(0, 60, new Shape(3, 3, 70, 45), DataType.FLOAT32));

            assertThat(out.get(0).getShape()).isEqualTo(new Shape(3, 5));
            assertThat(out.get(0).sum(new int[] {1}).toFloatArray()).containsExactly(new float[] {1f, 1f, 1f}, within(1e-5f));
            assertThatThrownBy(() -> net.dense(manager.zeros(new Shape(1, 3, 31, 64))))
                    .hasMessageContaining("H, W >= 32");
        }
    }

    @Test
    void shouldMatchTheLrnFormulaWhenComputedByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(0, 30, new Shape(1, 7, 2, 3), DataType.FLOAT32);
            float[] in = x.toFloatArray();
            float[] out = Lrn.apply(x).toFloatArray();
            int c = 7;
            int hw = 6;
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    double sum = 0;
                    for (int k = Math.max(0, ch - 2); k <= Math.min(c - 1, ch + 2); k++) {
                        sum += in[k * hw + p] * in[k * hw + p];
                    }
                    double expected = in[ch * hw + p] / Math.pow(2 + 1e-4 * sum, 0.75);
                    assertThat((double) out[ch * hw + p]).isCloseTo(expected, within(1e-4 * Math.abs(expected) + 1e-6));
                }
            }
        }
    }
}
