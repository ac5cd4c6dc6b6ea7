package io.vggstream.onnx.imports;

import io.vggstream.onnx.OnnxModel;
import io.vggstream.onnx.OnnxModel.Node;
import io.vggstream.onnx.OnnxModel.Tensor;
import io.vggstream.onnx.OnnxModel.ValueInfo;
import io.vggstream.onnx.OnnxReader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A classic VGG read from an ONNX graph: the conv stack (convs with their folded
 * BatchNormalization, max-pools), the three fully connected layers, and what the exporter left
 * around them (Dropout, Softmax, the 1x1 average pool torchvision writes for its 7x7 adaptive
 * pool). The graph must be one chain from its input to its output; a node that is not part of
 * such a chain, or that the dense form cannot reproduce, is refused naming the node and why.
 *
 * @param input the graph's image input
 * @param trunk convs and pools in order
 * @param fcs FC1, FC2, FC3
 * @param softmax the trailing Softmax, or null
 * @param dropout whether the graph has Dropout nodes
 * @param side pool5's side at the training crop: FC1's input is (pool5 channels) x side x side
 */
record VggGraph(String input, List<Trunk> trunk, List<Fc> fcs, Node softmax, boolean dropout, int side) {

    /** A layer of the conv stack. */
    sealed interface Trunk {}

    /** A conv (k x k, stride 1, same padding), its optional bias and the BatchNormalization folded into it. */
    record Conv(Node node, Tensor weight, Tensor bias, Bn bn, int in, int out, int kernel) implements Trunk {}

    /** A 2x2 max-pool, stride 2. */
    record Pool(Node node) implements Trunk {}

    /** BatchNormalization's scale, bias, running mean and variance, epsilon. */
    record Bn(Node node, Tensor scale, Tensor bias, Tensor mean, Tensor var, float epsilon) {}

    /** A Gemm: {@code y = alpha * A * op(B) + beta * C}, op transposing when transB. */
    record Fc(Node node, Tensor b, Tensor c, float alpha, float beta, boolean transB, int in, int out) {}

    /** The ops a shape computation feeding Reshape may use (torch's older exporters wrote such chains). */
    private static final Set<String> SHAPE_OPS = Set.of("Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast",
            "Slice", "Constant", "Identity");

    static final int MIN_OPSET = 7;
    static final int MAX_OPSET = 18;

    /** Reads the VGG in {@code model}, or refuses it. */
    static VggGraph of(OnnxModel model) throws IOException {
        long opset = model.opset();
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new ImportException(model.file() + ": opset " + opset + "; the import reads opsets " + MIN_OPSET
                    + " to " + MAX_OPSET);
        }
        OnnxModel.Graph g = model.graph();
        Map<String, Tensor> consts = new HashMap<>(g.initializers());
        for (Node n : g.nodes()) {
            if (n.opType().equals("Constant") && n.attribute("value") != null && n.attribute("value").t() != null
                    && n.outputs().size() == 1) {
                consts.put(n.outputs().get(0), n.attribute("value").t());
            }
        }
        // IR 3 lists the initializers among the inputs: the image is the one input that is not a weight
        List<ValueInfo> images = g.inputs().stream().filter(v -> !consts.containsKey(v.name())).toList();
        if (images.size() != 1) {
            throw new ImportException(model.file() + ": the graph has " + images.size() + " inputs besides its weights "
                    + images.stream().map(ValueInfo::name).toList() + "; a VGG has one, the image");
        }
        Set<Node> shapeOnly = shapeOnly(g, consts);
        Map<String, List<Node>> consumers = new HashMap<>();
        for (Node n : g.nodes()) {
            if (shapeOnly.contains(n)) {
                continue;
            }
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        return new Walk(model, consts, consumers).run(images.get(0).name(), g.nodes(), shapeOnly);
    }

    /** Nodes that only compute a Reshape's target shape (and Constants): read, not part of the chain. */
    private static Set<Node> shapeOnly(OnnxModel.Graph g, Map<String, Tensor> consts) {
        Map<String, Node> producer = new HashMap<>();
        for (Node n : g.nodes()) {
            for (String out : n.outputs()) {
                producer.put(out, n);
            }
        }
        Set<Node> result = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        for (Node n : g.nodes()) {
            if (n.opType().equals("Constant")) {
                result.add(n);
            }
            if (n.opType().equals("Reshape") && n.inputs().size() > 1) {
                todo.add(n.inputs().get(1));
            }
        }
        while (!todo.isEmpty()) {
            Node p = producer.get(todo.poll());
            if (p != null && SHAPE_OPS.contains(p.opType()) && result.add(p)) {
                // Shape's input is an activation: the walk stops there
                if (!p.opType().equals("Shape")) {
                    todo.addAll(p.inputs());
                }
            }
        }
        return result;
    }

