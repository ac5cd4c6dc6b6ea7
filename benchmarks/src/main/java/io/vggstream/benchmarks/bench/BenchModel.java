package io.vggstream.benchmarks.bench;

import ai.djl.ndarray.NDManager;
import io.vggstream.engine.model.Model;
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.export.ModelCards;
import io.vggstream.trainer.export.OnnxExporter;
import io.vggstream.trainer.export.RandomVgg;
import io.vggstream.trainer.model.VggConfig;
import io.vggstream.trainer.model.VggNet;
import io.vggstream.trainer.model.VggSpec;
import io.vggstream.trainer.train.Djl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The model a benchmark runs: an exported one ({@code --model DIR}), or a VGG configuration and
 * width with random He-normal weights, exported once through the trainer's own code and cached
 * (no training needed: throughput does not depend on the weights' values).
 *
 * @param model the engine's view of it
 * @param description one line for the report
 * @param randomWeights whether it was made here with random weights
 */
public record BenchModel(Model model, String description, boolean randomWeights) {

    /**
     * A VGG to make with random weights. {@code fc} is the width of FC1 and FC2; {@code trainScale} the fixed training
     * scale S its card declares (what the multi-scale protocol's Qs derive from), 0 for the paper's 256 scaled to the crop.
     */
    public record RandomSpec(VggConfig config, double width, int fc, int classes, int crop, long seed, int trainScale) {

        public RandomSpec {
            new VggSpec(config, width, fc, classes, crop); // validates
            if (trainScale != 0 && trainScale < crop) {
                throw new IllegalArgumentException("the training scale S must be at least the crop " + crop + ", got " + trainScale);
            }
        }

        public RandomSpec(VggConfig config, double width, int fc, int classes, int crop, long seed) {
            this(config, width, fc, classes, crop, seed, 0);
        }

        TrainScale scale() {
            return trainScale == 0 ? TrainScale.paperDefault(crop) : new TrainScale(trainScale, trainScale);
        }

        /** The FC width that goes with a conv width by default: the paper's 4096 scaled alike, at least 64. */
        public static int defaultFc(double width) {
            return Math.max(64, (int) Math.round(4096 * width));
        }

        VggSpec spec() {
            return new VggSpec(config, width, fc, classes, crop);
        }

        /** The cache folder's name: everything that changes the file. */
        String key() {
            return String.format(Locale.ROOT, "vgg-%s-w%s-fc%d-c%d-crop%d-seed%d", config.label(), trim(width), fc, classes, crop, seed)
                + (trainScale == 0 ? "" : "-s" + trainScale);
        }

        private static String trim(double w) {
            String s = String.format(Locale.ROOT, "%.4f", w);
            return s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
    }

    /** $VGGSTREAM_HOME, or ~/.vggstream. */
    public static Path home() {
        return java.util.Optional.ofNullable(System.getenv("VGGSTREAM_HOME")).map(Path::of)
            .orElse(Path.of(System.getProperty("user.home"), ".vggstream"));
    }

    /** Where DJL's native library goes when a random-weight model is exported. */
    public static Path djl(com.typesafe.config.Config config, Path home) {
        return config.hasPath("vggstream.trainer.djl-cache-dir") ? Path.of(config.getString("vggstream.trainer.djl-cache-dir"))
            : home.resolve("djl");
    }

    public static BenchModel load(Path dir) {
        Model m = Model.load(dir);
        var c = m.card();
        // An imported model's conv stack may be none of the paper's: its card then lists it layer by layer.
        String net = io.vggstream.topics.card.ModelCard.CUSTOM.equals(c.config())
            ? "a custom VGG stack (" + c.stack().size() + " layers)" : "VGG-" + c.config();
        String from = c.source() != null ? "imported from " + c.source().file() + " (" + c.source().layout() + ") into " + dir
            : "exported model from " + dir;
        return new BenchModel(m, String.format(Locale.ROOT, "%s: %s, width %s, FC %d, %d classes, crop %d, input %s (%s, %s)",
            m.name(), net, c.width(), c.fc(), c.numClasses(), c.crop(), io.vggstream.engine.model.Normalisation.describe(c), from,
            size(m.onnx())), false);
    }

    /**
     * The random-weight model of {@code spec} under {@code cache}, exported on first use.
     *
     * @param djlCache where DJL's native library is extracted (used only when exporting)
     */
    public static BenchModel random(RandomSpec spec, Path cache, Path djlCache, Consumer<String> log) {
        Path dir = cache.resolve(spec.key());
        if (!Files.isRegularFile(dir.resolve(OnnxExporter.MODEL_FILE)) || !Files.isRegularFile(dir.resolve("model.json"))) {
            log.accept("exporting " + spec.spec() + " with random weights to " + dir + " (once; cached) ...");
            long t = System.nanoTime();
            export(spec, dir, djlCache);
            log.accept(String.format(Locale.ROOT, "  exported in %.1f s", (System.nanoTime() - t) / 1e9));
        }
        Model m = Model.load(dir);
        return new BenchModel(m, String.format(Locale.ROOT, "VGG-%s (config %s), width %s, FC %d, %d classes, crop %d, training scale S %d,"
                + " random He-normal weights (%s)", spec.config().weightLayers(), spec.config().label(), RandomSpec.trim(spec.width()), spec.fc(),
            spec.classes(), spec.crop(), spec.scale().min(), size(m.onnx())), true);
    }

    private static void export(RandomSpec spec, Path dir, Path djlCache) {
        Djl.engine(djlCache);
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try (NDManager manager = NDManager.newBaseManager()) {
            VggNet net = RandomVgg.heNormal(spec.spec(), spec.seed(), manager);
            List<String> classes = RandomVgg.classNames(spec.classes());
            double[] mean = {123.68, 116.78, 103.94};
            OnnxExporter.export(net, sha -> ModelCards.card(spec.spec(), classes, mean, spec.scale(), null,
                Map.of("weights", "random he-normal", "seed", Long.toString(spec.seed()), "purpose", "vggstream bench"), sha), tmp);
            Files.createDirectories(dir.getParent());
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isDirectory(dir)) {
                    throw e;
                }
                // Another run exported the same model meanwhile: keep theirs.
                deleteTree(tmp);
            }
        } catch (IOException e) {
            deleteTree(tmp);
            throw new UncheckedIOException("cannot export the benchmark model to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    static String size(Path file) {
        try {
            return String.format(Locale.ROOT, "%.1f MB", Files.size(file) / 1e6);
        } catch (IOException e) {
            return "size unknown";
        }
    }
}
