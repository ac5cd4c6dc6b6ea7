package io.vggstream.onnx;

import java.util.List;

/** ONNX NodeProto, AttributeProto and ValueInfoProto builders for the dense graphs this project writes. */
public final class Nodes {

    private static final int FLOAT = 1;
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_STRING = 3;
    private static final int ATTR_FLOATS = 6;
    private static final int ATTR_INTS = 7;

    private Nodes() {}

    /** A node of {@code op} named {@code name}, writing {@code output}. */
    public static Proto node(String op, String name, List<String> inputs, String output) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.string(1, in);
        }
        return n.string(2, output).string(3, name).string(4, op);
    }

    /** A square conv with stride 1 reading initializers {@code name_weight} and {@code name_bias}. */
    public static Proto conv(String name, String input, int kernel, int pad) {
        return node("Conv", name, List.of(input, name + "_weight", name + "_bias"), name)
                .message(5, attrInts("kernel_shape", kernel, kernel))
                .message(5, attrInts("pads", pad, pad, pad, pad))
                .message(5, attrInts("strides", 1, 1));
    }

    public static Proto attrInt(String name, long value) {
        return new Proto().string(1, name).varint(3, value).varint(20, ATTR_INT);
    }

    public static Proto attrFloat(String name, float value) {
        return new Proto().string(1, name).float32(2, value).varint(20, ATTR_FLOAT);
    }

    public static Proto attrString(String name, String value) {
        return new Proto().string(1, name).string(4, value).varint(20, ATTR_STRING);
    }

    public static Proto attrFloats(String name, float... values) {
        Proto a = new Proto().string(1, name);
        for (float v : values) {
            a.float32(7, v);
        }
        return a.varint(20, ATTR_FLOATS);
    }

    public static Proto attrInts(String name, long... values) {
        Proto a = new Proto().string(1, name);
        for (long v : values) {
            a.varint(8, v);
        }
        return a.varint(20, ATTR_INTS);
    }

    /** {@code [dims]} float32; a String dim is symbolic (dim_param), a Long one fixed (dim_value). */
    public static Proto valueInfo(String name, Object... dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            shape.message(1, d instanceof String s ? new Proto().string(2, s) : new Proto().varint(1, (Long) d));
        }
        Proto tensorType = new Proto().varint(1, FLOAT).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }
}
