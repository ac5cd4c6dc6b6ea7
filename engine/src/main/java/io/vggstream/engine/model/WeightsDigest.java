package io.vggstream.engine.model;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of an ONNX graph's weights as the card's {@code weights_sha256} defines it: the raw
 * little-endian data of every initializer as stored, in graph order (float32 for a float graph; a
 * quantized graph's int8 weights, int32 biases, scales and zero points alike). The file is read once as a
 * stream of protobuf fields (ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto.raw_data
 * = 9, or its packed float_data = 4, the same bytes), so memory stays flat whatever the model's size.
 * The same pass picks up the card the graph carries (ModelProto.metadata_props = 14, an entry of key
 * = 1 and value = 2, under {@code vggstream.model_card}), so both copies of a card can be compared.
 */
final class WeightsDigest {

    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_METADATA = 14;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    /** A metadata entry larger than this is not a card: skipped unread. */
    private static final long MAX_ENTRY = 16L << 20;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_NAME = 8;
    /** TensorProto.DataType FLOAT. */
    private static final long FLOAT = 1;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int BYTES = 2;
    private static final int FIXED32 = 5;

    private WeightsDigest() {
    }

    /**
     * What one read of an ONNX file tells.
     *
     * @param weightsSha256 the hex SHA-256 of the initializers
     * @param embeddedCard the JSON under {@code vggstream.model_card} in the metadata, or null when there is none
     */
    record Scan(String weightsSha256, String embeddedCard) {
    }

    /** The hex SHA-256 of {@code onnx}'s initializers. */
    static String sha256(Path onnx) throws IOException {
        return scan(onnx).weightsSha256();
    }

    /** The weights' hash and the embedded card, in one streamed read. */
    static Scan scan(Path onnx) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        String[] card = new String[1];
        walk(onnx, (r, tensorEnd) -> {
            while (r.pos < tensorEnd) {
                long t = r.varint();
                if ((field(t) == TENSOR_RAW_DATA || field(t) == TENSOR_FLOAT_DATA) && wire(t) == BYTES) {
                    r.digest(r.end(tensorEnd) - r.pos, sha);
                } else {
                    r.skip(wire(t), tensorEnd);
                }
            }
        }, (r, end) -> {
            String value = entry(r, end);
            if (value != null) {
                card[0] = value;
            }
        });
        return new Scan(HexFormat.of().formatHex(sha.digest()), card[0]);
    }

    /** Reads one field region of the stream: a tensor's fields up to {@code end}, or a metadata entry. */
    private interface Part {
        void read(Reader r, long end) throws IOException;
    }

    /**
     * One streamed pass over {@code onnx}: {@code initializer} reads each of the graph's initializers (its fields, up to
     * the end it is given), {@code metadata} each of the model's metadata entries; every other field is skipped unread.
     */
    private static void walk(Path onnx, Part initializer, Part metadata) throws IOException {
        try (Reader r = new Reader(new BufferedInputStream(Files.newInputStream(onnx), 1 << 16))) {
            long end = Files.size(onnx);
            while (r.pos < end) {
                long tag = r.varint();
                if (field(tag) == MODEL_GRAPH && wire(tag) == BYTES) {
                    long graphEnd = r.end(end);
                    while (r.pos < graphEnd) {
                        long g = r.varint();
                        if (field(g) == GRAPH_INITIALIZER && wire(g) == BYTES) {
                            long tensorEnd = r.end(graphEnd);
                            initializer.read(r, tensorEnd);
                        } else {
                            r.skip(wire(g), graphEnd);
                        }
                    }
                } else if (field(tag) == MODEL_METADATA && wire(tag) == BYTES) {
                    metadata.read(r, end);
                } else {
                    r.skip(wire(tag), end);
                }
            }
        }
    }

    /** A float32 initializer read in full: its dims and values. */
    record FloatTensor(long[] dims, float[] values) {
    }

    /** The most values one tensor read by {@link #floatTensors} may hold: a head's weights, not a network's. */
    static final int MAX_READ_FLOATS = 1 << 26;

    /**
     * The float32 initializers of {@code onnx} named in {@code names}, read in full (one streamed pass; every other
     * tensor's data is skipped unread). A tensor's name must come before its data, as protobuf's canonical order and
     * this project's writer put it (name = 8, raw_data = 9); one whose data came first is not found. Packed or unpacked
     * float_data is read too.
     *
     * @throws IOException when a wanted tensor is not float32, holds more than {@link #MAX_READ_FLOATS} values, or its
     *     data disagrees with its dims
     */
    static java.util.Map<String, FloatTensor> floatTensors(Path onnx, java.util.Set<String> names) throws IOException {
        java.util.Map<String, FloatTensor> found = new java.util.HashMap<>();
        walk(onnx, (r, tensorEnd) -> {
            String name = null;
            long type = 0;
            java.util.List<Long> dims = new java.util.ArrayList<>();
            java.io.ByteArrayOutputStream data = null;
            while (r.pos < tensorEnd) {
                long t = r.varint();
                int f = field(t);
                boolean wanted = name != null && names.contains(name);
                if (f == TENSOR_DIMS && wire(t) == VARINT) {
                    dims.add(r.varint());
                } else if (f == TENSOR_DIMS && wire(t) == BYTES) {
                    long dimsEnd = r.end(tensorEnd);
                    while (r.pos < dimsEnd) {
                        dims.add(r.varint());
                    }
                } else if (f == TENSOR_DATA_TYPE && wire(t) == VARINT) {
                    type = r.varint();
                } else if (f == TENSOR_NAME && wire(t) == BYTES) {
                    long nameEnd = r.end(tensorEnd);
                    name = nameEnd - r.pos > 4096 ? null : new String(r.bytes((int) (nameEnd - r.pos)),
                        java.nio.charset.StandardCharsets.UTF_8);
                    if (name == null) {
                        r.discard(nameEnd - r.pos, nameEnd);
                    }
                } else if (wanted && (f == TENSOR_RAW_DATA || f == TENSOR_FLOAT_DATA) && wire(t) == BYTES) {
                    long dataEnd = r.end(tensorEnd);
                    long n = dataEnd - r.pos;
                    if (n > 4L * MAX_READ_FLOATS) {
                        throw new IOException("tensor '" + name + "' holds " + n + " bytes, more than a head's " + 4L * MAX_READ_FLOATS);
                    }
                    data = data == null ? new java.io.ByteArrayOutputStream((int) n) : data;
                    data.write(r.bytes((int) n));
                } else if (wanted && f == TENSOR_FLOAT_DATA && wire(t) == FIXED32) {
                    data = data == null ? new java.io.ByteArrayOutputStream() : data;
                    data.write(r.bytes(4));
                } else {
                    r.skip(wire(t), tensorEnd);
                }
            }
            if (name != null && names.contains(name) && data != null) {
                found.put(name, floatTensor(name, type, dims, data.toByteArray()));
            }
        }, (r, end) -> r.skip(BYTES, end));
        return found;
    }

    private static FloatTensor floatTensor(String name, long type, java.util.List<Long> dims, byte[] bytes) throws IOException {
        if (type != FLOAT) {
            throw new IOException("tensor '" + name + "' has data type " + type + ", not float32 (1)");
        }
        long count = 1;
        for (long d : dims) {
            if (d < 0 || d > MAX_READ_FLOATS) {
                throw new IOException("tensor '" + name + "' has dims " + dims);
            }
            count *= d;
        }
        if (count * Float.BYTES != bytes.length) {
            throw new IOException("tensor '" + name + "' has " + bytes.length + " bytes of data for dims " + dims);
        }
        float[] values = new float[(int) count];
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return new FloatTensor(dims.stream().mapToLong(Long::longValue).toArray(), values);
    }

    /** The value of a metadata entry whose key is the card's, or null; an entry that does not parse as one is passed over. */
    private static String entry(Reader r, long limit) throws IOException {
        long entryEnd = r.end(limit);
        if (entryEnd - r.pos > MAX_ENTRY) {
            r.discard(entryEnd - r.pos, entryEnd);
            return null;
        }
        byte[] bytes = r.bytes((int) (entryEnd - r.pos));
        String key = null;
        String value = null;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            long tag = varint(b);
            if (tag < 0 || wire(tag) != BYTES) {
                return null;
            }
            long len = varint(b);
            if (len < 0 || len > b.remaining()) {
                return null;
            }
            String text = new String(bytes, b.position(), (int) len, java.nio.charset.StandardCharsets.UTF_8);
            b.position(b.position() + (int) len);
            if (field(tag) == ENTRY_KEY) {
                key = text;
            } else if (field(tag) == ENTRY_VALUE) {
                value = text;
            }
        }
        return io.vggstream.topics.card.ModelCard.ONNX_METADATA_KEY.equals(key) ? value : null;
    }

    /** A varint from {@code b}, or -1 when it is cut short or too long. */
    private static long varint(java.nio.ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64 && b.hasRemaining(); shift += 7) {
            int x = b.get() & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        return -1;
    }

    private static int field(long tag) {
        return (int) (tag >>> 3);
    }

    private static int wire(long tag) {
        return (int) (tag & 7);
    }

    /** Protobuf's wire format over a stream, counting the bytes read. */
    private static final class Reader implements AutoCloseable {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        long pos;

        Reader(InputStream in) {
            this.in = in;
        }

        int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the file ends inside a field");
            }
            pos++;
            return b;
        }

        long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = read();
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("a varint longer than 10 bytes");
        }

        /** Reads a length and returns where the field ends, which must be within {@code limit}. */
        long end(long limit) throws IOException {
            long len = varint();
            if (len < 0 || pos + len > limit) {
                throw new IOException("a field of " + len + " bytes runs past its enclosing message");
            }
            return pos + len;
        }

        void skip(int wire, long limit) throws IOException {
            switch (wire) {
                case VARINT -> varint();
                case FIXED64 -> discard(8, limit);
                case FIXED32 -> discard(4, limit);
                case BYTES -> discard(end(limit) - pos, limit);
                default -> throw new IOException("unsupported protobuf wire type " + wire);
            }
        }

        byte[] bytes(int n) throws IOException {
            byte[] out = new byte[n];
            int off = 0;
            while (off < n) {
                int got = in.read(out, off, n - off);
                if (got < 0) {
                    throw new EOFException("the file ends inside a field");
                }
                off += got;
            }
            pos += n;
            return out;
        }

        void discard(long n, long limit) throws IOException {
            if (pos + n > limit) {
                throw new IOException("a field runs past its enclosing message");
            }
            long left = n;
            while (left > 0) {
                int got = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (got < 0) {
                    throw new EOFException("the file ends inside a field");
                }
                left -= got;
            }
            pos += n;
        }

        void digest(long n, MessageDigest sha) throws IOException {
            long left = n;
            while (left > 0) {
                int got = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (got < 0) {
                    throw new EOFException("the file ends inside a tensor");
                }
                sha.update(buf, 0, got);
                left -= got;
            }
            pos += n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