    /** The walk along the chain, from the image to the last node. */
    private static final class Walk {
        private final OnnxModel model;
        private final Map<String, Tensor> consts;
        private final Map<String, List<Node>> consumers;
        private final List<Trunk> trunk = new ArrayList<>();
        private final List<Fc> fcs = new ArrayList<>();
        private Node softmax;
        private boolean dropout;
        private boolean flattened;
        private int channels = 3;
        /** The conv or Gemm whose ReLU is still to come. */
        private Node pendingRelu;
        private Conv lastConv;

        Walk(OnnxModel model, Map<String, Tensor> consts, Map<String, List<Node>> consumers) {
            this.model = model;
            this.consts = consts;
            this.consumers = consumers;
        }

        VggGraph run(String input, List<Node> nodes, Set<Node> shapeOnly) throws IOException {
            String x = input;
            // a shape computed from the chain (Shape -> Gather -> Concat) feeds Reshape like a constant
            Set<String> shapes = new HashSet<>();
            shapeOnly.forEach(n -> shapes.addAll(n.outputs()));
            for (Node n : nodes) {
                if (shapeOnly.contains(n)) {
                    continue;
                }
                List<Node> next = consumers.getOrDefault(x, List.of());
                if (next.size() > 1) {
                    throw refuse(next.get(1), "reads '" + x + "', which " + next.get(0).describe()
                            + " reads too: the graph branches, it is not a plain VGG chain");
                }
                if (!n.inputs().contains(x)) {
                    throw refuse(n, "does not read the chain's tensor '" + x + "' (a side branch): not a plain VGG");
                }
                for (String in : n.inputs()) {
                    if (!in.isEmpty() && !in.equals(x) && !consts.containsKey(in) && !shapes.contains(in)) {
                        throw refuse(n, "takes two activations, '" + x + "' and '" + in + "' (a residual or"
                                + " multi-path net): not a plain VGG");
                    }
                }
                if (!n.inputs().get(0).equals(x)) {
                    throw refuse(n, "reads the chain's tensor '" + x + "' as a weight, not as its data input");
                }
                if (softmax != null) {
                    throw refuse(n, "follows the Softmax " + softmax.describe() + "; a VGG ends there");
                }
                if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
                    throw refuse(n, "is in domain '" + n.domain() + "', not ONNX's own: not an op a VGG uses");
                }
                step(n);
                x = n.outputs().get(0);
            }
            if (pendingRelu != null && fcs.size() < 3) {
                throw refuse(pendingRelu, "is not followed by Relu");
            }
            String last = x;
            if (model.graph().outputs().stream().noneMatch(o -> o.name().equals(last))) {
                throw new ImportException(model.file() + ": the chain ends in '" + last
                        + "', which is not a graph output: not a plain VGG");
            }
            if (fcs.size() != 3) {
                throw new ImportException(model.file() + ": the graph has " + fcs.size()
                        + " fully connected (Gemm) layers; a VGG has three");
            }
            long pools = trunk.stream().filter(t -> t instanceof Pool).count();
            if (pools != 5 || !(trunk.get(trunk.size() - 1) instanceof Pool)) {
                throw new ImportException(model.file() + ": the conv stack has " + pools + " max-pools"
                        + (pools == 5 ? " but convs after the last" : "")
                        + "; the dense form needs VGG's five, the last before FC1 (stride 32)");
            }
            Fc fc1 = fcs.get(0);
            if (fc1.in() % channels != 0 || !isSquare(fc1.in() / channels)) {
                throw refuse(fc1.node(), "takes " + fc1.in() + " inputs, not pool5's " + channels
                        + " channels times a square side");
            }
            int side = (int) Math.round(Math.sqrt(fc1.in() / channels));
            for (int i = 1; i < 3; i++) {
                if (fcs.get(i).in() != fcs.get(i - 1).out()) {
                    throw refuse(fcs.get(i).node(), "takes " + fcs.get(i).in() + " inputs, but "
                            + fcs.get(i - 1).node().describe() + " gives " + fcs.get(i - 1).out());
                }
            }
            return new VggGraph(input, List.copyOf(trunk), List.copyOf(fcs), softmax, dropout, side);
        }

        private static boolean isSquare(int v) {
            int s = (int) Math.round(Math.sqrt(v));
            return s > 0 && s * s == v;
        }

