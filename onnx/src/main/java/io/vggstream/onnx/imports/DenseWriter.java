package io.vggstream.onnx.imports;

import io.vggstream.onnx.DenseGraph;
import io.vggstream.onnx.HashedFloats;
import io.vggstream.onnx.Nodes;
import io.vggstream.onnx.OnnxModel;
import io.vggstream.onnx.OnnxModel.Tensor;
import io.vggstream.onnx.OnnxReader;
import io.vggstream.onnx.Proto;
import io.vggstream.topics.card.ModelCard;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Writes an imported VGG in the dense form, with the trainer's conventions ({@link DenseGraph}):
 * the convs with BatchNormalization folded in, FC1 as a side x side conv, FC2 and FC3 as 1x1
 * convs, the class-score map averaged over space and soft-maxed, FC2's output averaged as the
 * feature. Weights are streamed: each initializer is computed from the source's mapped tensors
 * only when it is written (conv weights one layer at a time, FC weights a block of rows at a time),
 * and hashed on the way into the card's {@code weights_sha256}, as the trainer's export does.
 */
final class DenseWriter {

    /** Floats per write buffer (1 MiB). */
    private static final int CHUNK = 1 << 18;

    private DenseWriter() {}

    /** Writes {@code dir/model.onnx} (with the card in its metadata) and {@code dir/model.json}. */
    static ModelCard write(OnnxModel model, VggGraph vgg, String graphName, Function<String, ModelCard> card, Path dir)
            throws IOException {
        return DenseGraph.write(dir, "vggstream-import", DenseGraph.versionOf(DenseWriter.class),
                sha -> graph(model, vgg, graphName, sha), card);
    }

    private static Proto graph(OnnxModel model, VggGraph vgg, String graphName, MessageDigest sha) {
        Proto g = new Proto();
        List<Proto> inits = new ArrayList<>();
        String x = DenseGraph.INPUT;
        int stage = 1;
        int inStage = 0;
        for (VggGraph.Trunk t : vgg.trunk()) {
            if (t instanceof VggGraph.Conv c) {
                String name = "conv" + stage + "_" + (++inStage);
                long[] dims = {c.out(), c.in(), c.kernel(), c.kernel()};
                inits.add(HashedFloats.tensor(name + "_weight", dims, sha, out -> out.put(convWeight(model, c))));
                inits.add(HashedFloats.tensor(name + "_bias", new long[] {c.out()}, sha,
                        out -> out.put(convBias(model, c))));
                g.message(1, Nodes.conv(name, x, c.kernel(), c.kernel() / 2));
                g.message(1, Nodes.node("Relu", name + "_relu", List.of(name), name + "_relu"));
                x = name + "_relu";
            } else {
                String name = "pool" + stage;
                g.message(1, Nodes.node("MaxPool", name, List.of(x), name)
                        .message(5, Nodes.attrInts("kernel_shape", 2, 2))
                        .message(5, Nodes.attrInts("strides", 2, 2)));
                x = name;
                stage++;
                inStage = 0;
            }
        }
        int poolChannels = vgg.fcs().get(0).in() / (vgg.side() * vgg.side());
        String[] names = {"fc6", "fc7", "fc8"};
        for (int i = 0; i < 3; i++) {
            VggGraph.Fc fc = vgg.fcs().get(i);
            int k = i == 0 ? vgg.side() : 1;
            int in = i == 0 ? poolChannels : fc.in();
            String name = names[i];
            inits.add(HashedFloats.tensor(name + "_weight", new long[] {fc.out(), in, k, k}, sha,
                    out -> fcWeight(model, fc, out)));
            inits.add(HashedFloats.tensor(name + "_bias", new long[] {fc.out()}, sha, out -> out.put(fcBias(model, fc))));
            g.message(1, Nodes.conv(name, x, k, 0));
            x = name;
            if (i < 2) {
                g.message(1, Nodes.node("Relu", name + "_relu", List.of(x), name + "_relu"));
                x = name + "_relu";
            }
            if (i == 1) {
                g.message(1, Nodes.node("ReduceMean", DenseGraph.FEATURE, List.of(x), DenseGraph.FEATURE)
                        .message(5, Nodes.attrInts("axes", 2, 3)).message(5, Nodes.attrInt("keepdims", 0)));
            }
        }
        g.message(1, Nodes.node("ReduceMean", "scores", List.of(x), "scores")
                .message(5, Nodes.attrInts("axes", 2, 3)).message(5, Nodes.attrInt("keepdims", 0)));
        g.message(1, Nodes.node("Softmax", DenseGraph.POSTERIOR, List.of("scores"), DenseGraph.POSTERIOR)
                .message(5, Nodes.attrInt("axis", 1)));
        g.string(2, graphName);
        for (Proto init : inits) {
            g.message(5, init);
        }
        g.message(11, Nodes.valueInfo(DenseGraph.INPUT, "N", 3L, "H", "W"));
        g.message(12, Nodes.valueInfo(DenseGraph.POSTERIOR, "N", (long) vgg.fcs().get(2).out()));
        g.message(12, Nodes.valueInfo(DenseGraph.FEATURE, "N", (long) vgg.fcs().get(1).out()));
        return g;
    }

