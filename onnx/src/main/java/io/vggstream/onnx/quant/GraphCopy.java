package io.vggstream.onnx.quant;

import io.vggstream.onnx.OnnxModel;
import io.vggstream.onnx.OnnxModel.Attribute;
import io.vggstream.onnx.OnnxModel.Node;
import io.vggstream.onnx.OnnxModel.ValueInfo;
import io.vggstream.onnx.Proto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Writes back what {@link io.vggstream.onnx.OnnxReader} read: nodes with their attributes, value
 * infos, and raw tensors whose bytes are produced when streamed and hashed on the way (the card's
 * {@code weights_sha256} is the SHA-256 of every initializer's raw_data, in graph order, whatever
 * its element type).
 */
final class GraphCopy {

    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;

    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_STRING = 3;
    private static final int ATTR_FLOATS = 6;
    private static final int ATTR_INTS = 7;

    private GraphCopy() {}

    /** Produces a tensor's little-endian bytes. */
    @FunctionalInterface
    interface Bytes {
        void writeTo(OutputStream out) throws IOException;
    }

    /** NodeProto with {@code inputs} in place of the node's own. */
    static Proto node(Node n, List<String> inputs) {
        Proto p = new Proto();
        for (String in : inputs) {
            p.string(1, in);
        }
        for (String out : n.outputs()) {
            p.string(2, out);
        }
        p.string(3, n.name()).string(4, n.opType());
        for (Attribute a : n.attributes().values()) {
            p.message(5, attribute(n, a));
        }
        if (!n.domain().isEmpty()) {
            p.string(7, n.domain());
        }
        return p;
    }

    private static Proto attribute(Node n, Attribute a) {
        Proto p = new Proto().string(1, a.name());
        switch (a.type()) {
            case ATTR_FLOAT -> p.float32(2, a.f());
            case ATTR_INT -> p.varint(3, a.i());
            case ATTR_STRING -> p.string(4, a.s());
            case ATTR_FLOATS -> a.floats().forEach(f -> p.float32(7, f));
            case ATTR_INTS -> a.ints().forEach(i -> p.varint(8, i));
            default -> throw new IllegalArgumentException(n.describe() + ": attribute '" + a.name() + "' of type "
                    + a.type() + " cannot be rewritten (a VGG's graph has float, int, string and list attributes only)");
        }
        return p.varint(20, a.type());
    }

    /** ValueInfoProto: the element type and, when known, the shape (a null dim is written unknown). */
    static Proto valueInfo(ValueInfo v) {
        Proto tensorType = new Proto().varint(1, v.elemType() == 0 ? FLOAT : v.elemType());
        if (!v.shape().isEmpty()) {
            Proto shape = new Proto();
            for (Object d : v.shape()) {
                Proto dim = new Proto();
                if (d instanceof String s) {
                    dim.string(2, s);
                } else if (d instanceof Long l) {
                    dim.varint(1, l);
                }
                shape.message(1, dim);
            }
            tensorType.message(2, shape);
        }
        return new Proto().string(1, v.name()).message(2, new Proto().message(1, tensorType));
    }

    /** A float32 output of unknown shape (a calibration output). */
    static Proto floatOutput(String name) {
        return valueInfo(new ValueInfo(name, FLOAT, List.of()));
    }

    /** A TensorProto of {@code type} whose raw_data ({@code bytes} long) comes from {@code data} when written, hashed into {@code sha}. */
    static Proto tensor(String name, long[] dims, int type, long bytes, MessageDigest sha, Bytes data) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, type).string(8, name).payload(9, new Proto.Payload() {
            @Override
            public long size() {
                return bytes;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                Counting c = new Counting(out, sha);
                data.writeTo(c);
                c.flushBuffer();
                if (c.count != bytes) {
                    throw new IllegalStateException(name + ": " + c.count + " bytes written, " + bytes + " expected");
                }
            }
        });
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Passes bytes on to the file and the digest, buffered. */
    private static final class Counting extends OutputStream {
        private final OutputStream out;
        private final MessageDigest sha;
        private final byte[] buf = new byte[1 << 16];
        private int n;
        long count;

        Counting(OutputStream out, MessageDigest sha) {
            this.out = out;
            this.sha = sha;
        }

        @Override
        public void write(int b) throws IOException {
            if (n == buf.length) {
                flushBuffer();
            }
            buf[n++] = (byte) b;
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        void flushBuffer() throws IOException {
            out.write(buf, 0, n);
            sha.update(buf, 0, n);
            n = 0;
        }
    }
}
