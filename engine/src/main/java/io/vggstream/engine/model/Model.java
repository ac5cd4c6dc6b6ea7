package io.vggstream.engine.model;

import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vggstream.topics.card.ModelCard.InvalidModelCardException;
import io.vggstream.topics.card.ModelCard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An exported model as the engine knows it: its ONNX file and its card. The engine knows nothing
 * else of the trainer.
 *
 * @param name a short name for predictions and logs (the folder's, or the file's without .onnx)
 * @param onnx the ONNX graph
 * @param card the model card
 */
public record Model(String name, Path onnx, ModelCard card) {

    /** The initializers fit-head writes its head into: weight {@code [classes, features]}, bias, epsilon. */
    static final String HEAD_WEIGHT = ModelCard.Head.WEIGHT_INITIALIZER;
    static final String HEAD_BIAS = ModelCard.Head.BIAS_INITIALIZER;
    static final String HEAD_EPSILON = ModelCard.Head.EPSILON_INITIALIZER;

    public Model {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(card, "card");
    }

    /**
     * Loads a model from a folder holding {@code model.onnx} and {@code model.json}, or from an
     * {@code .onnx} file (its card then comes from {@code model.json} beside it, or else from the
     * graph's metadata). Fails with a message naming the file when something is missing or broken.
     */
    public static Model load(Path path) {
        Path p = path.toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            Path onnx = p.resolve("model.onnx");
            if (!Files.isRegularFile(onnx)) {
                throw new ModelLoadException(p, "the folder holds no model.onnx");
            }
            Path card = p.resolve(ModelCard.FILE_NAME);
            return verified(new Model(p.getFileName().toString(), onnx,
                Files.isRegularFile(card) ? readCard(card) : embeddedCard(onnx)));
        }
        if (!Files.isRegularFile(p)) {
            throw new ModelLoadException(p, "no such file or folder");
        }
        if (!p.getFileName().toString().endsWith(".onnx")) {
            throw new ModelLoadException(p, "a model is a folder with model.onnx and model.json, or an .onnx file");
        }
        String stem = p.getFileName().toString().replaceFirst("\\.onnx$", "");
        String name = stem.equals("model") && p.getParent() != null && p.getParent().getFileName() != null
            ? p.getParent().getFileName().toString() : stem;
        Path sibling = p.resolveSibling(ModelCard.FILE_NAME);
        return verified(new Model(name, p, Files.isRegularFile(sibling) ? readCard(sibling) : embeddedCard(p)));
    }

    /**
     * Refuses a model whose weights are not the ones its card describes (another export's
     * model.json beside this graph, a file damaged in transit): the card's accuracy and statistics
     * would then be about other weights. Refuses a card the engine cannot honour (a normalisation
     * outside float32), and a {@code model.json} whose input normalisation disagrees with the card
     * inside the graph: the engine trusts {@code model.json} when there is one, so a copy rewritten
     * on one side only would otherwise feed the graph pixels it was not made for. Reads the graph
     * once (a streamed SHA-256 that also picks up the embedded card).
     */
    private static Model verified(Model m) {
        WeightsDigest.Scan scan;
        try {
            scan = WeightsDigest.scan(m.onnx());
        } catch (IOException e) {
            throw new ModelLoadException(m.onnx(), "is not a readable ONNX model: " + e.getMessage());
        }
        if (!scan.weightsSha256().equals(m.card().weightsSha256())) {
            throw new ModelLoadException(m.onnx(), "its weights do not match its model card: the card says weights_sha256 "
                + m.card().weightsSha256() + ", the graph's weights hash to " + scan.weightsSha256());
        }
        try {
            Normalisation.of(m.card());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(m.onnx(), "its model card cannot be honoured: " + e.getMessage());
        }
        Path json = m.onnx().resolveSibling(ModelCard.FILE_NAME);
        if (scan.embeddedCard() != null && Files.isRegularFile(json)) {
            String where = m.onnx() + " (metadata " + ModelCard.ONNX_METADATA_KEY + ")";
            ModelCard inside;
            try {
                inside = ModelCard.fromJson(scan.embeddedCard(), where);
            } catch (InvalidModelCardException e) {
                throw new ModelLoadException(m.onnx(), "the card inside the graph is not valid, though " + json + " is: " + e.getMessage());
            }
            if (!inside.normalisation().equals(m.card().normalisation())) {
                throw new ModelLoadException(m.onnx(), "its two model cards disagree on field 'input' (how pixels become the graph's input): "
                    + json + " says " + Normalisation.describe(m.card()) + ", the card inside the graph says " + Normalisation.describe(inside)
                    + "; write both from one card (re-export or re-import the model)");
            }
        }
        return m;
    }

    private static ModelCard readCard(Path file) {
        try {
            return ModelCard.read(file);
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot read the model card: " + e.getMessage());
        } catch (InvalidModelCardException e) {
            throw new ModelLoadException(file, e.getMessage());
        }
    }

    /** The card the trainer writes into the graph's {@code metadata_props}. */
    private static ModelCard embeddedCard(Path onnx) {
        return BigStack.call("ort-card", () -> readEmbeddedCard(onnx));
    }

    private static ModelCard readEmbeddedCard(Path onnx) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            // Only the metadata is wanted: no optimisation, one thread.
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            opts.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(onnx.toString(), opts)) {
                OnnxModelMetadata meta = s.getMetadata();
                String json = meta.getCustomMetadata().get(ModelCard.ONNX_METADATA_KEY);
                if (json == null) {
                    throw new ModelLoadException(onnx, "has no model card: no " + ModelCard.FILE_NAME
                        + " beside it and no '" + ModelCard.ONNX_METADATA_KEY + "' in its metadata (export it with `vggstream export`)");
                }
                return ModelCard.fromJson(json, onnx + " (metadata " + ModelCard.ONNX_METADATA_KEY + ")");
            }
        } catch (OrtException e) {
            throw new ModelLoadException(onnx, "is not a readable ONNX model: " + e.getMessage());
        } catch (InvalidModelCardException e) {
            throw new ModelLoadException(onnx, e.getMessage());
        } catch (UncheckedIOException e) {
            throw new ModelLoadException(onnx, e.getMessage());
        }
    }

    /**
     * The linear head to apply to an image's averaged feature, when the card says {@code head.fusion = features}
     * (a fit-head model on the paper's descriptor); null for every other model. Read from the graph's own head weights
     * ({@code head_weight}, {@code head_bias}, {@code head_epsilon}), which the weights hash already covers, and checked
     * against the card: as many rows as classes, and a feature output to average.
     *
     * @throws ModelLoadException when the card asks for it and the graph lacks the weights or they do not fit
     */
    public io.vggstream.engine.fusion.FeatureHead featureHead() {
        if (card.head() == null || !card.head().fusesFeatures()) {
            return null;
        }
        if (card.io().feature() == null) {
            throw new ModelLoadException(onnx, "its card says head.fusion = features, but names no feature output (io.feature) to average");
        }
        java.util.Map<String, WeightsDigest.FloatTensor> t;
        try {
            t = WeightsDigest.floatTensors(onnx, java.util.Set.of(HEAD_WEIGHT, HEAD_BIAS, HEAD_EPSILON));
        } catch (IOException e) {
            throw new ModelLoadException(onnx, "cannot read its head weights: " + e.getMessage());
        }
        for (String name : List.of(HEAD_WEIGHT, HEAD_BIAS, HEAD_EPSILON)) {
            if (!t.containsKey(name)) {
                throw new ModelLoadException(onnx, "its card says head.fusion = features, but the graph has no float initializer '" + name
                    + "' (write it with vggstream fit-head)");
            }
        }
        long[] dims = t.get(HEAD_WEIGHT).dims();
        float[] w = t.get(HEAD_WEIGHT).values();
        float[] b = t.get(HEAD_BIAS).values();
        float[] eps = t.get(HEAD_EPSILON).values();
        if (dims.length != 2 || dims[0] != card.numClasses() || b.length != card.numClasses() || eps.length != 1) {
            throw new ModelLoadException(onnx, "its head weights do not fit its card: " + HEAD_WEIGHT + " " + java.util.Arrays.toString(dims)
                + ", " + b.length + " biases, " + eps.length + " epsilon values, for " + card.numClasses() + " classes");
        }
        int classes = (int) dims[0];
        int features = (int) dims[1];
        float[][] rows = new float[classes][features];
        for (int k = 0; k < classes; k++) {
            System.arraycopy(w, k * features, rows[k], 0, features);
        }
        try {
            return new io.vggstream.engine.fusion.FeatureHead(rows, b, eps[0]);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(onnx, "its head weights cannot be used: " + e.getMessage());
        }
    }

    /**
     * The model-load event: one INFO line, its fields also as key-values (for JSON logs).
     *
     * @param replacement a hot swap's replacement (logged once it is swapped in), not a model loaded at start
     */
    public void logLoaded(int workers, long loadNanos, long warmNanos, boolean replacement) {
        long loadMs = loadNanos / 1_000_000;
        long warmMs = warmNanos / 1_000_000;
        org.slf4j.LoggerFactory.getLogger(Model.class).atInfo()
            .addKeyValue("event", "model-loaded")
            .addKeyValue("model", name())
            .addKeyValue("file", onnx().toString())
            .addKeyValue("config", card().config())
            .addKeyValue("classes", card().numClasses())
            .addKeyValue("input", Normalisation.describe(card()))
            .addKeyValue("workers", workers)
            .addKeyValue("load_ms", loadMs)
            .addKeyValue("warmup_ms", warmMs)
            .addKeyValue("replacement", replacement)
            .log("model loaded{}: {} from {}, config {}, {} classes, input {}, {} worker session(s); load {} ms, warm-up {} ms",
                replacement ? " (hot swap, now serving)" : "", name(), onnx(), card().config(), card().numClasses(),
                Normalisation.describe(card()), workers, loadMs, warmMs);
    }
}