    /** The conv's weights, each output channel scaled by gamma / sqrt(var + eps) when a BatchNormalization follows. */
    private static float[] convWeight(OnnxModel model, VggGraph.Conv c) throws IOException {
        float[] w = new float[(int) c.weight().count()];
        OnnxReader.floats(model, c.weight()).get(w);
        if (c.bn() != null) {
            double[] s = bnScale(model, c.bn());
            int per = w.length / c.out();
            for (int o = 0; o < c.out(); o++) {
                for (int j = o * per; j < (o + 1) * per; j++) {
                    w[j] = (float) (w[j] * s[o]);
                }
            }
        }
        return w;
    }

    /** The conv's bias (zero when it has none), folded: (b - mean) * gamma / sqrt(var + eps) + beta. */
    private static float[] convBias(OnnxModel model, VggGraph.Conv c) throws IOException {
        float[] b = new float[c.out()];
        if (c.bias() != null) {
            OnnxReader.floats(model, c.bias()).get(b);
        }
        if (c.bn() != null) {
            double[] s = bnScale(model, c.bn());
            float[] mean = all(model, c.bn().mean());
            float[] beta = all(model, c.bn().bias());
            for (int o = 0; o < b.length; o++) {
                b[o] = (float) ((b[o] - (double) mean[o]) * s[o] + beta[o]);
            }
        }
        return b;
    }

    private static double[] bnScale(OnnxModel model, VggGraph.Bn bn) throws IOException {
        float[] gamma = all(model, bn.scale());
        float[] var = all(model, bn.var());
        double[] s = new double[gamma.length];
        for (int o = 0; o < s.length; o++) {
            s[o] = gamma[o] / Math.sqrt((double) var[o] + bn.epsilon());
        }
        return s;
    }

    private static float[] all(OnnxModel model, Tensor t) throws IOException {
        float[] a = new float[(int) t.count()];
        OnnxReader.floats(model, t).get(a);
        return a;
    }

    /** beta * C, broadcast to every output; zeros without C. */
    private static float[] fcBias(OnnxModel model, VggGraph.Fc fc) throws IOException {
        float[] b = new float[fc.out()];
        if (fc.c() != null) {
            float[] c = all(model, fc.c());
            for (int o = 0; o < b.length; o++) {
                b[o] = fc.beta() * (c.length == 1 ? c[0] : c[o]);
            }
        }
        return b;
    }

    /**
     * alpha * B as [out, in] rows: B's own rows when transB (Flatten's C, H, W order is the conv
     * weight's), else B transposed a block of rows at a time (reads stay sequential in the map).
     */
    private static void fcWeight(OnnxModel model, VggGraph.Fc fc, HashedFloats.Sink out) throws IOException {
        FloatBuffer b = OnnxReader.floats(model, fc.b());
        float alpha = fc.alpha();
        if (fc.transB()) {
            float[] chunk = new float[CHUNK];
            while (b.hasRemaining()) {
                int n = Math.min(chunk.length, b.remaining());
                b.get(chunk, 0, n);
                for (int i = 0; i < n; i++) {
                    out.put(chunk[i] * alpha);
                }
            }
            return;
        }
        int in = fc.in();
        int outs = fc.out();
        int rows = Math.max(1, Math.min(outs, CHUNK / Math.max(1, in) * 4));
        float[] block = new float[rows * in];
        float[] line = new float[rows];
        for (int o0 = 0; o0 < outs; o0 += rows) {
            int r = Math.min(rows, outs - o0);
            for (int k = 0; k < in; k++) {
                b.get(k * outs + o0, line, 0, r);
                for (int j = 0; j < r; j++) {
                    block[j * in + k] = line[j] * alpha;
                }
            }
            out.put(block, 0, r * in);
        }
    }





}
