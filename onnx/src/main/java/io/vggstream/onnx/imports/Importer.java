package io.vggstream.onnx.imports;

import io.vggstream.onnx.DenseGraph;
import io.vggstream.onnx.OnnxModel;
import io.vggstream.onnx.OnnxReader;
import io.vggstream.topics.card.ModelCard;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The import job: reads a pretrained VGG (torchvision, the ONNX Model Zoo, a Caffe conversion)
 * and writes it in the dense form the engine serves, {@code OUT/model.onnx} and its card
 * {@code OUT/model.json}. docs/importing.md describes what is read and what is refused.
 */
public final class Importer {

    /** The resource with ImageNet's 1,000 class names, one a line (README.md beside it says where from). */
    public static final String IMAGENET_RESOURCE = "imagenet_classes.txt";

    private Importer() {}

    /**
     * Runs the import.
     *
     * @throws ImportException when the graph is not a plain VGG, a node cannot be converted, or an
     *     option contradicts the graph (the message names the node or the flag)
     * @throws IOException when the source cannot be read or the output written
     */
    public static ImportResult run(ImportOptions o) throws IOException {
        long start = System.nanoTime();
        if (!Files.isRegularFile(o.source())) {
            throw new ImportException(o.source() + ": no such file", null);
        }
        OnnxModel model = OnnxReader.read(o.source());
        VggGraph vgg = VggGraph.of(model);
        int classesOut = vgg.fcs().get(2).out();
        List<String> classes = classes(o.classes(), classesOut);

        Layout layout;
        String reason;
        if (o.layout().equalsIgnoreCase("auto")) {
            if (vgg.softmax() != null) {
                layout = Layout.CAFFE;
                reason = "detected: the graph ends in Softmax " + vgg.softmax().describe();
            } else if (vgg.input().equals("data") && vgg.dropout()) {
                layout = Layout.ZOO;
                reason = "detected: input 'data' and Dropout nodes";
            } else {
                layout = Layout.TORCHVISION;
                reason = "detected: input '" + vgg.input() + "', logits out (the default)";
            }
        } else {
            layout = Layout.of(o.layout());
            reason = "given";
        }
        ModelCard.Input input = input(layout.input(), o);

        int crop = 32 * vgg.side();
        if (o.crop() != null && o.crop() != crop) {
            throw new ImportException("--crop " + o.crop() + " contradicts the graph: "
                    + vgg.fcs().get(0).node().describe() + " takes " + vgg.fcs().get(0).in() + " inputs, pool5's "
                    + (vgg.fcs().get(0).in() / (vgg.side() * vgg.side())) + " channels x " + vgg.side() + " x "
                    + vgg.side() + ", so the crop is " + crop, "--crop");
        }
        ModelCard.Scale scale = o.trainScale() != null ? o.trainScale()
                : ModelCard.Scale.fixed(Math.max(crop, ImportOptions.DEFAULT_TRAIN_SCALE));
        if (scale.min() < crop || scale.max() < scale.min()) {
            throw new ImportException("--train-scale " + scale + ": S must be at least the crop (" + crop
                    + ") and Smin <= Smax", "--train-scale");
        }
        StackConfig stack = StackConfig.of(vgg);
        int fc = vgg.fcs().get(0).out();
        if (vgg.fcs().get(1).out() != fc) {
            throw new ImportException(model.file().getFileName() + ": FC1 gives " + fc + " and FC2 "
                    + vgg.fcs().get(1).out() + " features; the card holds one fc width");
        }
        String sourceSha = DenseGraph.fileSha256(o.source());
        String fileName = o.source().getFileName().toString();
        String name = o.name() != null ? o.name() : fileName.replaceFirst("\\.onnx$", "");

        Map<String, String> recipe = new LinkedHashMap<>();
        recipe.put("imported", "true");
        recipe.put("name", name);
        recipe.put("layout", layout.label());
        recipe.put("layout_reason", reason);
        recipe.put("classes", o.classes());
        recipe.put("batch_norm_folded", Boolean.toString(vgg.trunk().stream()
                .anyMatch(t -> t instanceof VggGraph.Conv c && c.bn() != null)));
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("vggstream_import", DenseGraph.versionOf(Importer.class));
        versions.put("source_producer", model.producer().isEmpty() ? "unknown" : model.producer());
        versions.put("source_onnx_ir", Long.toString(model.irVersion()));
        versions.put("source_onnx_opset", Long.toString(model.opset()));
        versions.put("onnx_opset", Integer.toString(DenseGraph.OPSET));
        versions.put("onnx_ir", Long.toString(DenseGraph.IR_VERSION));
        versions.put("java", System.getProperty("java.version"));

        List<Double> meanRgb = meanRgb(input);
        ModelCard.Source source = new ModelCard.Source(fileName, layout.label(), sourceSha);
        ModelCard card = DenseWriter.write(model, vgg, "vgg_" + name.replaceAll("[^A-Za-z0-9_]", "_") + "_dense",
                sha -> new ModelCard(ModelCard.FORMAT_2, stack.config(), stack.width(), fc, classes, meanRgb, crop,
                        scale, new ModelCard.Io(DenseGraph.INPUT, DenseGraph.POSTERIOR, DenseGraph.FEATURE), null,
                        recipe, versions, sha, input, source, stack.stack()),
                o.out());
        return new ImportResult(o.out().resolve(DenseGraph.MODEL_FILE), o.out().resolve(ModelCard.FILE_NAME), card,
                layout, reason, sourceBytes(model), (System.nanoTime() - start) / 1e9);
    }