        private void step(Node n) throws IOException {
            switch (n.opType()) {
                case "Conv" -> conv(n);
                case "BatchNormalization" -> batchNorm(n);
                case "Relu" -> {
                    if (pendingRelu == null) {
                        throw refuse(n, "does not follow a Conv or Gemm (a VGG has one ReLU after each)");
                    }
                    pendingRelu = null;
                    lastConv = null;
                }
                case "MaxPool" -> maxPool(n);
                case "AveragePool" -> {
                    trunkOnly(n);
                    List<Long> k = n.ints("kernel_shape", List.of());
                    if (!k.equals(List.of(1L, 1L)) || !allEqual(n.ints("strides", List.of(1L, 1L)), 1)
                            || !allEqual(n.ints("pads", List.of(0L, 0L, 0L, 0L)), 0)) {
                        throw refuse(n, "pools with kernel " + k + "; only the 1x1, stride 1 pool torchvision"
                                + " writes for its 7x7 adaptive pool (an identity) can be dropped");
                    }
                }
                case "GlobalAveragePool" -> throw refuse(n, "averages pool5 over space: FC1 then sees "
                        + "channels only, not VGG's 7x7 window, and the dense form would change the answers");
                case "Dropout", "Identity" -> {
                    dropout |= n.opType().equals("Dropout");
                }
                case "Flatten" -> {
                    trunkOnly(n);
                    if (n.i("axis", 1) != 1) {
                        throw refuse(n, "flattens from axis " + n.i("axis", 1) + "; the head needs axis 1");
                    }
                    flattened = true;
                }
                case "Reshape" -> {
                    trunkOnly(n);
                    Tensor shape = n.inputs().size() > 1 ? consts.get(n.inputs().get(1)) : null;
                    if (shape != null) {
                        long[] s = OnnxReader.longs(model, shape);
                        if (s.length != 2 || s[0] > 1 || s[1] == 0) {
                            throw refuse(n, "reshapes to " + java.util.Arrays.toString(s)
                                    + "; the head needs [N, C*H*W] ([1, -1], [-1, K] or [0, -1])");
                        }
                    }
                    flattened = true;
                }
                case "Gemm" -> gemm(n);
                case "Softmax" -> {
                    if (fcs.size() != 3) {
                        throw refuse(n, "comes before the third fully connected layer");
                    }
                    long axis = n.i("axis", model.opset() >= 13 ? -1 : 1);
                    if (axis != 1 && axis != -1) {
                        throw refuse(n, "normalises over axis " + axis + ", not the classes");
                    }
                    softmax = n;
                }
                default -> throw refuse(n, "is not an op of a plain VGG (Conv, BatchNormalization, Relu, MaxPool,"
                        + " Flatten or Reshape, Gemm, Dropout, Softmax): cannot be converted");
            }
        }

        private void trunkOnly(Node n) {
            if (flattened) {
                throw refuse(n, "comes after the flatten; the head is Gemm, Relu, Dropout only");
            }
            if (pendingRelu != null) {
                throw refuse(pendingRelu, "is not followed by Relu (" + n.describe() + " comes next)");
            }
        }

        private void conv(Node n) throws IOException {
            trunkOnly(n);
            Tensor w = weight(n, 1);
            if (w.dims().size() != 4 || !w.dims().get(2).equals(w.dims().get(3)) || w.dims().get(2) % 2 == 0) {
                throw refuse(n, "has weights " + w.dims() + "; a VGG conv is [out, in, k, k] with k odd");
            }
            int out = (int) (long) w.dims().get(0);
            int in = (int) (long) w.dims().get(1);
            int k = (int) (long) w.dims().get(2);
            if (n.i("group", 1) != 1) {
                throw refuse(n, "is a grouped conv (group " + n.i("group", 1) + ")");
            }
            if (in != channels) {
                throw refuse(n, "takes " + in + " channels, the layer before gives " + channels);
            }
            if (!allEqual(n.ints("strides", List.of(1L, 1L)), 1) || !allEqual(n.ints("dilations", List.of(1L, 1L)), 1)) {
                throw refuse(n, "has strides " + n.ints("strides", List.of()) + " and dilations "
                        + n.ints("dilations", List.of()) + "; VGG's convs have stride 1, no dilation");
            }
            String autoPad = n.attribute("auto_pad") == null ? "NOTSET" : n.attribute("auto_pad").s();
            boolean same = autoPad.startsWith("SAME")
                    || ((autoPad.equals("NOTSET") || autoPad.isEmpty())
                            && allEqual(n.ints("pads", List.of(0L, 0L, 0L, 0L)), k / 2)
                            && n.ints("pads", List.of(0L, 0L, 0L, 0L)).size() == 4);
            if (!same && !(k == 1 && autoPad.equals("VALID"))) {
                throw refuse(n, "pads " + n.ints("pads", List.of()) + " (auto_pad " + autoPad + ") for a " + k + "x" + k
                        + " kernel; VGG pads " + (k / 2) + " on every side, keeping the size");
            }
            Tensor b = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? weight(n, 2) : null;
            if (b != null && b.count() != out) {
                throw refuse(n, "has " + b.count() + " biases for " + out + " outputs");
            }
            Conv c = new Conv(n, w, b, null, in, out, k);
            trunk.add(c);
            lastConv = c;
            pendingRelu = n;
            channels = out;
        }

