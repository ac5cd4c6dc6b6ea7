package io.vggstream.trainer.export;

import ai.djl.ndarray.NDArray;
import io.vggstream.onnx.DenseGraph;
import io.vggstream.onnx.HashedFloats;
import io.vggstream.onnx.Proto;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.model.Layer;
import io.vggstream.trainer.model.VggNet;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * Writes a trained {@link VggNet} as the ONNX graph of the paper's dense evaluation (opset 17,
 * IR version 8): the convs (with ReLU, LRN, max-pools) as trained, FC1 as a (crop/32)x(crop/32)
 * conv, FC2 and FC3 as 1x1 convs, the class-score map averaged over space, softmax. Input
 * {@code image [N, 3, H, W]} float32, mean-subtracted RGB in 0-255 units, with N, H and W
 * symbolic; outputs {@code posterior [N, classes]} and {@code feature [N, fc]} (FC2 after ReLU,
 * averaged over space). The model card travels in {@code metadata_props} under
 * {@link ModelCard#ONNX_METADATA_KEY} and as {@code model.json} beside the file.
 *
 * <p>The file is streamed: tensor data is read from the net one layer at a time and hashed on the
 * way (the card's {@code weights_sha256} is the SHA-256 of all initializers' raw little-endian
 * float32 data, in graph order), and the card, which holds that hash, is the last field written.
 */
public final class OnnxExporter {

    public static final String INPUT = DenseGraph.INPUT;
    public static final String POSTERIOR = DenseGraph.POSTERIOR;
    public static final String FEATURE = DenseGraph.FEATURE;
    public static final int OPSET = DenseGraph.OPSET;
    public static final long IR_VERSION = DenseGraph.IR_VERSION;
    public static final String MODEL_FILE = DenseGraph.MODEL_FILE;

    private static final int FLOAT = 1;
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    private OnnxExporter() {}

    /**
     * Writes {@code dir/model.onnx} and {@code dir/model.json}.
     *
     * @param card builds the card from the weights' SHA-256
     * @return the card written
     */
    public static ModelCard export(VggNet net, Function<String, ModelCard> card, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path onnx = dir.resolve(MODEL_FILE);
        Path tmp = dir.resolve(MODEL_FILE + ".tmp");
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        Proto model = new Proto()
                .varint(1, IR_VERSION)
                .string(2, "vggstream-trainer")
                .string(3, versionOf(OnnxExporter.class))
                .message(8, new Proto().string(1, "").varint(2, OPSET))
                .message(7, graph(net, sha));
        ModelCard written;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            model.writeTo(out);
            written = card.apply(HexFormat.of().formatHex(sha.digest()));
            written.validate(onnx.toString());
            new Proto().message(14, new Proto().string(1, ModelCard.ONNX_METADATA_KEY).string(2, written.toJson()))
                    .writeTo(out);
        }
        Files.move(tmp, onnx, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written.write(dir.resolve(ModelCard.FILE_NAME));
        return written;
    }

    private static String versionOf(Class<?> c) {
        String v = c.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static Proto graph(VggNet net, MessageDigest sha) {
        Proto g = new Proto();
        List<Proto> initializers = new ArrayList<>();
        String x = INPUT;
        for (Layer layer : net.layers()) {
            if (layer instanceof Layer.Conv conv) {
                initializers.add(tensor(net, conv.name(), "weight",
                        new long[] {conv.out(), conv.in(), conv.kernel(), conv.kernel()}, sha));
                initializers.add(tensor(net, conv.name(), "bias", new long[] {conv.out()}, sha));
                g.message(1, conv(conv.name(), x, conv.kernel(), conv.padding()));
                g.message(1, node("Relu", conv.name() + "_relu", List.of(conv.name()), conv.name() + "_relu"));
                x = conv.name() + "_relu";
            } else if (layer instanceof Layer.Lrn lrn) {
                g.message(1, node("LRN", lrn.name(), List.of(x), lrn.name())
                        .message(5, attrInt("size", Layer.Lrn.SIZE))
                        // ONNX divides alpha by size; the paper's per-element alpha is 1e-4
                        .message(5, attrFloat("alpha", Layer.Lrn.ALPHA * Layer.Lrn.SIZE))
                        .message(5, attrFloat("beta", Layer.Lrn.BETA))
                        .message(5, attrFloat("bias", Layer.Lrn.K)));
                x = lrn.name();
            } else if (layer instanceof Layer.MaxPool pool) {
                g.message(1, node("MaxPool", pool.name(), List.of(x), pool.name())
                        .message(5, attrInts("kernel_shape", 2, 2))
                        .message(5, attrInts("strides", 2, 2)));
                x = pool.name();
            } else if (layer instanceof Layer.Fc fc) {
                initializers.add(tensor(net, fc.name(), "weight",
                        new long[] {fc.out(), fc.inChannels(), fc.kernel(), fc.kernel()}, sha));
                initializers.add(tensor(net, fc.name(), "bias", new long[] {fc.out()}, sha));
                g.message(1, conv(fc.name(), x, fc.kernel(), 0));
                x = fc.name();
                if (!fc.last()) {
                    g.message(1, node("Relu", fc.name() + "_relu", List.of(x), fc.name() + "_relu"));
                    x = fc.name() + "_relu";
                }
                if (fc.name().equals("fc7")) {
                    g.message(1, node("ReduceMean", FEATURE, List.of(x), FEATURE)
                            .message(5, attrInts("axes", 2, 3)).message(5, attrInt("keepdims", 0)));
                }
            }
        }
        g.message(1, node("ReduceMean", "scores", List.of(x), "scores")
                .message(5, attrInts("axes", 2, 3)).message(5, attrInt("keepdims", 0)));
        g.message(1, node("Softmax", POSTERIOR, List.of("scores"), POSTERIOR).message(5, attrInt("axis", 1)));
        g.string(2, "vgg_" + net.spec().config().label().replace('-', '_') + "_dense");
        for (Proto init : initializers) {
            g.message(5, init);
        }
        g.message(11, valueInfo(INPUT, "N", 3L, "H", "W"));
        g.message(12, valueInfo(POSTERIOR, "N", (long) net.spec().classes()));
        g.message(12, valueInfo(FEATURE, "N", (long) net.spec().fc()));
        return g;
    }

    private static Proto conv(String name, String input, int kernel, int pad) {
        return node("Conv", name, List.of(input, name + "_weight", name + "_bias"), name)
                .message(5, attrInts("kernel_shape", kernel, kernel))
                .message(5, attrInts("pads", pad, pad, pad, pad))
                .message(5, attrInts("strides", 1, 1));
    }

    private static Proto node(String op, String name, List<String> inputs, String output) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.string(1, in);
        }
        return n.string(2, output).string(3, name).string(4, op);
    }

    private static Proto attrInt(String name, long value) {
        return new Proto().string(1, name).varint(3, value).varint(20, ATTR_INT);
    }

    private static Proto attrFloat(String name, float value) {
        return new Proto().string(1, name).float32(2, value).varint(20, ATTR_FLOAT);
    }

    private static Proto attrInts(String name, long... values) {
        Proto a = new Proto().string(1, name);
        for (long v : values) {
            a.varint(8, v);
        }
        return a.varint(20, ATTR_INTS);
    }

    /** {@code [dims]} float32; a String dim is symbolic (dim_param), a Long one fixed (dim_value). */
    private static Proto valueInfo(String name, Object... dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            shape.message(1, d instanceof String s ? new Proto().string(2, s) : new Proto().varint(1, (Long) d));
        }
        Proto tensorType = new Proto().varint(1, FLOAT).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** A float32 initializer whose data is read from the net (and hashed) only when written. */
    private static Proto tensor(VggNet net, String layer, String kind, long[] dims, MessageDigest sha) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        NDArray array = net.parameter(layer, kind);
        if (array.size() != count) {
            throw new IllegalStateException(layer + "_" + kind + " has " + array.size() + " values, the graph needs "
                    + count);
        }
        // the card's weights_sha256: the same digest as every writer of the dense form (HashedFloats)
        return HashedFloats.tensor(layer + "_" + kind, dims, sha, out -> out.put(array.toFloatArray()));
    }
}
