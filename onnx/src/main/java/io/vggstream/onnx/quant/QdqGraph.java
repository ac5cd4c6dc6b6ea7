package io.vggstream.onnx.quant;

import io.vggstream.onnx.DenseGraph;
import io.vggstream.onnx.Nodes;
import io.vggstream.onnx.OnnxModel;
import io.vggstream.onnx.OnnxModel.Node;
import io.vggstream.onnx.OnnxModel.Tensor;
import io.vggstream.onnx.OnnxModel.ValueInfo;
import io.vggstream.onnx.OnnxReader;
import io.vggstream.onnx.Proto;
import io.vggstream.topics.card.ModelCard;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The QDQ rewrite of a dense VGG graph (ONNX Runtime's "QDQ" format): each quantized convolution
 * (the FC convs included) reads DequantizeLinear(int8 weight, per output channel, symmetric) and
 * DequantizeLinear(int32 bias, scale = input scale x weight scale), and its input and its output
 * (after its ReLU when one follows) pass through QuantizeLinear / DequantizeLinear pairs (uint8, per
 * tensor). A MaxPool between two such tensors keeps its input's parameters on its output, so ONNX
 * Runtime runs it on the uint8 codes. The rest of the graph (ReduceMean, Softmax, LRN, convs left
 * in float32) is untouched, and nothing depends on the input's size: dense evaluation still works.
 * ONNX Runtime fuses each DQ-Conv-Q group into a QLinearConv at load.
 */
public final class QdqGraph {

    /** The ops that mark a graph as already quantized. */
    public static final Set<String> QUANTIZED_OPS = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv",
            "ConvInteger", "MatMulInteger", "QLinearMatMul", "DynamicQuantizeLinear");

    private QdqGraph() {}

    /** The graph's convolutions whose weights are initializers (the ones that can be quantized), in graph order. */
    public static List<Node> convs(OnnxModel model) {
        List<Node> out = new ArrayList<>();
        for (Node n : model.graph().nodes()) {
            if (n.opType().equals("Conv") && n.inputs().size() >= 2 && model.graph().initializers().containsKey(n.inputs().get(1))) {
                out.add(n);
            }
        }
        return out;
    }

    /** The first quantized op of {@code model}, or null when it is a float graph. */
    public static String quantizedOp(OnnxModel model) {
        for (Node n : model.graph().nodes()) {
            if (QUANTIZED_OPS.contains(n.opType())) {
                return n.describe();
            }
        }
        for (Tensor t : model.graph().initializers().values()) {
            if (t.dataType() == GraphCopy.INT8 || t.dataType() == GraphCopy.UINT8) {
                return "8-bit initializer '" + t.name() + "'";
            }
        }
        return null;
    }

    /**
     * The activations whose ranges the rewrite needs, in graph order: each quantized conv's input
     * and its output (the ReLU's, when a ReLU alone reads the conv).
     *
     * @param fp32 names of the convs left in float32
     */
    public static List<String> calibrated(OnnxModel model, Set<String> fp32) {
        Set<String> out = new LinkedHashSet<>();
        for (Node c : convs(model)) {
            if (!fp32.contains(c.name())) {
                out.add(c.inputs().get(0));
                out.add(outputOf(model, c));
            }
        }
        return List.copyOf(out);
    }

    /** What follows conv {@code c}: its ReLU's output when a ReLU is its one reader, else its own output. */
    private static String outputOf(OnnxModel model, Node c) {
        String y = c.outputs().get(0);
        List<Node> readers = model.graph().nodes().stream().filter(n -> n.inputs().contains(y)).toList();
        if (readers.size() == 1 && readers.get(0).opType().equals("Relu")) {
            return readers.get(0).outputs().get(0);
        }
        return y;
    }

    /**
     * Writes {@code model} with {@code tensors} as extra graph outputs to {@code file} (weights copied
     * as float32): the graph calibration runs, so that ONNX Runtime hands back the activations.
     */
    public static void writeCalibrationGraph(OnnxModel model, List<String> tensors, Path file) throws IOException {
        MessageDigest unused = sha256();
        Proto g = new Proto();
        for (Node n : model.graph().nodes()) {
            g.message(1, GraphCopy.node(n, n.inputs()));
        }
        g.string(2, model.graph().name());
        for (Tensor t : model.graph().initializers().values()) {
            g.message(5, floatCopy(model, t, t.name(), unused));
        }
        Set<String> inits = model.graph().initializers().keySet();
        for (ValueInfo v : model.graph().inputs()) {
            if (!inits.contains(v.name())) {
                g.message(11, GraphCopy.valueInfo(v));
            }
        }
        Set<String> outputs = new LinkedHashSet<>();
        for (ValueInfo v : model.graph().outputs()) {
            g.message(12, GraphCopy.valueInfo(v));
            outputs.add(v.name());
        }
        for (String t : tensors) {
            if (!outputs.contains(t)) {
                g.message(12, GraphCopy.floatOutput(t));
            }
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            new Proto().varint(1, model.irVersion()).string(2, "vggstream-calibration")
                    .message(8, new Proto().string(1, "").varint(2, model.opset()))
                    .message(7, g).writeTo(out);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Writes the QDQ graph to {@code dir} ({@code model.onnx} and {@code model.json}, the card in the
     * graph's metadata, through {@link DenseGraph#write}).
     *
     * @param ranges the calibrated range of every tensor {@link #calibrated} names
     * @param fp32 names of the convs left in float32
     * @param card builds the card from the new weights' SHA-256
     */
    public static ModelCard write(OnnxModel model, Map<String, ActivationRange> ranges, Set<String> fp32, Path dir,
            String version, Function<String, ModelCard> card) throws IOException {
        if (model.opset() < 13 || model.opset() > DenseGraph.OPSET) {
            throw new IllegalArgumentException(model.file() + ": opset " + model.opset() + " is outside 13.."
                    + DenseGraph.OPSET + " (per-channel QuantizeLinear needs 13; the dense graph is written at "
                    + DenseGraph.OPSET + ")");
        }
        for (String t : calibrated(model, fp32)) {
            if (!ranges.containsKey(t)) {
                throw new IllegalArgumentException("no calibrated range for activation '" + t + "'");
            }
        }
        return DenseGraph.write(dir, "vggstream-quantize", version, sha -> graph(model, ranges, fp32, sha), card);
    }

    private static Proto graph(OnnxModel model, Map<String, ActivationRange> calibrated, Set<String> fp32,
            MessageDigest sha) {
        // the parameters of every tensor that passes through Q/DQ: calibrated, or a MaxPool's input's
        Map<String, ActivationRange> qdq = new LinkedHashMap<>();
        for (String t : calibrated(model, fp32)) {
            qdq.put(t, calibrated.get(t));
        }
        for (Node n : model.graph().nodes()) {
            if (n.opType().equals("MaxPool") && qdq.containsKey(n.inputs().get(0))) {
                qdq.put(n.outputs().get(0), qdq.get(n.inputs().get(0)));
            }
        }
        Map<String, Node> quantConvs = new LinkedHashMap<>();
        for (Node c : convs(model)) {
            if (!fp32.contains(c.name())) {
                quantConvs.put(c.name(), c);
            }
        }
        Proto g = new Proto();
        List<Proto> inits = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (ValueInfo v : model.graph().inputs()) {
            if (qdq.containsKey(v.name())) {
                qdqPair(g, inits, v.name(), qdq.get(v.name()), sha);
                done.add(v.name());
            }
        }
        for (Node n : model.graph().nodes()) {
            List<String> ins = new ArrayList<>();
            for (String in : n.inputs()) {
                ins.add(qdq.containsKey(in) ? in + "_dq" : in);
            }
            Node conv = quantConvs.get(n.name());
            if (conv != null && n == conv) {
                float sx = qdq.get(n.inputs().get(0)).scale();
                Tensor w = model.graph().initializers().get(n.inputs().get(1));
                float[] sw = weightScales(model, w);
                inits.addAll(weight(model, w, sw, sha));
                g.message(1, dq(w.name(), 0));
                ins.set(1, w.name() + "_dq");
                if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
                    Tensor b = model.graph().initializers().get(n.inputs().get(2));
                    inits.addAll(bias(model, b, sx, sw, sha));
                    g.message(1, dq(b.name(), 0));
                    ins.set(2, b.name() + "_dq");
                }
            }
            g.message(1, GraphCopy.node(n, ins));
            for (String out : n.outputs()) {
                if (qdq.containsKey(out) && done.add(out)) {
                    qdqPair(g, inits, out, qdq.get(out), sha);
                }
            }
        }
        g.string(2, model.graph().name());
        Set<String> quantized = new LinkedHashSet<>();
        for (Node c : quantConvs.values()) {
            quantized.add(c.inputs().get(1));
            if (c.inputs().size() > 2) {
                quantized.add(c.inputs().get(2));
            }
        }
        for (Tensor t : model.graph().initializers().values()) {
            if (!quantized.contains(t.name())) {
                g.message(5, floatCopy(model, t, t.name(), sha));
            }
        }
        for (Proto p : inits) {
            g.message(5, p);
        }
        Set<String> initNames = model.graph().initializers().keySet();
        for (ValueInfo v : model.graph().inputs()) {
            if (!initNames.contains(v.name())) {
                g.message(11, GraphCopy.valueInfo(v));
            }
        }
        for (ValueInfo v : model.graph().outputs()) {
            g.message(12, GraphCopy.valueInfo(v));
        }
        return g;
    }

    /** t -> QuantizeLinear -> t_q -> DequantizeLinear -> t_dq, with a scalar scale and uint8 zero point. */
    private static void qdqPair(Proto g, List<Proto> inits, String t, ActivationRange r, MessageDigest sha) {
        float scale = r.scale();
        byte zp = (byte) r.zeroPoint();
        inits.add(GraphCopy.tensor(t + "_scale", new long[0], GraphCopy.FLOAT, 4, sha, out -> writeFloat(out, scale)));
        inits.add(GraphCopy.tensor(t + "_zp", new long[0], GraphCopy.UINT8, 1, sha, out -> out.write(zp)));
        g.message(1, Nodes.node("QuantizeLinear", t + "_quantize", List.of(t, t + "_scale", t + "_zp"), t + "_q"));
        g.message(1, Nodes.node("DequantizeLinear", t + "_dequantize", List.of(t + "_q", t + "_scale", t + "_zp"),
                t + "_dq"));
    }

    /** DequantizeLinear of initializer {@code name}_q along {@code axis}, into {@code name}_dq. */
    private static Proto dq(String name, int axis) {
        return Nodes.node("DequantizeLinear", name + "_dequantize", List.of(name + "_q", name + "_scale", name + "_zp"),
                name + "_dq").message(5, Nodes.attrInt("axis", axis));
    }

    /** Per output channel: max |w| / 127 (1 for an all-zero channel, whose codes are all 0 anyway). */
    static float[] weightScales(OnnxModel model, Tensor w) {
        FloatBuffer b = floats(model, w);
        int out = (int) (long) w.dims().get(0);
        int per = (int) (w.count() / out);
        float[] s = new float[out];
        for (int o = 0; o < out; o++) {
            float m = 0;
            for (int j = 0; j < per; j++) {
                m = Math.max(m, Math.abs(b.get(o * per + j)));
            }
            s[o] = m > 0 ? m / 127f : 1f;
        }
        return s;
    }

    /** int8 codes round(w / s), in [-127, 127], streamed from the mapped float32 weights. */
    private static List<Proto> weight(OnnxModel model, Tensor w, float[] s, MessageDigest sha) {
        long[] dims = w.dims().stream().mapToLong(Long::longValue).toArray();
        int per = (int) (w.count() / s.length);
        List<Proto> p = new ArrayList<>();
        p.add(GraphCopy.tensor(w.name() + "_q", dims, GraphCopy.INT8, w.count(), sha, out -> {
            FloatBuffer b = floats(model, w);
            byte[] row = new byte[per];
            for (int o = 0; o < s.length; o++) {
                for (int j = 0; j < per; j++) {
                    row[j] = (byte) Math.max(-127, Math.min(127, Math.round(b.get(o * per + j) / s[o])));
                }
                out.write(row);
            }
        }));
        p.add(GraphCopy.tensor(w.name() + "_scale", new long[] {s.length}, GraphCopy.FLOAT, 4L * s.length, sha,
                out -> {
                    for (float v : s) {
                        writeFloat(out, v);
                    }
                }));
        p.add(GraphCopy.tensor(w.name() + "_zp", new long[] {s.length}, GraphCopy.INT8, s.length, sha,
                out -> out.write(new byte[s.length])));
        return p;
    }

    /** int32 codes round(b / (sx * sw)), zero point 0, as QLinearConv wants its bias. */
    private static List<Proto> bias(OnnxModel model, Tensor b, float sx, float[] sw, MessageDigest sha) {
        float[] s = new float[sw.length];
        for (int o = 0; o < s.length; o++) {
            s[o] = sx * sw[o];
        }
        List<Proto> p = new ArrayList<>();
        p.add(GraphCopy.tensor(b.name() + "_q", new long[] {s.length}, GraphCopy.INT32, 4L * s.length, sha, out -> {
            FloatBuffer v = floats(model, b);
            for (int o = 0; o < s.length; o++) {
                double q = Math.rint(v.get(o) / (double) s[o]);
                writeInt(out, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, q)));
            }
        }));
        p.add(GraphCopy.tensor(b.name() + "_scale", new long[] {s.length}, GraphCopy.FLOAT, 4L * s.length, sha,
                out -> {
                    for (float v : s) {
                        writeFloat(out, v);
                    }
                }));
        p.add(GraphCopy.tensor(b.name() + "_zp", new long[] {s.length}, GraphCopy.INT32, 4L * s.length, sha,
                out -> out.write(new byte[4 * s.length])));
        return p;
    }

    private static Proto floatCopy(OnnxModel model, Tensor t, String name, MessageDigest sha) {
        if (t.dataType() != GraphCopy.FLOAT) {
            throw new IllegalArgumentException(model.file() + ": initializer '" + t.name() + "' has data type "
                    + t.dataType() + "; only float32 graphs can be quantized");
        }
        long[] dims = t.dims().stream().mapToLong(Long::longValue).toArray();
        return GraphCopy.tensor(name, dims, GraphCopy.FLOAT, 4 * t.count(), sha, out -> {
            FloatBuffer b = floats(model, t);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                chunk.clear();
                while (chunk.remaining() >= 4 && b.hasRemaining()) {
                    chunk.putFloat(b.get());
                }
                out.write(chunk.array(), 0, chunk.position());
            }
        });
    }

    private static FloatBuffer floats(OnnxModel model, Tensor t) {
        try {
            return OnnxReader.floats(model, t);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeFloat(OutputStream out, float v) throws IOException {
        writeInt(out, Float.floatToIntBits(v));
    }

    private static void writeInt(OutputStream out, int b) throws IOException {
        out.write(b);
        out.write(b >>> 8);
        out.write(b >>> 16);
        out.write(b >>> 24);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
