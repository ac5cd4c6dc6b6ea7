package io.vggstream.engine.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.export.ModelCards;
import io.vggstream.trainer.export.OnnxExporter;
import io.vggstream.trainer.export.RandomVgg;
import io.vggstream.trainer.model.VggConfig;
import io.vggstream.trainer.model.VggNet;
import io.vggstream.trainer.model.VggSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Small real models for the engine's tests, exported through the trainer's own code (test scope
 * only): a 1/16-width VGG with a 32-pixel crop and {@link RandomVgg#distinctive} weights, so posteriors
 * are far from uniform and a wrong wiring shows. Real ONNX, real weights, no mock session.
 */
public final class TestModels {

    public static final int CLASSES = 10;
    public static final int CROP = 32;
    public static final double[] MEAN = {120, 115, 100};
    public static final List<String> NAMES = RandomVgg.classNames(CLASSES);

    private TestModels() {
    }

    /** A net and the folder it was exported to; close to free the net's native memory. */
    public record Exported(Path dir, VggNet net, NDManager manager, ModelCard card) implements AutoCloseable {
        /** The classic head's softmax (FC layers, the trained classifier) on {@code [n,3,crop,crop]} inputs. */
        public float[] classic(float[] chw, int n) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(chw, new Shape(n, 3, CROP, CROP));
                return net.forward(new ParameterStore(scope, false), new NDList(x), false).head().softmax(1).toFloatArray();
            }
        }

        /** The dense graph in DJL on {@code [n,3,h,w]}: the posterior. */
        public float[] dense(float[] chw, int n, int h, int w) {
            try (NDManager scope = manager.newSubManager()) {
                return net.dense(scope.create(chw, new Shape(n, 3, h, w))).get(0).toFloatArray();
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** Exports config {@code config} with weights from {@code seed} into {@code dir}. */
    public static Exported export(VggConfig config, long seed, Path dir, TrainScale scale) {
        return export(config, 1 / 16.0, 32, seed, dir, scale);
    }

    /** Exports config {@code config} at conv width {@code width} and FC width {@code fc}: wider nets for slow inference. */
    public static Exported export(VggConfig config, double width, int fc, long seed, Path dir, TrainScale scale) {
        return export(config, width, fc, seed, dir, scale, CROP);
    }

    /** As above with crop size {@code crop} (the paper's 224, say); {@link Exported#classic} assumes {@link #CROP}. */
    public static Exported export(VggConfig config, double width, int fc, long seed, Path dir, TrainScale scale, int crop) {
        return export(config, width, fc, seed, dir, scale, crop, java.util.function.UnaryOperator.identity());
    }

    /**
     * The default test model (config A, S = 37) with its card rewritten by {@code card} before the
     * export writes it, into the graph's metadata and {@code model.json} alike (an imported model's
     * {@code /2} card, say).
     */
    public static Exported export(Path dir, java.util.function.UnaryOperator<ModelCard> card) {
        return export(VggConfig.A, 1 / 16.0, 32, 42, dir, new TrainScale(37, 37), CROP, card);
    }

    private static Exported export(VggConfig config, double width, int fc, long seed, Path dir, TrainScale scale, int crop,
                                   java.util.function.UnaryOperator<ModelCard> rewrite) {
        VggSpec spec = new VggSpec(config, width, fc, CLASSES, crop);
        NDManager manager = NDManager.newBaseManager();
        try {
            VggNet net = RandomVgg.distinctive(spec, seed, manager);
            ModelCard card = OnnxExporter.export(net, sha -> rewrite.apply(ModelCards.card(spec, NAMES, MEAN, scale, null,
                Map.of("config", config.label(), "seed", Long.toString(seed)), sha)), dir);
            return new Exported(dir, net, manager, card);
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The default test model: config A, S = 37 (the paper's 256/224 of a 32 crop). */
    public static Exported export(Path dir) {
        return export(VggConfig.A, 42, dir, new TrainScale(37, 37));
    }
}
