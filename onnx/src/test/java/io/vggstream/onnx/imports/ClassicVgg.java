package io.vggstream.onnx.imports;

import io.vggstream.onnx.Proto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test fixtures: a small classic VGG (Conv, Relu, MaxPool, Flatten or Reshape, Gemm) written as
 * ONNX in the node patterns each exporter writes, with seeded random weights. One fixture's
 * weights are drawn once, so its full graph, its conv stack alone (up to pool5) and its head alone
 * (pool5 window to scores) compute with the same numbers.
 *
 * <ul>
 *   <li>{@link Pattern#TORCHVISION}: torch.onnx.export (opset 17) of torchvision.models.vgg* in eval
 *       mode: input {@code input}, nodes {@code /features/features.0/Conv}, MaxPool with explicit
 *       zero pads, the {@code /avgpool/AveragePool} with kernel 1x1 that torch writes for
 *       AdaptiveAvgPool2d(7) at 224, {@code /Flatten} (axis 1), Gemm transB 1, no Dropout (eval
 *       mode drops it), logits out; initializers {@code features.0.weight} as raw_data.
 *   <li>{@link Pattern#ZOO}: the ONNX Model Zoo's vgg16-7 / vgg16-bn-7 (MXNet-converted, IR 3,
 *       opset 7): input {@code data}, every initializer also a graph input, nodes
 *       {@code vgg0_conv0_fwd}, {@code vgg0_batchnorm0_fwd} for the -bn files, {@code flatten_60},
 *       Gemm {@code vgg0_dense0_fwd} transB 1, Dropout {@code vgg0_dropout0_fwd}, logits out.
 *   <li>{@link Pattern#CAFFE}: a Caffe-converted VGG (the paper's release through a Caffe-to-ONNX
 *       converter): input {@code data}, nodes {@code conv1_1}, {@code relu1_1}, {@code pool1}, a
 *       Reshape to [1, -1] before {@code fc6}, Dropout {@code drop6}, Softmax {@code prob} out.
 * </ul>
 */
public final class ClassicVgg {

    public enum Pattern { TORCHVISION, ZOO, CAFFE }

    /** Which part of the net the file holds. */
    public enum Part { FULL, TRUNK, HEAD }

    /** Width 1/16 of config A: 4, 8, 16, 32, 32 channels. */
    public static final int[][] A_16 = {{4}, {8}, {16, 16}, {32, 32}, {32, 32}};

    final Pattern pattern;
    final int[][] stages;
    final int fc;
    final int classes;
    boolean batchNorm;
    /** Gemm's B stored [in, out] with transB 0, and these alpha, beta. */
    boolean transB0;
    float alpha = 1f;
    float beta = 1f;
    boolean floatData;
    /** float_data unpacked: one fixed32 field per value (protobuf parsers must accept both forms). */
    boolean unpackedFloatData;
    /**
     * Reshape's target shape computed as torch 1.x's exporter did for {@code x.view(x.size(0), -1)}:
     * Shape, Gather (index 0), Unsqueeze, Concat with a Constant -1.
     */
    boolean shapeChain;
    boolean external;
    boolean ir3;
    Boolean reshape;
    /** An op inserted after the first conv's Relu, taking the chain and, for Add, the pool before as well. */
    String extraOp;
    /** An external location overriding the right one (for the path-escape refusal). */
    String externalLocation;

    private final List<float[]> convW = new ArrayList<>();
    private final List<float[]> convB = new ArrayList<>();
    private final List<float[][]> bn = new ArrayList<>();
    private final List<float[]> fcW = new ArrayList<>();
    private final List<float[]> fcB = new ArrayList<>();
    private final int[] fcIn = new int[3];
    private final int[] fcOut = new int[3];

    public ClassicVgg(Pattern pattern, int[][] stages, int fc, int classes, long seed) {
        this.pattern = pattern;
        this.stages = stages;
        this.fc = fc;
        this.classes = classes;
        Random r = new Random(seed);
        int in = 3;
        for (int[] stage : stages) {
            for (int out : stage) {
                convW.add(normal(r, out * in * 9, Math.sqrt(2.0 / (in * 9))));
                convB.add(uniform(r, out, 0.1));
                bn.add(new float[][] {shifted(r, out, 1, 0.3), uniform(r, out, 0.2), uniform(r, out, 0.3),
                    shifted(r, out, 1, 0.5)});
                in = out;
            }
        }
        int channels = in;
        fcIn[0] = channels * 49;
        fcOut[0] = fc;
        fcIn[1] = fc;
        fcOut[1] = fc;
        fcIn[2] = fc;
        fcOut[2] = classes;
        for (int i = 0; i < 3; i++) {
            // FC3 small: the class scores spread by a few units, so posteriors are neither flat nor one-hot
            fcW.add(normal(r, fcIn[i] * fcOut[i], i == 2 ? 1.0 / Math.sqrt(fcIn[i]) : Math.sqrt(2.0 / fcIn[i])));
            fcB.add(uniform(r, fcOut[i], 0.1));
        }
    }

    int pool5Channels() {
        return fcIn[0] / 49;
    }

    String inputName() {
        return pattern == Pattern.TORCHVISION ? "input" : "data";
    }

    String outputName() {
        return switch (pattern) {
            case TORCHVISION -> "output";
            case ZOO -> "vgg0_dense2_fwd";
            case CAFFE -> "prob";
        };
    }

    /** Writes the part as {@code file} (external data, if asked, beside it). */
    public Path write(Path file, Part part) throws IOException {
        List<Proto> nodes = new ArrayList<>();
        List<Proto> inits = new ArrayList<>();
        List<String> initNames = new ArrayList<>();
        List<long[]> initDims = new ArrayList<>();
        ByteBuffer ext = ByteBuffer.allocate(1 << 24).order(ByteOrder.LITTLE_ENDIAN);
        Path extFile = file.resolveSibling(file.getFileName() + ".data");
        String x = part == Part.HEAD ? "pool5_in" : inputName();
        if (part != Part.HEAD) {
            int layer = 0;
            int index = 0;
            int poolIndex = 0;
            for (int s = 0; s < stages.length; s++) {
                for (int c = 0; c < stages[s].length; c++) {
                    int out = stages[s][c];
                    int in = layer == 0 ? 3 : (int) (convW.get(layer).length / 9 / out);
                    String convName = switch (pattern) {
                        case TORCHVISION -> "/features/features." + index + "/Conv";
                        case ZOO -> "vgg0_conv" + layer + "_fwd";
                        case CAFFE -> "conv" + (s + 1) + "_" + (c + 1);
                    };
                    String wName = switch (pattern) {
                        case TORCHVISION -> "features." + index + ".weight";
                        case ZOO -> "vgg0_conv" + layer + "_weight";
                        case CAFFE -> "conv" + (s + 1) + "_" + (c + 1) + "_w";
                    };
                    String bName = wName.replace("weight", "bias").replace("_w", "_b");
                    add(inits, initNames, initDims, ext, wName, new long[] {out, in, 3, 3}, convW.get(layer), extFile);
                    add(inits, initNames, initDims, ext, bName, new long[] {out}, convB.get(layer), extFile);
                    String y = out(convName);
                    String convOut = y;
                    nodes.add(node("Conv", convName, y, x, wName, bName)
                            .message(5, ints("dilations", 1, 1)).message(5, intAttr("group", 1))
                            .message(5, ints("kernel_shape", 3, 3)).message(5, ints("pads", 1, 1, 1, 1))
                            .message(5, ints("strides", 1, 1)));
                    x = y;
                    index++;
                    if (batchNorm) {
                        String bnName = "vgg0_batchnorm" + layer + "_fwd";
                        String p = "vgg0_batchnorm" + layer + "_";
                        String[] kinds = {"gamma", "beta", "running_mean", "running_var"};
                        for (int k = 0; k < 4; k++) {
                            add(inits, initNames, initDims, ext, p + kinds[k], new long[] {out}, bn.get(layer)[k], extFile);
                        }
                        y = out(bnName);
                        nodes.add(node("BatchNormalization", bnName, y, x, p + "gamma", p + "beta", p + "running_mean",
                                p + "running_var").message(5, floatAttr("epsilon", 1e-5f))
                                .message(5, floatAttr("momentum", 0.9f)));
                        if (opset() == 7) {
                            nodes.set(nodes.size() - 1, nodes.get(nodes.size() - 1).message(5, intAttr("spatial", 1)));
                        }
                        x = y;
                    }
                    String reluName = switch (pattern) {
                        case TORCHVISION -> "/features/features." + index + "/Relu";
                        case ZOO -> "vgg0_relu" + layer + "_fwd";
                        case CAFFE -> "relu" + (s + 1) + "_" + (c + 1);
                    };
                    y = out(reluName);
                    nodes.add(node("Relu", reluName, y, x));
                    x = y;
                    index++;
                    layer++;
                    if (layer == 1 && extraOp != null) {
                        y = out(extraOp);
                        // Add: a residual connection around the ReLU, as a ResNet's block ends
                        nodes.add(extraOp.equals("Add") ? node("Add", "/layer1/Add", y, x, convOut)
                                : node(extraOp, "/features/odd", y, x));
                        x = y;
                    }
                }
                String poolName = switch (pattern) {
                    case TORCHVISION -> "/features/features." + index + "/MaxPool";
                    case ZOO -> "vgg0_pool" + poolIndex + "_fwd";
                    case CAFFE -> "pool" + (s + 1);
                };
                String y = out(poolName);
                Proto pool = node("MaxPool", poolName, y, x);
                if (opset() >= 10) {
                    pool.message(5, intAttr("ceil_mode", 0));
                }
                nodes.add(pool.message(5, ints("kernel_shape", 2, 2)).message(5, ints("pads", 0, 0, 0, 0))
                        .message(5, ints("strides", 2, 2)));
                x = y;
                index++;
                poolIndex++;
            }
        }
        if (part == Part.TRUNK) {
            return finish(file, nodes, inits, initNames, initDims, ext, extFile, inputName(), x, 224);
        }
        if (pattern == Pattern.TORCHVISION && part == Part.FULL) {
            String y = out("/avgpool/AveragePool");
            nodes.add(node("AveragePool", "/avgpool/AveragePool", y, x).message(5, intAttr("ceil_mode", 0))
                    .message(5, ints("kernel_shape", 1, 1)).message(5, ints("pads", 0, 0, 0, 0))
                    .message(5, ints("strides", 1, 1)));
            x = y;
        }
        boolean useReshape = reshape != null ? reshape : pattern == Pattern.CAFFE;
        if (useReshape && shapeChain) {
            nodes.add(node("Shape", "Shape_30", "shape_30", x));
            nodes.add(node("Constant", "Constant_31", "const_31").message(5, tensorAttr(new long[0], 0)));
            nodes.add(node("Gather", "Gather_32", "gather_32", "shape_30", "const_31").message(5, intAttr("axis", 0)));
            nodes.add(node("Unsqueeze", "Unsqueeze_33", "unsqueeze_33", "gather_32").message(5, ints("axes", 0)));
            nodes.add(node("Constant", "Constant_34", "const_34").message(5, tensorAttr(new long[] {1}, -1)));
            nodes.add(node("Concat", "Concat_35", "concat_35", "unsqueeze_33", "const_34").message(5, intAttr("axis", 0)));
            String y = out("Reshape_36");
            nodes.add(node("Reshape", "Reshape_36", y, x, "concat_35"));
            x = y;
        } else if (useReshape) {
            String shapeName = "pool5_shape";
            Proto t = new Proto().varint(1, 2).varint(2, 7).string(8, shapeName);
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            Proto.writeVarint(bytes, 1);
            Proto.writeVarint(bytes, -1);
            t.bytes(7, bytes.toByteArray());
            inits.add(t);
            initNames.add(shapeName);
            initDims.add(new long[] {-7, 2});
            String y = out("pool5_reshape");
            nodes.add(node("Reshape", "pool5_reshape", y, x, shapeName));
            x = y;
        } else {
            String name = pattern == Pattern.ZOO ? "flatten_60" : "/Flatten";
            String y = out(name);
            nodes.add(node("Flatten", name, y, x).message(5, intAttr("axis", 1)));
            x = y;
        }
        for (int i = 0; i < 3; i++) {
            String gemm = switch (pattern) {
                case TORCHVISION -> "/classifier/classifier." + (3 * i) + "/Gemm";
                case ZOO -> "vgg0_dense" + i + "_fwd";
                case CAFFE -> "fc" + (6 + i);
            };
            String wName = switch (pattern) {
                case TORCHVISION -> "classifier." + (3 * i) + ".weight";
                case ZOO -> "vgg0_dense" + i + "_weight";
                case CAFFE -> "fc" + (6 + i) + "_w";
            };
            String bName = wName.replace("weight", "bias").replace("_w", "_b");
            float[] w = fcW.get(i);
            long[] dims = {fcOut[i], fcIn[i]};
            if (transB0) {
                w = transpose(w, fcOut[i], fcIn[i]);
                dims = new long[] {fcIn[i], fcOut[i]};
            }
            // the stored B and C undo alpha and beta, so the net computes the same function
            add(inits, initNames, initDims, ext, wName, dims, scaled(w, 1 / alpha), extFile);
            add(inits, initNames, initDims, ext, bName, new long[] {fcOut[i]}, scaled(fcB.get(i), 1 / beta), extFile);
            String y = pattern != Pattern.CAFFE && i == 2 ? outputName() : out(gemm);
            nodes.add(node("Gemm", gemm, y, x, wName, bName).message(5, floatAttr("alpha", alpha))
                    .message(5, floatAttr("beta", beta)).message(5, intAttr("transB", transB0 ? 0 : 1)));
            x = y;
            if (i < 2) {
                String relu = switch (pattern) {
                    case TORCHVISION -> "/classifier/classifier." + (3 * i + 1) + "/Relu";
                    case ZOO -> "vgg0_relu" + (layersCount() + i) + "_fwd";
                    case CAFFE -> "relu" + (6 + i);
                };
                y = out(relu);
                nodes.add(node("Relu", relu, y, x));
                x = y;
                if (pattern != Pattern.TORCHVISION) {
                    String drop = pattern == Pattern.ZOO ? "vgg0_dropout" + i + "_fwd" : "drop" + (6 + i);
                    y = out(drop);
                    nodes.add(node("Dropout", drop, y, x).message(5, floatAttr("ratio", 0.5f)));
                    x = y;
                }
            }
        }
        if (pattern == Pattern.CAFFE) {
            nodes.add(node("Softmax", "prob", "prob", x).message(5, intAttr("axis", 1)));
            x = "prob";
        }
        return finish(file, nodes, inits, initNames, initDims, ext, extFile, part == Part.HEAD ? "pool5_in"
                : inputName(), x, part == Part.HEAD ? 7 : 224);
    }

    private int opset() {
        return switch (pattern) {
            case TORCHVISION -> 17;
            case ZOO -> 7;
            case CAFFE -> 9;
        };
    }

    private int layersCount() {
        int n = 0;
        for (int[] s : stages) {
            n += s.length;
        }
        return n;
    }

    private String out(String nodeName) {
        return switch (pattern) {
            case TORCHVISION -> nodeName + "_output_0";
            default -> nodeName;
        };
    }

    private Proto node(String op, String name, String output, String... inputs) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.string(1, in);
        }
        return n.string(2, output).string(3, name).string(4, op);
    }

    private void add(List<Proto> inits, List<String> names, List<long[]> dimsList, ByteBuffer ext, String name,
            long[] dims, float[] values, Path extFile) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, 1).string(8, name);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        if (external) {
            long offset = ext.position();
            ext.put(b.array());
            String location = externalLocation != null ? externalLocation : extFile.getFileName().toString();
            t.message(13, new Proto().string(1, "location").string(2, location));
            t.message(13, new Proto().string(1, "offset").string(2, Long.toString(offset)));
            t.message(13, new Proto().string(1, "length").string(2, Long.toString(b.capacity())));
            t.varint(14, 1);
        } else if (unpackedFloatData) {
            for (float v : values) {
                t.float32(4, v);
            }
        } else if (floatData) {
            t.bytes(4, b.array()); // packed repeated float: the same bytes as raw_data, field 4
        } else {
            t.bytes(9, b.array());
        }
        inits.add(t);
        names.add(name);
        dimsList.add(dims);
    }

    private Path finish(Path file, List<Proto> nodes, List<Proto> inits, List<String> initNames, List<long[]> initDims,
            ByteBuffer ext, Path extFile, String input, String output, int side) throws IOException {
        Proto g = new Proto();
        for (Proto n : nodes) {
            g.message(1, n);
        }
        g.string(2, "main_graph");
        for (Proto t : inits) {
            g.message(5, t);
        }
        int inChannels = input.equals("pool5_in") ? pool5Channels() : 3;
        g.message(11, valueInfo(input, "N", (long) inChannels, input.equals("pool5_in") ? 7L : "H",
                input.equals("pool5_in") ? 7L : "W"));
        if (ir3) {
            for (int i = 0; i < initNames.size(); i++) {
                long[] d = initDims.get(i);
                Object[] dims = new Object[d.length];
                boolean int64 = d[0] == -7;
                for (int k = 0; k < d.length; k++) {
                    dims[k] = d[k];
                }
                if (int64) {
                    dims = new Object[] {2L};
                }
                g.message(11, valueInfo(initNames.get(i), int64 ? 7 : 1, dims));
            }
        }
        g.message(12, valueInfo(output, 1, (Object[]) new Object[] {"N"}));
        long ir = ir3 ? 3 : pattern == Pattern.ZOO ? 3 : 8;
        long opset = opset();
        Proto m = new Proto().varint(1, ir).string(2, switch (pattern) {
            case TORCHVISION -> "pytorch";
            case ZOO -> "MXNet";
            case CAFFE -> "caffe2onnx";
        }).message(8, new Proto().string(1, "").varint(2, opset)).message(7, g);
        try (OutputStream out = Files.newOutputStream(file)) {
            m.writeTo(out);
        }
        if (external) {
            Files.write(extFile, java.util.Arrays.copyOf(ext.array(), ext.position()));
        }
        return file;
    }

    private static Proto valueInfo(String name, Object... dims) {
        return valueInfo(name, 1, dims);
    }

    private static Proto valueInfo(String name, int elem, Object... dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            shape.message(1, d instanceof String s ? new Proto().string(2, s) : new Proto().varint(1, (Long) d));
        }
        return new Proto().string(1, name)
                .message(2, new Proto().message(1, new Proto().varint(1, elem).message(2, shape)));
    }

    static Proto ints(String name, long... values) {
        Proto a = new Proto().string(1, name);
        for (long v : values) {
            a.varint(8, v);
        }
        return a.varint(20, 7);
    }

    /** A Constant's {@code value}: an int64 tensor of these dims holding {@code v} (int64_data, unpacked). */
    static Proto tensorAttr(long[] dims, long v) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, 7).varint(7, v);
        return new Proto().string(1, "value").message(5, t).varint(20, 4);
    }

    static Proto intAttr(String name, long v) {
        return new Proto().string(1, name).varint(3, v).varint(20, 2);
    }

    static Proto floatAttr(String name, float v) {
        return new Proto().string(1, name).float32(2, v).varint(20, 1);
    }

    private static float[] normal(Random r, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * std);
        }
        return a;
    }

    private static float[] uniform(Random r, int n, double half) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * half);
        }
        return a;
    }

    private static float[] shifted(Random r, int n, double centre, double half) {
        float[] a = uniform(r, n, half);
        for (int i = 0; i < n; i++) {
            a[i] += (float) centre;
        }
        return a;
    }

    private static float[] scaled(float[] a, float f) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i] * f;
        }
        return b;
    }

    private static float[] transpose(float[] w, int rows, int cols) {
        float[] t = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = w[r * cols + c];
            }
        }
        return t;
    }
}
