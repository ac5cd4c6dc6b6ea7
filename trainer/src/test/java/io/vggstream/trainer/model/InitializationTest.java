package io.vggstream.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vggstream.trainer.BadInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InitializationTest {

    static VggNet net(NDManager m, VggSpec spec, Initialization init) {
        VggNet net = VggNet.of(spec);
        Initialization.applyRandom(net, init);
        net.initialize(m, DataType.FLOAT32, new Shape(1, 3, spec.crop(), spec.crop()));
        return net;
    }

    static Map<String, NDArray> arrays(VggNet net) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        net.namedParameters().forEach((k, p) -> out.put(k, p.getArray()));
        return out;
    }

    @Test
    void shouldCopyTheFirstFourConvsAndTheFcLayersWhenADeeperNetStartsFromA() {
        try (NDManager m = NDManager.newBaseManager()) {
            VggSpec a = new VggSpec(VggConfig.A, 0.125, 32, 10, 32);
            VggSpec d = new VggSpec(VggConfig.D, 0.125, 32, 10, 32);
            VggNet source = net(m, a, new Initialization.Glorot());
            VggNet target = net(m, d, new Initialization.Normal());
            float[] conv12Before = target.parameter("conv1_2", "weight").toFloatArray();

            List<String> copied = Initialization.copy(a, arrays(source), target);

            assertThat(copied).containsExactly("conv1_1", "conv2_1", "conv3_1", "conv3_2", "fc6", "fc7", "fc8");
            for (String layer : copied) {
                assertThat(target.parameter(layer, "weight").toFloatArray())
                        .containsExactly(source.parameter(layer, "weight").toFloatArray());
            }
            assertThat(target.parameter("conv1_2", "weight").toFloatArray()).containsExactly(conv12Before);
        }
    }

    @Test
    void shouldCopyEverythingWhenTheConfigIsTheSame() {
        try (NDManager m = NDManager.newBaseManager()) {
            VggSpec c = new VggSpec(VggConfig.C, 0.125, 32, 10, 32);
            VggNet source = net(m, c, new Initialization.Glorot());
            VggNet target = net(m, c, new Initialization.Normal());

            List<String> copied = Initialization.copy(c, arrays(source), target);

            assertThat(copied).hasSize(16);
            assertThat(target.parameter("conv5_3", "weight").toFloatArray())
                    .containsExactly(source.parameter("conv5_3", "weight").toFloatArray());
        }
    }

    @Test
    void shouldNameInitAndTheLayerWhenShapesDiffer() {
        try (NDManager m = NDManager.newBaseManager()) {
            VggSpec a = new VggSpec(VggConfig.A, 0.25, 32, 10, 32);
            VggSpec wider = new VggSpec(VggConfig.B, 0.5, 32, 10, 32);
            VggNet source = net(m, a, new Initialization.Glorot());
            VggNet target = net(m, wider, new Initialization.Normal());

            assertThatThrownBy(() -> Initialization.copy(a, arrays(source), target))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageContaining("cannot copy conv1_1_weight")
                    .extracting(e -> ((BadInputException) e).flag()).isEqualTo("--init");
        }
    }

    @Test
    void shouldDrawWeightsWithTheRequestedSpread() {
        try (NDManager m = NDManager.newBaseManager()) {
            VggSpec spec = new VggSpec(VggConfig.A, 0.25, 64, 10, 32);
            VggNet normal = net(m, spec, new Initialization.Normal());
            VggNet glorot = net(m, spec, new Initialization.Glorot());

            NDArray w = normal.parameter("conv3_1", "weight");
            assertThat(w.square().mean().getFloat()).isBetween(0.0095f, 0.0105f);
            assertThat(normal.parameter("conv3_1", "bias").abs().max().getFloat()).isZero();
            // Glorot uniform: variance 2 / (fan_in + fan_out) = 2 / (32*9 + 64*9)
            float var = glorot.parameter("conv3_1", "weight").square().mean().getFloat();
            assertThat((double) var).isBetween(0.95 * 2.0 / (96 * 9), 1.05 * 2.0 / (96 * 9));
        }
    }

    @Test
    void shouldNameInitWhenTheCheckpointIsMissing() {
        assertThatThrownBy(() -> Initialization.parse("/no/such/run", new Initialization.Normal()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("--init must be normal, glorot or a checkpoint folder");
    }
}
