package io.vggstream.trainer.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import io.vggstream.trainer.model.VggNet;
import io.vggstream.trainer.model.VggSpec;
import java.util.List;
import java.util.stream.IntStream;

/**
 * VGG networks with random weights, for tests and benchmarks that need a real model of a given
 * shape without training one: the engine's test models, the trainer's ONNX parity test and
 * {@code vggstream bench}'s models all come from here, and are exported with {@link OnnxExporter}.
 */
public final class RandomVgg {

    private RandomVgg() {
    }

    /**
     * A net of {@code spec} with He-normal weights (Xavier, Gaussian, fan-in, magnitude 2: activations
     * keep their scale through the ReLUs) and zero biases, drawn from DJL's generator seeded with
     * {@code seed}, its arrays on {@code manager}. Load DJL's engine first where its cache matters
     * ({@code Djl.engine(cache)}).
     */
    public static VggNet heNormal(VggSpec spec, long seed, NDManager manager) {
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
        VggNet net = VggNet.of(spec);
        net.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2),
            Parameter.Type.WEIGHT);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, spec.crop(), spec.crop()));
        return net;
    }

    /**
     * {@link #heNormal}, then made to show a wrong wiring: biases uniform in [-0.5, 0.5) (a dropped
     * bias changes the answer) and FC8 scaled so that the class scores of noise images spread by
     * about 2 (posteriors neither uniform nor one-hot).
     */
    public static VggNet distinctive(VggSpec spec, long seed, NDManager manager) {
        VggNet net = heNormal(spec, seed, manager);
        net.namedParameters().forEach((name, p) -> {
            if (name.endsWith("_bias")) {
                NDArray b = p.getArray();
                b.set(manager.randomUniform(-0.5f, 0.5f, b.getShape()).toFloatArray());
            }
        });
        try (NDManager scope = manager.newSubManager()) {
            NDArray probe = scope.randomNormal(0, 60, new Shape(8, 3, spec.crop(), spec.crop()), DataType.FLOAT32);
            NDArray scores = net.forward(new ParameterStore(scope, false), new NDList(probe), false).head()
                .sub(net.parameter("fc8", "bias"));
            float spread = scores.sub(scores.mean()).square().mean().sqrt().getFloat();
            for (String kind : new String[] {"weight", "bias"}) {
                NDArray a = net.parameter("fc8", kind);
                a.set(a.mul(2f / spread).toFloatArray());
            }
        }
        return net;
    }

    /** {@code class0} ... {@code class<n-1>}: the class names of a model that was never trained. */
    public static List<String> classNames(int n) {
        return IntStream.range(0, n).mapToObj(i -> "class" + i).toList();
    }
}
