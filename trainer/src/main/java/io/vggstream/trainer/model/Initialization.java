package io.vggstream.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import io.vggstream.trainer.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a network starts: the paper's N(0, variance 1e-2) weights with zero biases, Glorot's uniform
 * init (the paper's post-submission note), or weights copied from a trained checkpoint.
 */
public sealed interface Initialization {

    /**
     * Weights N(0, std^2), biases 0: the paper's "zero mean and 10^-2 variance" is std 0.1; Caffe's
     * reference prototxts read it as std 0.01.
     */
    record Normal(double std) implements Initialization {
        /** The paper's words taken literally: variance 1e-2, so standard deviation 0.1. */
        public static final double PAPER_STD = 0.1;

        public Normal {
            if (!(std > 0 && std < 10)) {
                throw new BadInputException("--init", "--init normal:STD needs a standard deviation in (0, 10), was " + std);
            }
        }

        public Normal() {
            this(PAPER_STD);
        }
    }

    /** Glorot and Bengio's uniform init, U(-sqrt(6/(fan_in+fan_out)), +...), biases 0. */
    record Glorot() implements Initialization {}

    /**
     * Copy from a trained checkpoint; layers not copied start from {@code rest}.
     *
     * @param checkpoint a checkpoint folder, or a run folder (its latest checkpoint)
     * @param rest the random init of the layers not copied
     */
    record CopyFrom(Path checkpoint, Initialization rest) implements Initialization {}

    /** Parses {@code --init}: {@code normal}, {@code normal:STD}, {@code glorot}, or a checkpoint path. */
    static Initialization parse(String text, Initialization rest) {
        String t = text == null ? "normal" : text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("normal:")) {
            try {
                return new Normal(Double.parseDouble(t.substring("normal:".length())));
            } catch (NumberFormatException e) {
                throw new BadInputException("--init", "--init normal:STD needs a number, was " + t);
            }
        }
        switch (lower) {
            case "normal":
                return new Normal();
            case "glorot":
            case "xavier":
                return new Glorot();
            default:
                Path p = Path.of(t);
                if (!Files.exists(p)) {
                    throw new BadInputException("--init", "--init must be normal, glorot or a checkpoint folder; "
                            + p + " does not exist");
                }
                if (rest instanceof CopyFrom) {
                    throw new IllegalArgumentException("the rest of a copy must be a random init");
                }
                return new CopyFrom(p, rest);
        }
    }

    /** The DJL initializer for weights (biases are zero by DJL's default). */
    static Initializer weightInitializer(Initialization init) {
        if (init instanceof Normal n) {
            return new NormalInitializer((float) n.std());
        }
        if (init instanceof Glorot) {
            return new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3);
        }
        return weightInitializer(((CopyFrom) init).rest());
    }

    /** Sets the random initializer on every weight of {@code net}, before it is initialised. */
    static void applyRandom(VggNet net, Initialization init) {
        net.setInitializer(weightInitializer(init), Parameter.Type.WEIGHT);
    }

    /**
     * Copies weights from a trained net into {@code target} (initialised), by layer name. A net of
     * the same configuration is copied whole (the paper's S = 384 net from S = 256, the jittered net
     * from S = 384). From another configuration, the paper's recipe for deeper nets from a trained
     * A: the first four convs of the source and the three FC layers; the rest of the target keeps
     * its random init.
     *
     * @param sourceSpec the trained net's layout
     * @param source its parameters by name ({@code conv1_1_weight}, ...)
     * @return the names of the layers copied
     * @throws BadInputException naming {@code --init} when a layer is missing or its shape differs
     */
    static List<String> copy(VggSpec sourceSpec, Map<String, NDArray> source, VggNet target) {
        List<String> layers = new ArrayList<>();
        if (sourceSpec.config() == target.spec().config()) {
            sourceSpec.layers().stream().filter(l -> l.parameterCount() > 0).forEach(l -> layers.add(l.name()));
        } else {
            sourceSpec.convs().stream().limit(4).forEach(c -> layers.add(c.name()));
            layers.addAll(List.of("fc6", "fc7", "fc8"));
        }
        Map<String, Parameter> to = target.namedParameters();
        for (String layer : layers) {
            for (String kind : List.of("weight", "bias")) {
                String name = layer + "_" + kind;
                Parameter dst = to.get(name);
                NDArray src = source.get(name);
                if (dst == null || src == null) {
                    throw new BadInputException("--init", "cannot copy " + name + " from " + sourceSpec + " into "
                            + target.spec() + ": " + (dst == null ? "the target" : "the checkpoint") + " lacks it");
                }
                NDArray d = dst.getArray();
                if (!src.getShape().equals(d.getShape())) {
                    throw new BadInputException("--init", "cannot copy " + name + " from " + sourceSpec + " into "
                            + target.spec() + ": shape " + src.getShape() + " is not " + d.getShape());
                }
                d.set(src.toFloatArray());
            }
        }
        return layers;
    }
}
