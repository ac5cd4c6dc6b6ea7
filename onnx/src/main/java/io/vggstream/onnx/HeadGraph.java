package io.vggstream.onnx;

import io.vggstream.onnx.OnnxModel.Attribute;
import io.vggstream.onnx.OnnxModel.Node;
import io.vggstream.onnx.OnnxModel.Tensor;
import io.vggstream.topics.card.ModelCard;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A dense graph with its classifier replaced by a linear head: the base graph's nodes that compute
 * its feature output (FC2 after ReLU, averaged over space) are copied as they are, its class-score
 * branch (FC3, the spatial mean, the softmax) is dropped, and the head is appended:
 * {@code posterior = softmax(W * f / max(||f||_2, eps) + b)}. The feature output stays, so the served
 * model still gives the descriptor. Works on any graph this project writes (the trainer's exports and
 * the imported VGGs share {@link DenseGraph}'s conventions); written through {@link DenseGraph#write}.
 */
public final class HeadGraph {

    /** The L2-normalised feature: what the head reads. */
    public static final String DESCRIPTOR = "descriptor";
    /** The head's weights, {@code [classes, features]}: the engine reads them to apply the head to averaged features. */
    private static final String WEIGHT = ModelCard.Head.WEIGHT_INITIALIZER;
    /** The head's biases, {@code [classes]}. */
    private static final String BIAS = ModelCard.Head.BIAS_INITIALIZER;
    /** The smallest norm divided by, {@code [1]}. */
    private static final String EPSILON = ModelCard.Head.EPSILON_INITIALIZER;

    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_STRING = 3;
    private static final int ATTR_FLOATS = 6;
    private static final int ATTR_INTS = 7;

    private HeadGraph() {}

    /**
     * The linear head.
     *
     * @param weight {@code [classes][features]}, row k scores class k
     * @param bias {@code [classes]}
     * @param epsilon the smallest norm divided by (an all-zero feature stays zero instead of NaN)
     */
    public record Head(float[][] weight, float[] bias, float epsilon) {
        public Head {
            if (weight.length < 2 || bias.length != weight.length) {
                throw new IllegalArgumentException("a head needs two or more classes and one bias each, was "
                        + weight.length + " rows and " + bias.length + " biases");
            }
            for (float[] row : weight) {
                if (row.length != weight[0].length) {
                    throw new IllegalArgumentException("the head's rows differ in length");
                }
            }
        }

        public int classes() {
            return weight.length;
        }

        public int features() {
            return weight[0].length;
        }
    }

    /**
     * Writes {@code out/model.onnx} and {@code out/model.json}: {@code base}'s graph up to its feature
     * output, then {@code head}.
     *
     * @param feature the base graph's feature output (its card's {@code io.feature})
     * @param posterior the name of the new posterior output
     * @throws MalformedOnnxException when the base graph has no such output, is of another opset than
     *     {@link DenseGraph#OPSET}, or holds a node or weight this copy cannot write (named)
     */
    public static ModelCard write(Path base, String feature, String posterior, Head head, Path out,
            Function<String, ModelCard> card) throws IOException {
        OnnxModel model = OnnxReader.read(base);
        if (model.opset() != DenseGraph.OPSET) {
            throw new MalformedOnnxException(base, "is opset " + model.opset() + "; a head is added to the dense graphs"
                    + " this project writes (opset " + DenseGraph.OPSET + "): export or import the model with vggstream");
        }
        List<Node> kept = ancestors(model, feature);
        Set<String> used = new HashSet<>();
        kept.forEach(n -> used.addAll(n.inputs()));
        List<Tensor> weights = model.graph().initializers().values().stream().filter(t -> used.contains(t.name())).toList();
        for (Tensor t : weights) {
            if (t.dataType() != Tensor.FLOAT) {
                throw new MalformedOnnxException(base, "weight '" + t.name() + "' is not float32; the head's copy"
                        + " writes float32 weights only");
            }
        }
        OnnxModel.ValueInfo in = model.graph().inputs().stream()
                .filter(v -> !model.graph().initializers().containsKey(v.name())).findFirst()
                .orElseThrow(() -> new MalformedOnnxException(base, "has no image input"));
        List<Proto> nodes = new ArrayList<>();
        for (Node n : kept) {
            nodes.add(copy(base, n));
        }
        return DenseGraph.write(out, "vggstream-fit-head", DenseGraph.versionOf(HeadGraph.class), sha -> {
            Proto g = new Proto();
            nodes.forEach(n -> g.message(1, n));
            g.message(1, Nodes.node("ReduceL2", "feature_norm", List.of(feature), "feature_norm")
                    .message(5, Nodes.attrInts("axes", 1)).message(5, Nodes.attrInt("keepdims", 1)));
            g.message(1, Nodes.node("Max", "feature_norm_floor", List.of("feature_norm", EPSILON),
                    "feature_norm_floor"));
            g.message(1, Nodes.node("Div", DESCRIPTOR, List.of(feature, "feature_norm_floor"), DESCRIPTOR));
            g.message(1, Nodes.node("Gemm", "head", List.of(DESCRIPTOR, WEIGHT, BIAS), "head_scores")
                    .message(5, Nodes.attrInt("transB", 1)));
            g.message(1, Nodes.node("Softmax", posterior, List.of("head_scores"), posterior)
                    .message(5, Nodes.attrInt("axis", 1)));
            g.string(2, (model.graph().name().isEmpty() ? "vgg" : model.graph().name()) + "_head");
            for (Tensor t : weights) {
                long[] dims = t.dims().stream().mapToLong(Long::longValue).toArray();
                g.message(5, HashedFloats.tensor(t.name(), dims, sha, sink -> {
                    FloatBuffer b = OnnxReader.floats(model, t);
                    float[] chunk = new float[1 << 16];
                    while (b.hasRemaining()) {
                        int k = Math.min(chunk.length, b.remaining());
                        b.get(chunk, 0, k);
                        sink.put(chunk, 0, k);
                    }
                }));
            }
            g.message(5, HashedFloats.tensor(EPSILON, new long[] {1}, sha, sink -> sink.put(head.epsilon())));
            g.message(5, HashedFloats.tensor(WEIGHT, new long[] {head.classes(), head.features()}, sha, sink -> {
                for (float[] row : head.weight()) {
                    sink.put(row);
                }
            }));
            g.message(5, HashedFloats.tensor(BIAS, new long[] {head.classes()}, sha, sink -> sink.put(head.bias())));
            g.message(11, Nodes.valueInfo(in.name(), "N", 3L, "H", "W"));
            g.message(12, Nodes.valueInfo(posterior, "N", (long) head.classes()));
            g.message(12, Nodes.valueInfo(feature, "N", (long) head.features()));
            return g;
        }, card);
    }

    /** The nodes {@code output} depends on, in graph order. */
    private static List<Node> ancestors(OnnxModel model, String output) throws MalformedOnnxException {
        Map<String, Node> producer = new HashMap<>();
        for (Node n : model.graph().nodes()) {
            n.outputs().forEach(o -> producer.put(o, n));
        }
        if (!producer.containsKey(output)) {
            throw new MalformedOnnxException(model.file(), "has no node writing '" + output
                    + "' (the card's io.feature); outputs written: " + producer.keySet().stream().sorted().toList());
        }
        Set<Node> needed = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(output));
        while (!todo.isEmpty()) {
            Node n = producer.get(todo.poll());
            if (n != null && needed.add(n)) {
                todo.addAll(n.inputs());
            }
        }
        List<Node> ordered = new ArrayList<>();
        for (Node n : model.graph().nodes()) {
            if (needed.contains(n)) {
                ordered.add(n);
            }
        }
        return ordered;
    }

    private static Proto copy(Path base, Node n) throws MalformedOnnxException {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            throw new MalformedOnnxException(base, n.describe() + " is of domain '" + n.domain() + "'; the copy writes"
                    + " default-domain nodes only");
        }
        Proto p = new Proto();
        n.inputs().forEach(i -> p.string(1, i));
        n.outputs().forEach(o -> p.string(2, o));
        p.string(3, n.name()).string(4, n.opType());
        for (Attribute a : n.attributes().values()) {
            Proto attr = switch (a.type()) {
                case ATTR_FLOAT -> Nodes.attrFloat(a.name(), a.f());
                case ATTR_INT -> Nodes.attrInt(a.name(), a.i());
                case ATTR_STRING -> Nodes.attrString(a.name(), a.s());
                case ATTR_FLOATS -> {
                    float[] f = new float[a.floats().size()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = a.floats().get(i);
                    }
                    yield Nodes.attrFloats(a.name(), f);
                }
                case ATTR_INTS -> Nodes.attrInts(a.name(), a.ints().stream().mapToLong(Long::longValue).toArray());
                default -> null;
            };
            if (attr == null) {
                throw new MalformedOnnxException(base, n.describe() + "'s attribute '" + a.name()
                        + "' is of type " + a.type() + "; the copy writes float, int, string and their lists");
            }
            p.message(5, attr);
        }
        return p;
    }
}
