package io.vggstream.topics.card;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The contract between the trainer and the engine: everything needed to feed an exported VGG
 * graph and to read its answers. It travels as {@code model.json} beside {@code model.onnx} and,
 * identical, inside the ONNX file under the metadata key {@link #ONNX_METADATA_KEY}.
 *
 * <p>The graph's input is {@code [N, 3, H, W]} float32, normalised as {@link #normalisation()} says
 * (for the trainer's own exports: RGB in 0-255 pixel units with {@link #meanRgb()} subtracted); H and
 * W are symbolic and must be at least {@link #crop()}. The paper's single-scale test rescales the
 * smallest side to {@link Scale#testScale()}.
 *
 * <p>Two formats: {@link #FORMAT} ({@code /1}) and {@link #FORMAT_2} ({@code /2}). A card with an
 * {@code input} block, a {@code source} or a custom stack must say {@code /2}, so that an engine that
 * predates those fields refuses the card instead of feeding the graph the wrong pixels.
 *
 * @param format schema tag, always {@link #FORMAT}
 * @param config the paper's configuration letter: A, A-LRN, B, C, D or E
 * @param width multiplier of the conv channels (1 = the paper's 64..512)
 * @param fc width of FC1 and FC2 (4096 in the paper); also the length of the feature output
 * @param classes class names; the index is the class id in the posterior
 * @param meanRgb per-channel training-set mean, R, G, B, in 0-255 pixel units
 * @param crop training crop side (a multiple of 32); FC1 is a (crop/32)x(crop/32) conv
 * @param trainingScale the training scale S: fixed (min == max) or jittered in [min, max]
 * @param io names of the graph's input and outputs
 * @param accuracy measured accuracy on a held-out set, or null when not measured
 * @param recipe every training flag, as given or defaulted
 * @param versions library versions that produced the weights (DJL, PyTorch, opset, ...)
 * @param weightsSha256 SHA-256 (hex) of the weights as stored in the ONNX initializers
 * @param input how pixels become the graph's input; null means the /1 convention (RGB, 0-255,
 *     {@code mean_rgb} subtracted, no division)
 * @param source the file a model was imported from; null for the trainer's own exports
 * @param stack the conv stack layer by layer (e.g. {@code conv3-64}, {@code pool}) when
 *     {@code config} is {@code custom}; null otherwise
 * @param head the linear head {@code vggstream fit-head} put on a base model's features; null otherwise
 * @param quantization how the graph was quantized ({@code vggstream quantize}); null for a float32 graph
 */
@JsonPropertyOrder({
    "format", "config", "width", "fc", "classes", "mean_rgb", "crop", "training_scale", "io",
    "accuracy", "recipe", "versions", "weights_sha256", "input", "source", "stack", "head",
    "quantization"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCard(
        @JsonProperty("format") String format,
        @JsonProperty("config") String config,
        @JsonProperty("width") double width,
        @JsonProperty("fc") int fc,
        @JsonProperty("classes") List<String> classes,
        @JsonProperty("mean_rgb") List<Double> meanRgb,
        @JsonProperty("crop") int crop,
        @JsonProperty("training_scale") Scale trainingScale,
        @JsonProperty("io") Io io,
        @JsonProperty("accuracy") Accuracy accuracy,
        @JsonProperty("recipe") Map<String, String> recipe,
        @JsonProperty("versions") Map<String, String> versions,
        @JsonProperty("weights_sha256") String weightsSha256,
        @JsonProperty("input") Input input,
        @JsonProperty("source") Source source,
        @JsonProperty("stack") List<String> stack,
        @JsonProperty("head") Head head,
        @JsonProperty("quantization") Quantization quantization) {

    /** Schema tag of the trainer's cards (no input block, no source, a paper configuration). */
    public static final String FORMAT = "vggstream-model-card/1";

    /** Schema tag of cards that carry an input block, a source or a custom stack. */
    public static final String FORMAT_2 = "vggstream-model-card/2";

    /** The config of an imported conv stack that is none of the paper's; {@code stack} lists it. */
    public static final String CUSTOM = "custom";

    /** Metadata key under which the card's JSON travels inside the ONNX file. */
    public static final String ONNX_METADATA_KEY = "vggstream.model_card";

    /** Conventional file name of the card beside the ONNX file. */
    public static final String FILE_NAME = "model.json";

    /** The paper's configuration letters, and B-5x5: B's shallow twin with 5x5 convs (the paper's Sect. 4.1). */
    public static final Set<String> CONFIGS = Set.of("A", "A-LRN", "B", "C", "D", "E", "B-5x5");

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** A card in the /1 form: no input block, no source, a paper configuration. */
    public ModelCard(String format, String config, double width, int fc, List<String> classes, List<Double> meanRgb,
            int crop, Scale trainingScale, Io io, Accuracy accuracy, Map<String, String> recipe,
            Map<String, String> versions, String weightsSha256) {
        this(format, config, width, fc, classes, meanRgb, crop, trainingScale, io, accuracy, recipe, versions,
                weightsSha256, null, null, null, null, null);
    }

    /** A card without a head or a quantization block. */
    public ModelCard(String format, String config, double width, int fc, List<String> classes, List<Double> meanRgb,
            int crop, Scale trainingScale, Io io, Accuracy accuracy, Map<String, String> recipe,
            Map<String, String> versions, String weightsSha256, Input input, Source source, List<String> stack) {
        this(format, config, width, fc, classes, meanRgb, crop, trainingScale, io, accuracy, recipe, versions,
                weightsSha256, input, source, stack, null, null);
    }

    /** A card with a head block and no quantization block (a float32 graph). */
    public ModelCard(String format, String config, double width, int fc, List<String> classes, List<Double> meanRgb,
            int crop, Scale trainingScale, Io io, Accuracy accuracy, Map<String, String> recipe,
            Map<String, String> versions, String weightsSha256, Input input, Source source, List<String> stack,
            Head head) {
        this(format, config, width, fc, classes, meanRgb, crop, trainingScale, io, accuracy, recipe, versions,
                weightsSha256, input, source, stack, head, null);
    }

    /**
     * This card for a quantized graph: {@code q} as its quantization block, format /2, the new
     * weights' hash {@code sha}, and {@code measured} as its accuracy (null when the int8 graph was not
     * measured: the float32 graph's accuracy is not the int8 graph's).
     */
    public ModelCard quantized(Quantization q, Accuracy measured, String sha) {
        return new ModelCard(FORMAT_2, config, width, fc, classes, meanRgb, crop, trainingScale, io, measured, recipe,
                versions, sha, input, source, stack, head, q);
    }

    /** Copies the collections, so a card is immutable once built. */
    public ModelCard {
        classes = classes == null ? null : List.copyOf(classes);
        stack = stack == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(stack));
        meanRgb = meanRgb == null ? null : List.copyOf(meanRgb);
        recipe = recipe == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(recipe));
        versions = versions == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    }

    /**
     * The training scale S.
     *
     * @param min smallest side S (or Smin when jittered)
     * @param max Smax; equal to min for a fixed S
     */
    @JsonPropertyOrder({"min", "max"})
    public record Scale(@JsonProperty("min") int min, @JsonProperty("max") int max) {

        /** A fixed training scale S. */
        public static Scale fixed(int s) {
            return new Scale(s, s);
        }

        /** True when S was sampled per image in [min, max]. */
        public boolean jittered() {
            return min != max;
        }

        /** The paper's single test scale Q: S for a fixed S, (Smin + Smax) / 2 when jittered. */
        public int testScale() {
            return (min + max) / 2;
        }

        @Override
        public String toString() {
            return jittered() ? min + ":" + max : Integer.toString(min);
        }
    }

    /**
     * How a decoded image's pixels (0-255 per channel) become the graph's input. For the input
     * channel k, taken from the image's channel {@code channelOrder.charAt(k)}:
     * {@code x = (pixel * scale - mean[k]) / std[k]}. Mean and std are listed in the input's
     * channel order. torchvision: rgb, 1/255, mean 0.485/0.456/0.406, std 0.229/0.224/0.225.
     * The Caffe release: bgr, 1, mean 103.939/116.779/123.68, std 1/1/1.
     *
     * @param channelOrder {@code rgb} or {@code bgr}: which image channel feeds input channel 0, 1, 2
     * @param scale multiplies the 0-255 pixel before the mean is subtracted
     * @param mean per input channel, in scaled units
     * @param std per input channel, positive
     */
    @JsonPropertyOrder({"channel_order", "scale", "mean", "std"})
    public record Input(
            @JsonProperty("channel_order") String channelOrder,
            @JsonProperty("scale") double scale,
            @JsonProperty("mean") List<Double> mean,
            @JsonProperty("std") List<Double> std) {

        /** The channel orders a card may name. */
        public static final Set<String> ORDERS = Set.of("rgb", "bgr");

        /** Copies the lists. */
        public Input {
            mean = mean == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(mean));
            std = std == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(std));
        }

        /** The /1 convention: RGB, 0-255, the given mean subtracted, no division. */
        public static Input pixelsMinus(List<Double> meanRgb) {
            return new Input("rgb", 1.0, meanRgb, List.of(1.0, 1.0, 1.0));
        }

        /** True when input channel 0 is the image's blue channel. */
        public boolean bgr() {
            return "bgr".equals(channelOrder);
        }
    }

    /**
     * The file a model was imported from.
     *
     * @param file the source file's name (no folder)
     * @param layout the exporter's layout: {@code torchvision}, {@code zoo} or {@code caffe}
     * @param sha256 SHA-256 (hex) of the source file's bytes
     */
    @JsonPropertyOrder({"file", "layout", "sha256"})
    public record Source(
            @JsonProperty("file") String file,
            @JsonProperty("layout") String layout,
            @JsonProperty("sha256") String sha256) {}

    /**
     * Names of the graph's tensors.
     *
     * @param input {@code [N, 3, H, W]} float32, normalised as {@link ModelCard#normalisation()} says
     * @param posterior {@code [N, classes]} softmax of the spatially averaged class-score map
     * @param feature {@code [N, fc]} FC2 activations (after ReLU), spatially averaged
     */
    @JsonPropertyOrder({"input", "posterior", "feature"})
    public record Io(
            @JsonProperty("input") String input,
            @JsonProperty("posterior") String posterior,
            @JsonProperty("feature") String feature) {}

    /**
     * Accuracy measured on a held-out set with the exported graph's computation (dense
     * evaluation at a single scale).
     *
     * @param dataset what was measured, e.g. {@code fashion-mnist} or a folder
     * @param split which part, e.g. {@code test} or {@code val}
     * @param images how many images were scored
     * @param top1 fraction of images whose top class is right, in [0, 1]
     * @param top5 fraction whose right class is among the top five, in [0, 1]
     * @param testScale Q, the smallest side the images were rescaled to
     * @param protocol how the images were scored, in words (the trainer's {@code DenseEvaluation.PROTOCOL});
     *     null in cards written before it was recorded
     */
    @JsonPropertyOrder({"dataset", "split", "images", "top1", "top5", "test_scale", "protocol"})
    public record Accuracy(
            @JsonProperty("dataset") String dataset,
            @JsonProperty("split") String split,
            @JsonProperty("images") long images,
            @JsonProperty("top1") double top1,
            @JsonProperty("top5") double top5,
            @JsonProperty("test_scale") int testScale,
            @JsonProperty("protocol") String protocol) {}

    /**
     * A linear head fitted on a base model's descriptors ({@code vggstream fit-head}): the card's
     * classes are the head's, its {@code accuracy} the served model's, measured through the engine.
     *
     * @param baseModel the base model's folder or file name, as given
     * @param baseSha256 SHA-256 (hex) of the base model's {@code model.onnx} file bytes
     * @param baseWeightsSha256 the base card's {@code weights_sha256}
     * @param classifier {@code logistic} (L2-regularised logistic regression) or {@code svm} (L2-regularised linear SVM)
     * @param library the solver, e.g. {@code de.bwaldvogel:liblinear 2.44}
     * @param c the regularisation constant C used
     * @param cSearch how C was chosen, in words (cross-validation folds and the grid, or {@code given})
     * @param cvAccuracy the cross-validated accuracy of the chosen C on the training descriptors, or null when C was given
     * @param descriptor how the descriptor is made, in words
     * @param trainImages descriptors the head was fitted on
     * @param skipped images that could not be read or decoded and were left out (training and measurement)
     * @param fusion how the engine fuses an image's variants for this head: {@code posteriors} (each variant through
     *     the graph's head, their posteriors averaged; what a card without the field means) or {@code features} (the
     *     variants' feature outputs averaged, then the head: the paper's descriptor, as it was fitted)
     */
    @JsonPropertyOrder({"base_model", "base_sha256", "base_weights_sha256", "classifier", "library", "c", "c_search",
        "cv_accuracy", "descriptor", "train_images", "skipped", "fusion"})
    public record Head(
            @JsonProperty("base_model") String baseModel,
            @JsonProperty("base_sha256") String baseSha256,
            @JsonProperty("base_weights_sha256") String baseWeightsSha256,
            @JsonProperty("classifier") String classifier,
            @JsonProperty("library") String library,
            @JsonProperty("c") double c,
            @JsonProperty("c_search") String cSearch,
            @JsonProperty("cv_accuracy") Double cvAccuracy,
            @JsonProperty("descriptor") String descriptor,
            @JsonProperty("train_images") long trainImages,
            @JsonProperty("skipped") long skipped,
            @JsonProperty("fusion") String fusion) {

        /** Each variant through the head, the posteriors averaged (the engine's usual fusion). */
        public static final String FUSION_POSTERIORS = "posteriors";
        /** The variants' features averaged, L2-normalised, then the head (the paper's descriptor). */
        public static final String FUSION_FEATURES = "features";
        /**
         * The graph's initializers that hold the head, {@code [classes, features]}, {@code [classes]} and {@code [1]}:
         * fit-head writes them, and the engine reads them when the head fuses features.
         */
        public static final String WEIGHT_INITIALIZER = "head_weight";
        public static final String BIAS_INITIALIZER = "head_bias";
        public static final String EPSILON_INITIALIZER = "head_epsilon";

        /** Whether the engine must average the variants' features before the head, not the head's posteriors. */
        @JsonIgnore
        public boolean fusesFeatures() {
            return FUSION_FEATURES.equals(fusion);
        }
    }

    /**
     * How the graph was quantized by {@code vggstream quantize}: QuantizeLinear / DequantizeLinear
     * around the convolutions (the FC convs included), weights per output channel, activations per
     * tensor with ranges calibrated on real images.
     *
     * @param method how activation ranges were chosen from the calibration: {@code minmax},
     *     {@code percentile} or {@code entropy}
     * @param calibration the calibration set ({@code fashion-mnist train}, or a folder)
     * @param images how many calibration images were run
     * @param weights the weights' scheme, e.g. {@code int8 per output channel, symmetric}
     * @param weightBits bits per weight
     * @param activations the activations' scheme, e.g. {@code uint8 per tensor, asymmetric}
     * @param activationBits bits per activation
     * @param fp32Layers the convolutions left in float32 (empty when all are quantized)
     * @param fp32 the float32 graph's accuracy, or null when not measured
     * @param int8 this graph's accuracy with the same protocol and images, or null when not measured
     */
    @JsonPropertyOrder({"method", "calibration", "images", "weights", "weight_bits", "activations", "activation_bits",
        "fp32_layers", "fp32", "int8"})
    public record Quantization(
            @JsonProperty("method") String method,
            @JsonProperty("calibration") String calibration,
            @JsonProperty("images") int images,
            @JsonProperty("weights") String weights,
            @JsonProperty("weight_bits") int weightBits,
            @JsonProperty("activations") String activations,
            @JsonProperty("activation_bits") int activationBits,
            @JsonProperty("fp32_layers") List<String> fp32Layers,
            @JsonProperty("fp32") Accuracy fp32,
            @JsonProperty("int8") Accuracy int8) {

        /** The calibration methods a card may name. */
        public static final Set<String> METHODS = Set.of("minmax", "percentile", "entropy");

        /** Copies the list. */
        public Quantization {
            fp32Layers = fp32Layers == null ? null : List.copyOf(fp32Layers);
        }
    }

    /** How pixels become the graph's input: the card's input block, or the /1 convention. */
    public Input normalisation() {
        return input != null ? input : Input.pixelsMinus(meanRgb);
    }

    /** The number of classes, the posterior's length. */
    public int numClasses() {
        return classes.size();
    }

    /** The card as indented JSON. */
    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write model card: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes the card as JSON to {@code file}, after validating it. */
    public void write(Path file) throws IOException {
        validate(file.toString());
        Files.writeString(file, toJson() + System.lineSeparator());
    }

    /**
     * Reads and validates a card from a {@code model.json}.
     *
     * @throws InvalidModelCardException naming the file and the field when the card is malformed
     * @throws IOException when the file cannot be read
     */
    public static ModelCard read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException(file + ": no model card there");
        }
        return fromJson(Files.readString(file), file.toString());
    }

    /**
     * Parses and validates a card.
     *
     * @param json the card's JSON
     * @param source where it came from (a file name, or an ONNX file's metadata), for messages
     * @throws InvalidModelCardException naming {@code source} and the field when malformed
     */
    public static ModelCard fromJson(String json, String source) {
        ModelCard card;
        try {
            card = MAPPER.readValue(json, ModelCard.class);
        } catch (JsonProcessingException e) {
            String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException m
                    ? m.getPath().stream()
                            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                            .reduce((a, b) -> a + "." + b).orElse("")
                    : "";
            throw new InvalidModelCardException(source, field.isEmpty() ? "(document)" : field,
                    "is not valid JSON for a model card: " + e.getOriginalMessage(), e);
        }
        if (card == null) {
            throw new InvalidModelCardException(source, "(document)", "is empty");
        }
        card.validate(source);
        return card;
    }

    /**
     * Checks every field.
     *
     * @param source named in the message of the exception
     * @throws InvalidModelCardException naming {@code source} and the first bad field
     */
    public ModelCard validate(String source) {
        require(source, "format", FORMAT.equals(format) || FORMAT_2.equals(format),
                "must be \"" + FORMAT + "\" or \"" + FORMAT_2 + "\", was " + quote(format));
        boolean v2 = input != null || this.source != null || stack != null || CUSTOM.equals(config)
                || quantization != null;
        require(source, "format", !v2 || FORMAT_2.equals(format),
                "must be \"" + FORMAT_2 + "\" when the card has input, source, a custom stack or quantization, was "
                        + quote(format));
        require(source, "format", head == null || FORMAT_2.equals(format),
                "must be \"" + FORMAT_2 + "\" when the card has a head, was " + quote(format));
        require(source, "config", config != null && (CONFIGS.contains(config) || CUSTOM.equals(config)),
                "must be one of A, A-LRN, B, C, D, E, B-5x5, custom, was " + quote(config));
        require(source, "stack", CUSTOM.equals(config) == (stack != null && !stack.isEmpty()),
                "must list the layers when (and only when) config is custom, was " + stack);
        if (stack != null) {
            for (int i = 0; i < stack.size(); i++) {
                require(source, "stack[" + i + "]", nonBlank(stack.get(i)), "must name a layer");
            }
        }
        require(source, "width", width > 0 && width <= 1 && Double.isFinite(width),
                "must be in (0, 1], was " + width);
        require(source, "fc", fc > 0, "must be positive, was " + fc);
        require(source, "classes", classes != null && !classes.isEmpty(), "must name at least one class");
        for (int i = 0; i < classes.size(); i++) {
            String name = classes.get(i);
            require(source, "classes[" + i + "]", name != null && !name.isBlank(), "must be a non-empty name");
        }
        require(source, "classes", classes.stream().distinct().count() == classes.size(),
                "must not repeat a name");
        require(source, "mean_rgb", meanRgb != null && meanRgb.size() == 3,
                "must hold three numbers (R, G, B), was " + meanRgb);
        for (int c = 0; c < 3; c++) {
            Double v = meanRgb.get(c);
            require(source, "mean_rgb[" + c + "]", v != null && v >= 0 && v <= 255,
                    "must be in [0, 255] (pixel units), was " + v);
        }
        require(source, "crop", crop >= 32 && crop % 32 == 0, "must be a positive multiple of 32, was " + crop);
        require(source, "training_scale", trainingScale != null, "is missing");
        require(source, "training_scale.min", trainingScale.min() >= crop,
                "must be at least the crop (" + crop + "), was " + trainingScale.min());
        require(source, "training_scale.max", trainingScale.max() >= trainingScale.min(),
                "must be at least training_scale.min (" + trainingScale.min() + "), was " + trainingScale.max());
        require(source, "io", io != null, "is missing");
        require(source, "io.input", nonBlank(io.input()), "must name the input tensor");
        require(source, "io.posterior", nonBlank(io.posterior()), "must name the posterior output");
        require(source, "io.feature", nonBlank(io.feature()), "must name the feature output");
        if (accuracy != null) {
            require(source, "accuracy.top1", accuracy.top1() >= 0 && accuracy.top1() <= 1,
                    "must be a fraction in [0, 1], was " + accuracy.top1());
            require(source, "accuracy.top5", accuracy.top5() >= accuracy.top1() && accuracy.top5() <= 1,
                    "must be a fraction in [top1, 1], was " + accuracy.top5());
            require(source, "accuracy.images", accuracy.images() > 0, "must be positive, was " + accuracy.images());
            require(source, "accuracy.test_scale", accuracy.testScale() >= crop,
                    "must be at least the crop (" + crop + "), was " + accuracy.testScale());
            require(source, "accuracy.dataset", nonBlank(accuracy.dataset()), "must name what was measured");
            require(source, "accuracy.split", nonBlank(accuracy.split()), "must name the split measured");
        }
        require(source, "recipe", recipe != null, "is missing");
        require(source, "versions", versions != null, "is missing");
        require(source, "weights_sha256", weightsSha256 != null && SHA256.matcher(weightsSha256).matches(),
                "must be 64 lower-case hex digits, was " + quote(weightsSha256));
        if (input != null) {
            require(source, "input.channel_order", input.channelOrder() != null
                    && Input.ORDERS.contains(input.channelOrder()), "must be rgb or bgr, was " + quote(input.channelOrder()));
            require(source, "input.scale", input.scale() > 0 && Double.isFinite(input.scale()),
                    "must be a positive number, was " + input.scale());
            require(source, "input.mean", input.mean() != null && input.mean().size() == 3,
                    "must hold three numbers, was " + input.mean());
            require(source, "input.std", input.std() != null && input.std().size() == 3,
                    "must hold three numbers, was " + input.std());
            for (int c = 0; c < 3; c++) {
                Double m = input.mean().get(c);
                Double d = input.std().get(c);
                require(source, "input.mean[" + c + "]", m != null && Double.isFinite(m), "must be a number, was " + m);
                require(source, "input.std[" + c + "]", d != null && d > 0 && Double.isFinite(d),
                        "must be a positive number, was " + d);
            }
        }
        if (this.source != null) {
            require(source, "source.file", nonBlank(this.source.file()), "must name the imported file");
            require(source, "source.layout", nonBlank(this.source.layout()), "must name the layout");
            require(source, "source.sha256", this.source.sha256() != null
                    && SHA256.matcher(this.source.sha256()).matches(),
                    "must be 64 lower-case hex digits, was " + quote(this.source.sha256()));
        }
        if (head != null) {
            require(source, "head.base_sha256", head.baseSha256() != null && SHA256.matcher(head.baseSha256()).matches(),
                    "must be 64 lower-case hex digits, was " + quote(head.baseSha256()));
            require(source, "head.base_weights_sha256", head.baseWeightsSha256() != null
                    && SHA256.matcher(head.baseWeightsSha256()).matches(),
                    "must be 64 lower-case hex digits, was " + quote(head.baseWeightsSha256()));
            require(source, "head.classifier", "logistic".equals(head.classifier()) || "svm".equals(head.classifier()),
                    "must be logistic or svm, was " + quote(head.classifier()));
            require(source, "head.c", head.c() > 0 && Double.isFinite(head.c()), "must be a positive number, was " + head.c());
            require(source, "head.cv_accuracy", head.cvAccuracy() == null
                    || (head.cvAccuracy() >= 0 && head.cvAccuracy() <= 1), "must be a fraction in [0, 1], was " + head.cvAccuracy());
            require(source, "head.train_images", head.trainImages() > 0, "must be positive, was " + head.trainImages());
            require(source, "head.skipped", head.skipped() >= 0, "must not be negative, was " + head.skipped());
            require(source, "head.base_model", nonBlank(head.baseModel()), "must name the base model");
            require(source, "head.library", nonBlank(head.library()), "must name the solver");
            require(source, "head.c_search", nonBlank(head.cSearch()), "must say how C was chosen");
            require(source, "head.descriptor", nonBlank(head.descriptor()), "must say how the descriptor is made");
            require(source, "head.fusion", head.fusion() == null || Head.FUSION_POSTERIORS.equals(head.fusion())
                    || Head.FUSION_FEATURES.equals(head.fusion()), "must be posteriors or features, was " + quote(head.fusion()));
        }
        if (quantization != null) {
            validateQuantization(source);
        }
        return this;
    }

    private void validateQuantization(String source) {
        Quantization q = quantization;
        require(source, "quantization.method", q.method() != null && Quantization.METHODS.contains(q.method()),
                "must be minmax, percentile or entropy, was " + quote(q.method()));
        require(source, "quantization.calibration", nonBlank(q.calibration()), "must name the calibration set");
        require(source, "quantization.images", q.images() > 0, "must be positive, was " + q.images());
        require(source, "quantization.weights", nonBlank(q.weights()), "must name the weights' scheme");
        require(source, "quantization.weight_bits", q.weightBits() == 8, "must be 8, was " + q.weightBits());
        require(source, "quantization.activations", nonBlank(q.activations()), "must name the activations' scheme");
        require(source, "quantization.activation_bits", q.activationBits() == 8, "must be 8, was " + q.activationBits());
        require(source, "quantization.fp32_layers", q.fp32Layers() != null, "must list the float32 layers (empty for none)");
        for (String which : List.of("fp32", "int8")) {
            Accuracy a = which.equals("fp32") ? q.fp32() : q.int8();
            if (a != null) {
                String f = "quantization." + which;
                require(source, f + ".top1", a.top1() >= 0 && a.top1() <= 1, "must be a fraction in [0, 1], was " + a.top1());
                require(source, f + ".top5", a.top5() >= a.top1() && a.top5() <= 1,
                        "must be a fraction in [top1, 1], was " + a.top5());
                require(source, f + ".images", a.images() > 0, "must be positive, was " + a.images());
                require(source, f + ".dataset", nonBlank(a.dataset()), "must name what was measured");
                require(source, f + ".protocol", nonBlank(a.protocol()), "must name the protocol");
            }
        }
        require(source, "quantization.int8", (q.fp32() == null) == (q.int8() == null),
                "must be given with quantization.fp32 (both measured the same way, or neither)");
    }

    private static boolean nonBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }

    private static void require(String source, String field, boolean ok, String problem) {
        if (!ok) {
            throw new InvalidModelCardException(source, field, problem);
        }
    }

    /** A card that fails validation; the message names the source and the field. */
    public static final class InvalidModelCardException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String source;
        private final String field;

        InvalidModelCardException(String source, String field, String problem) {
            this(source, field, problem, null);
        }

        InvalidModelCardException(String source, String field, String problem, Throwable cause) {
            super(Objects.requireNonNullElse(source, "model card") + ": field '" + field + "' " + problem, cause);
            this.source = source;
            this.field = field;
        }

        /** Where the card came from. */
        public String source() {
            return source;
        }

        /** The offending field, e.g. {@code crop} or {@code mean_rgb[2]}. */
        public String field() {
            return field;
        }
    }
}
