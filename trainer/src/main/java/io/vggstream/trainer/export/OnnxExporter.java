package io.vggstream.trainer.export;

import ai.djl.ndarray.NDArray;
import io.vggstream.onnx.DenseGraph;
import io.vggstream.onnx.HashedFloats;
import io.vggstream.onnx.Nodes;
import io.vggstream.onnx.Proto;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.model.Layer;
import io.vggstream.trainer.model.VggNet;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
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


    private OnnxExporter() {}

    /**
     * Writes {@code dir/model.onnx} and {@code dir/model.json}.
     *
     * @param card builds the card from the weights' SHA-256
     * @return the card written
     */
    public static ModelCard export(VggNet net, Function<String, ModelCard> card, Path dir) throws IOException {
        return DenseGraph.write(dir, "vggstream-trainer", DenseGraph.versionOf(OnnxExporter.class),
                sha -> graph(net, sha), card);
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
                g.message(1, Nodes.conv(conv.name(), x, conv.kernel(), conv.padding()));
                g.message(1, Nodes.node("Relu", conv.name() + "_relu", List.of(conv.name()), conv.name() + "_relu"));
                x = conv.name() + "_relu";
            } else if (layer instanceof Layer.Lrn lrn) {
                g.message(1, Nodes.node("LRN", lrn.name(), List.of(x), lrn.name())
                        .message(5, Nodes.attrInt("size", Layer.Lrn.SIZE))
                        // ONNX divides alpha by size; the paper's per-element alpha is 1e-4
                        .message(5, Nodes.attrFloat("alpha", Layer.Lrn.ALPHA * Layer.Lrn.SIZE))
                        .message(5, Nodes.attrFloat("beta", Layer.Lrn.BETA))
                        .message(5, Nodes.attrFloat("bias", Layer.Lrn.K)));
                x = lrn.name();
            } else if (layer instanceof Layer.MaxPool pool) {
                g.message(1, Nodes.node("MaxPool", pool.name(), List.of(x), pool.name())
                        .message(5, Nodes.attrInts("kernel_shape", 2, 2))
                        .message(5, Nodes.attrInts("strides", 2, 2)));
                x = pool.name();
            } else if (layer instanceof Layer.Fc fc) {
                initializers.add(tensor(net, fc.name(), "weight",
                        new long[] {fc.out(), fc.inChannels(), fc.kernel(), fc.kernel()}, sha));
                initializers.add(tensor(net, fc.name(), "bias", new long[] {fc.out()}, sha));
                g.message(1, Nodes.conv(fc.name(), x, fc.kernel(), 0));
                x = fc.name();
                if (!fc.last()) {
                    g.message(1, Nodes.node("Relu", fc.name() + "_relu", List.of(x), fc.name() + "_relu"));
                    x = fc.name() + "_relu";
                }
                if (fc.name().equals("fc7")) {
                    g.message(1, Nodes.node("ReduceMean", FEATURE, List.of(x), FEATURE)
                            .message(5, Nodes.attrInts("axes", 2, 3)).message(5, Nodes.attrInt("keepdims", 0)));
                }
            }
        }
        g.message(1, Nodes.node("ReduceMean", "scores", List.of(x), "scores")
                .message(5, Nodes.attrInts("axes", 2, 3)).message(5, Nodes.attrInt("keepdims", 0)));
        g.message(1, Nodes.node("Softmax", POSTERIOR, List.of("scores"), POSTERIOR).message(5, Nodes.attrInt("axis", 1)));
        g.string(2, "vgg_" + net.spec().config().label().replace('-', '_') + "_dense");
        for (Proto init : initializers) {
            g.message(5, init);
        }
        g.message(11, Nodes.valueInfo(INPUT, "N", 3L, "H", "W"));
        g.message(12, Nodes.valueInfo(POSTERIOR, "N", (long) net.spec().classes()));
        g.message(12, Nodes.valueInfo(FEATURE, "N", (long) net.spec().fc()));
        return g;
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