        private void batchNorm(Node n) {
            if (lastConv == null || lastConv.bn() != null || pendingRelu != lastConv.node()) {
                throw refuse(n, "does not directly follow a Conv, so it cannot be folded into one");
            }
            if (n.i("training_mode", 0) != 0) {
                throw refuse(n, "is in training mode; export the model in eval mode");
            }
            Tensor scale = weight(n, 1);
            Tensor bias = weight(n, 2);
            Tensor mean = weight(n, 3);
            Tensor var = weight(n, 4);
            for (Tensor t : List.of(scale, bias, mean, var)) {
                if (t.count() != lastConv.out()) {
                    throw refuse(n, "has " + t.count() + " values in '" + t.name() + "' for " + lastConv.out()
                            + " channels");
                }
            }
            Conv folded = new Conv(lastConv.node(), lastConv.weight(), lastConv.bias(),
                    new Bn(n, scale, bias, mean, var, n.f("epsilon", 1e-5f)), lastConv.in(), lastConv.out(),
                    lastConv.kernel());
            trunk.set(trunk.size() - 1, folded);
            lastConv = folded;
        }

        private void maxPool(Node n) {
            trunkOnly(n);
            if (!n.ints("kernel_shape", List.of()).equals(List.of(2L, 2L))
                    || !n.ints("strides", List.of(1L, 1L)).equals(List.of(2L, 2L))
                    || !allEqual(n.ints("pads", List.of(0L, 0L, 0L, 0L)), 0)
                    || !allEqual(n.ints("dilations", List.of(1L, 1L)), 1)) {
                throw refuse(n, "pools with kernel " + n.ints("kernel_shape", List.of()) + ", strides "
                        + n.ints("strides", List.of()) + ", pads " + n.ints("pads", List.of())
                        + "; VGG's max-pools are 2x2, stride 2, unpadded");
            }
            if (!trunk.isEmpty() && trunk.get(trunk.size() - 1) instanceof Pool) {
                throw refuse(n, "follows another max-pool; each VGG stage has convs before its pool");
            }
            if (trunk.isEmpty()) {
                throw refuse(n, "comes before any conv");
            }
            trunk.add(new Pool(n));
            lastConv = null;
        }

        private void gemm(Node n) {
            if (!flattened) {
                throw refuse(n, "is not preceded by Flatten or Reshape");
            }
            if (pendingRelu != null) {
                throw refuse(pendingRelu, "is not followed by Relu (" + n.describe() + " comes next)");
            }
            if (fcs.size() == 3) {
                throw refuse(n, "is a fourth fully connected layer; a VGG has three");
            }
            if (n.i("transA", 0) != 0) {
                throw refuse(n, "transposes its input (transA 1)");
            }
            Tensor b = weight(n, 1);
            if (b.dims().size() != 2) {
                throw refuse(n, "has weights " + b.dims() + ", not a matrix");
            }
            boolean transB = n.i("transB", 0) != 0;
            int in = (int) (long) b.dims().get(transB ? 1 : 0);
            int out = (int) (long) b.dims().get(transB ? 0 : 1);
            Tensor c = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? weight(n, 2) : null;
            if (c != null && c.count() != out && c.count() != 1) {
                throw refuse(n, "has a bias C of shape " + c.dims() + " for " + out + " outputs");
            }
            fcs.add(new Fc(n, b, c, n.f("alpha", 1f), n.f("beta", 1f), transB, in, out));
            pendingRelu = fcs.size() < 3 ? n : null;
        }

        private Tensor weight(Node n, int index) {
            String name = n.inputs().size() > index ? n.inputs().get(index) : "";
            Tensor t = consts.get(name);
            if (t == null) {
                throw refuse(n, "takes input " + index + " '" + name + "', which is not a weight (an initializer"
                        + " or Constant)");
            }
            return t;
        }

        private ImportException refuse(Node n, String why) {
            return new ImportException(model.file().getFileName() + ": " + n.describe() + " " + why);
        }

        private static boolean allEqual(List<Long> values, long v) {
            return values.stream().allMatch(x -> x == v);
        }
    }
}
