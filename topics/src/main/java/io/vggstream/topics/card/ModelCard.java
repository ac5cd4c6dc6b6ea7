package io.vggstream.topics.card;

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
 * <p>The graph's input is {@code [N, 3, H, W]} float32 RGB in 0-255 pixel units with
 * {@link #meanRgb()} already subtracted; H and W are symbolic and must be at least {@link #crop()}.
 * The paper's single-scale test rescales the smallest side to {@link Scale#testScale()}.
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
 */
@JsonPropertyOrder({
    "format", "config", "width", "fc", "classes", "mean_rgb", "crop", "training_scale", "io",
    "accuracy", "recipe", "versions", "weights_sha256"})
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
        @JsonProperty("weights_sha256") String weightsSha256) {

    /** Schema tag written into every card; a reader refuses any other. */
    public static final String FORMAT = "vggstream-model-card/1";

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

    /** Copies the collections, so a card is immutable once built. */
    public ModelCard {
        classes = classes == null ? null : List.copyOf(classes);
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
     * Names of the graph's tensors.
     *
     * @param input {@code [N, 3, H, W]} float32, mean-subtracted RGB in 0-255 units
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
     * @param protocol how the images were scored, in words (the trainer's {@code Evaluation.PROTOCOL});
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
        require(source, "format", FORMAT.equals(format), "must be \"" + FORMAT + "\", was " + quote(format));
        require(source, "config", config != null && CONFIGS.contains(config),
                "must be one of A, A-LRN, B, C, D, E, B-5x5, was " + quote(config));
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
        return this;
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