    /** The layout's preprocessing with the options' overrides. */
    private static ModelCard.Input input(ModelCard.Input preset, ImportOptions o) {
        String order = o.channelOrder() != null ? o.channelOrder().toLowerCase(Locale.ROOT) : preset.channelOrder();
        if (!ModelCard.Input.ORDERS.contains(order)) {
            throw new ImportException("--channel-order must be rgb or bgr, was '" + o.channelOrder() + "'",
                    "--channel-order");
        }
        double scale = o.inputScale() != null ? o.inputScale() : preset.scale();
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new ImportException("--input-scale must be a positive number, was " + o.inputScale(), "--input-scale");
        }
        List<Double> mean = o.mean() != null ? o.mean() : preset.mean();
        List<Double> std = o.std() != null ? o.std() : preset.std();
        if (mean.size() != 3 || mean.stream().anyMatch(v -> v == null || !Double.isFinite(v))) {
            throw new ImportException("--mean needs three numbers a,b,c, was " + mean, "--mean");
        }
        if (std.size() != 3 || std.stream().anyMatch(v -> v == null || !(v > 0) || !Double.isFinite(v))) {
            throw new ImportException("--std needs three positive numbers a,b,c, was " + std, "--std");
        }
        return new ModelCard.Input(order, scale, mean, std);
    }

    /** The mean in 0-255 RGB pixel units: input channel k's mean / scale, put back in R, G, B order. */
    private static List<Double> meanRgb(ModelCard.Input in) {
        double[] rgb = new double[3];
        for (int k = 0; k < 3; k++) {
            int channel = in.bgr() ? 2 - k : k;
            rgb[channel] = in.mean().get(k) / in.scale();
        }
        for (int c = 0; c < 3; c++) {
            if (!(rgb[c] >= 0 && rgb[c] <= 255)) {
                throw new ImportException("--mean " + in.mean() + " at --input-scale " + in.scale()
                        + " is not a pixel mean in 0..255 (" + rgb[c] + " for " + "RGB".charAt(c) + ")", "--mean");
            }
            // six decimals: 0.485 * 255 prints as 123.675, not 123.67499999999998
            rgb[c] = Math.round(rgb[c] * 1e6) / 1e6;
        }
        return List.of(rgb[0], rgb[1], rgb[2]);
    }

    /** ImageNet's names or a file's, as many as the last layer's outputs. */
    static List<String> classes(String spec, int outputs) throws IOException {
        List<String> names;
        String from;
        if (spec.equalsIgnoreCase("imagenet")) {
            try (InputStream in = Importer.class.getResourceAsStream(IMAGENET_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(IMAGENET_RESOURCE + " is missing from the classpath");
                }
                names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                        .filter(s -> !s.isEmpty()).toList();
            }
            from = "ImageNet's list";
        } else {
            Path file = Path.of(spec);
            if (!Files.isRegularFile(file)) {
                throw new ImportException("--classes " + spec + ": neither 'imagenet' nor a file", "--classes");
            }
            names = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
            from = file.toString();
        }
        if (names.size() != outputs) {
            throw new ImportException("the graph's last layer has " + outputs + " outputs, " + from + " names "
                    + names.size() + " classes; pass --classes FILE with one name a line", "--classes");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new ImportException(from + " names class '" + n + "' twice; a card needs distinct names",
                        "--classes");
            }
        }
        return names;
    }


    private static long sourceBytes(OnnxModel model) throws IOException {
        long n = Files.size(model.file());
        Set<String> seen = new LinkedHashSet<>();
        for (OnnxModel.Tensor t : model.graph().initializers().values()) {
            if (t.data() instanceof OnnxModel.External x && seen.add(x.location())) {
                n += Files.size(model.file().toAbsolutePath().getParent().resolve(x.location()).normalize());
            }
        }
        return n;
    }
}
