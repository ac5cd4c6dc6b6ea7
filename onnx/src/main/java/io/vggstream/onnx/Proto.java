package io.vggstream.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A protobuf message written by hand: the few wire types ONNX needs (varint, fixed32, length-
 * delimited), sizes computed before writing so that nested messages can be streamed, and large
 * payloads (tensor data) produced only when written. Field numbers are onnx.proto's (IR version 8),
 * checked against Debian's {@code libonnx-dev} copy. The trainer's export and the import of
 * pretrained VGGs both write with it; {@link OnnxReader} reads.
 */
public final class Proto {

    /** Writes a payload of known size when the message is streamed. */
    public interface Payload {
        long size();

        void writeTo(OutputStream out) throws IOException;
    }

    private sealed interface Field {
        int number();
    }

    private record Varint(int number, long value) implements Field {}

    private record Fixed32(int number, int bits) implements Field {}

    private record Bytes(int number, byte[] value) implements Field {}

    private record Nested(int number, Proto value) implements Field {}

    private record Lazy(int number, Payload value) implements Field {}

    private final List<Field> fields = new ArrayList<>();

    public Proto varint(int number, long value) {
        fields.add(new Varint(number, value));
        return this;
    }

    public Proto float32(int number, float value) {
        fields.add(new Fixed32(number, Float.floatToIntBits(value)));
        return this;
    }

    public Proto string(int number, String value) {
        fields.add(new Bytes(number, value.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    /** Raw bytes (a length-delimited field). */
    public Proto bytes(int number, byte[] value) {
        fields.add(new Bytes(number, value.clone()));
        return this;
    }

    public Proto message(int number, Proto value) {
        fields.add(new Nested(number, value));
        return this;
    }

    public Proto payload(int number, Payload value) {
        fields.add(new Lazy(number, value));
        return this;
    }

    /** Encoded size in bytes, without this message's own tag and length. */
    public long size() {
        long n = 0;
        for (Field f : fields) {
            n += tagSize(f.number());
            if (f instanceof Varint v) {
                n += varintSize(v.value());
            } else if (f instanceof Fixed32) {
                n += 4;
            } else if (f instanceof Bytes b) {
                n += varintSize(b.value().length) + b.value().length;
            } else if (f instanceof Nested m) {
                long s = m.value().size();
                n += varintSize(s) + s;
            } else if (f instanceof Lazy l) {
                n += varintSize(l.value().size()) + l.value().size();
            }
        }
        return n;
    }

    /** Streams the fields (a top-level message: no tag, no length). */
    public void writeTo(OutputStream out) throws IOException {
        for (Field f : fields) {
            if (f instanceof Varint v) {
                writeVarint(out, tag(f.number(), 0));
                writeVarint(out, v.value());
            } else if (f instanceof Fixed32 x) {
                writeVarint(out, tag(f.number(), 5));
                out.write(x.bits());
                out.write(x.bits() >>> 8);
                out.write(x.bits() >>> 16);
                out.write(x.bits() >>> 24);
            } else if (f instanceof Bytes b) {
                writeVarint(out, tag(f.number(), 2));
                writeVarint(out, b.value().length);
                out.write(b.value());
            } else if (f instanceof Nested m) {
                writeVarint(out, tag(f.number(), 2));
                writeVarint(out, m.value().size());
                m.value().writeTo(out);
            } else if (f instanceof Lazy l) {
                writeVarint(out, tag(f.number(), 2));
                writeVarint(out, l.value().size());
                l.value().writeTo(out);
            }
        }
    }

    private static long tag(int number, int wireType) {
        return ((long) number << 3) | wireType;
    }

    private static int tagSize(int number) {
        return varintSize(tag(number, 0));
    }

    public static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    public static void writeVarint(OutputStream out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
