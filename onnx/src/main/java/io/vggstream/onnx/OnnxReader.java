package io.vggstream.onnx;

import io.vggstream.onnx.OnnxModel.Attribute;
import io.vggstream.onnx.OnnxModel.Data;
import io.vggstream.onnx.OnnxModel.External;
import io.vggstream.onnx.OnnxModel.Graph;
import io.vggstream.onnx.OnnxModel.InFile;
import io.vggstream.onnx.OnnxModel.Inline;
import io.vggstream.onnx.OnnxModel.Node;
import io.vggstream.onnx.OnnxModel.Tensor;
import io.vggstream.onnx.OnnxModel.ValueInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX model at the protobuf wire level without loading its weights: the file is read
 * through a 64 KiB window for the graph's structure, and each tensor's data is only located (its
 * offset and length, or its external-data reference). {@link #floats} later maps a tensor's bytes
 * read-only, so a 528 MB VGG-16 needs a few hundred kilobytes of heap to read, and the weights come
 * from the page cache as views, never copied into arrays.
 *
 * <p>Field numbers are onnx.proto's (checked against Debian's {@code libonnx-dev} copy); unknown
 * fields are skipped, as protobuf does. Repeated scalars are read packed or unpacked.
 */
public final class OnnxReader {

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int BYTES = 2;
    private static final int FIXED32 = 5;
    /** The most elements an int64 tensor read into memory may hold (shapes, not weights). */
    private static final int MAX_INLINE_LONGS = 1 << 16;

    private OnnxReader() {}

    /** Reads {@code file}'s model structure; tensor data stays in the file. */
    public static OnnxModel read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Wire w = new Wire(file, ch);
            long end = ch.size();
            long ir = 0;
            String producer = "";
            String producerVersion = "";
            Map<String, Long> opsets = new LinkedHashMap<>();
            Graph graph = null;
            Map<String, String> metadata = new LinkedHashMap<>();
            while (w.pos < end) {
                long tag = w.varint();
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                if (field == 1 && wire == VARINT) {
                    ir = w.varint();
                } else if (field == 2 && wire == BYTES) {
                    producer = w.string(end);
                } else if (field == 3 && wire == BYTES) {
                    producerVersion = w.string(end);
                } else if (field == 7 && wire == BYTES) {
                    long graphEnd = w.end(end);
                    graph = graph(w, graphEnd);
                } else if (field == 8 && wire == BYTES) {
                    long e = w.end(end);
                    String domain = "";
                    long version = 0;
                    while (w.pos < e) {
                        long t = w.varint();
                        if ((t >>> 3) == 1 && (t & 7) == BYTES) {
                            domain = w.string(e);
                        } else if ((t >>> 3) == 2 && (t & 7) == VARINT) {
                            version = w.varint();
                        } else {
                            w.skip((int) (t & 7), e);
                        }
                    }
                    opsets.put(domain, version);
                } else if (field == 14 && wire == BYTES) {
                    long e = w.end(end);
                    String[] kv = w.keyValue(e);
                    metadata.put(kv[0], kv[1]);
                } else {
                    w.skip(wire, end);
                }
            }
            if (graph == null) {
                throw new MalformedOnnxException(file, "holds no graph (not an ONNX model?)");
            }
            String prod = (producer + " " + producerVersion).trim();
            return new OnnxModel(file, ir, prod, Collections.unmodifiableMap(opsets), graph,
                    Collections.unmodifiableMap(metadata));
        }
    }

    private static Graph graph(Wire w, long end) throws IOException {
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> inits = new LinkedHashMap<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        String name = "";
        while (w.pos < end) {
            long tag = w.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (wire != BYTES) {
                w.skip(wire, end);
                continue;
            }
            long e = w.end(end);
            switch (field) {
                case 1 -> nodes.add(node(w, e));
                case 2 -> name = w.stringTo(e);
                case 5 -> {
                    Tensor t = tensor(w, e);
                    inits.put(t.name(), t);
                }
                case 11 -> inputs.add(valueInfo(w, e));
                case 12 -> outputs.add(valueInfo(w, e));
                default -> w.pos = e;
            }
            w.expect(e);
        }
        return new Graph(name, List.copyOf(nodes), Collections.unmodifiableMap(inits), List.copyOf(inputs),
                List.copyOf(outputs));
    }

    private static Node node(Wire w, long end) throws IOException {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        while (w.pos < end) {
            long tag = w.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (wire != BYTES) {
                w.skip(wire, end);
                continue;
            }
            long e = w.end(end);
            switch (field) {
                case 1 -> in.add(w.stringTo(e));
                case 2 -> out.add(w.stringTo(e));
                case 3 -> name = w.stringTo(e);
                case 4 -> op = w.stringTo(e);
                case 7 -> domain = w.stringTo(e);
                case 5 -> {
                    Attribute a = attribute(w, e);
                    attrs.put(a.name(), a);
                }
                default -> w.pos = e;
            }
            w.expect(e);
        }
        return new Node(op, name, domain, List.copyOf(in), List.copyOf(out), Collections.unmodifiableMap(attrs));
    }

    private static Attribute attribute(Wire w, long end) throws IOException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = "";
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        Tensor t = null;
        while (w.pos < end) {
            long tag = w.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == BYTES) {
                name = w.string(end);
            } else if (field == 2 && wire == FIXED32) {
                f = Float.intBitsToFloat(w.fixed32());
            } else if (field == 3 && wire == VARINT) {
                i = w.varint();
            } else if (field == 4 && wire == BYTES) {
                s = w.string(end);
            } else if (field == 5 && wire == BYTES) {
                long e = w.end(end);
                t = tensor(w, e);
                w.expect(e);
            } else if (field == 7 && wire == FIXED32) {
                floats.add(Float.intBitsToFloat(w.fixed32()));
            } else if (field == 7 && wire == BYTES) {
                long e = w.end(end);
                while (w.pos < e) {
                    floats.add(Float.intBitsToFloat(w.fixed32()));
                }
                w.expect(e);
            } else if (field == 8 && wire == VARINT) {
                ints.add(w.varint());
            } else if (field == 8 && wire == BYTES) {
                long e = w.end(end);
                while (w.pos < e) {
                    ints.add(w.varint());
                }
                w.expect(e);
            } else if (field == 20 && wire == VARINT) {
                type = (int) w.varint();
            } else {
                w.skip(wire, end);
            }
        }
        return new Attribute(name, type, f, i, s, List.copyOf(floats), List.copyOf(ints), t);
    }

    private static ValueInfo valueInfo(Wire w, long end) throws IOException {
        String name = "";
        int elem = 0;
        List<Object> shape = new ArrayList<>();
        while (w.pos < end) {
            long tag = w.varint();
            if ((tag >>> 3) == 1 && (tag & 7) == BYTES) {
                name = w.string(end);
            } else if ((tag >>> 3) == 2 && (tag & 7) == BYTES) {
                long typeEnd = w.end(end);
                while (w.pos < typeEnd) {
                    long t = w.varint();
                    if ((t >>> 3) == 1 && (t & 7) == BYTES) { // TypeProto.tensor_type
                        long te = w.end(typeEnd);
                        while (w.pos < te) {
                            long tt = w.varint();
                            if ((tt >>> 3) == 1 && (tt & 7) == VARINT) {
                                elem = (int) w.varint();
                            } else if ((tt >>> 3) == 2 && (tt & 7) == BYTES) {
                                long se = w.end(te);
                                while (w.pos < se) {
                                    long st = w.varint();
                                    if ((st >>> 3) == 1 && (st & 7) == BYTES) {
                                        long de = w.end(se);
                                        Object dim = null;
                                        while (w.pos < de) {
                                            long dt = w.varint();
                                            if ((dt >>> 3) == 1 && (dt & 7) == VARINT) {
                                                dim = w.varint();
                                            } else if ((dt >>> 3) == 2 && (dt & 7) == BYTES) {
                                                dim = w.string(de);
                                            } else {
                                                w.skip((int) (dt & 7), de);
                                            }
                                        }
                                        shape.add(dim);
                                    } else {
                                        w.skip((int) (st & 7), se);
                                    }
                                }
                            } else {
                                w.skip((int) (tt & 7), te);
                            }
                        }
                    } else {
                        w.skip((int) (t & 7), typeEnd);
                    }
                }
            } else {
                w.skip((int) (tag & 7), end);
            }
        }
        return new ValueInfo(name, elem, Collections.unmodifiableList(shape));
    }

    private static Tensor tensor(Wire w, long end) throws IOException {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        Data data = new OnnxModel.None();
        List<Float> floats = null;
        List<Long> longs = null;
        boolean external = false;
        Map<String, String> ext = new LinkedHashMap<>();
        while (w.pos < end) {
            long tag = w.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == VARINT) {
                dims.add(w.varint());
            } else if (field == 1 && wire == BYTES) {
                long e = w.end(end);
                while (w.pos < e) {
                    dims.add(w.varint());
                }
                w.expect(e);
            } else if (field == 2 && wire == VARINT) {
                type = (int) w.varint();
            } else if (field == 4 && wire == BYTES) { // packed float_data: the same bytes as raw_data
                long len = w.varint();
                w.check(len, end);
                data = new InFile(w.pos, len, false);
                w.pos += len;
            } else if (field == 4 && wire == FIXED32) {
                if (floats == null) {
                    floats = new ArrayList<>();
                }
                floats.add(Float.intBitsToFloat(w.fixed32()));
            } else if (field == 7 && wire == BYTES) {
                long e = w.end(end);
                longs = longs == null ? new ArrayList<>() : longs;
                while (w.pos < e) {
                    longs.add(w.varint());
                    if (longs.size() > MAX_INLINE_LONGS) {
                        throw w.malformed("int64 tensor '" + name + "' holds more than " + MAX_INLINE_LONGS
                                + " values (only shapes are read as int64)");
                    }
                }
                w.expect(e);
            } else if (field == 7 && wire == VARINT) {
                longs = longs == null ? new ArrayList<>() : longs;
                longs.add(w.varint());
            } else if (field == 8 && wire == BYTES) {
                name = w.string(end);
            } else if (field == 9 && wire == BYTES) {
                long len = w.varint();
                w.check(len, end);
                data = new InFile(w.pos, len, false);
                w.pos += len;
            } else if (field == 13 && wire == BYTES) {
                long e = w.end(end);
                String[] kv = w.keyValue(e);
                ext.put(kv[0], kv[1]);
            } else if (field == 14 && wire == VARINT) {
                external = w.varint() == 1;
            } else {
                w.skip(wire, end);
            }
        }
        if (external) {
            String location = ext.get("location");
            if (location == null || location.isEmpty()) {
                throw w.malformed("tensor '" + name + "' is external but names no location");
            }
            try {
                long offset = ext.containsKey("offset") ? Long.parseLong(ext.get("offset")) : 0;
                long length = ext.containsKey("length") ? Long.parseLong(ext.get("length")) : -1;
                if (offset < 0) {
                    throw w.malformed("tensor '" + name + "' has a negative external offset " + offset);
                }
                data = new External(location, offset, length);
            } catch (NumberFormatException e) {
                throw w.malformed("tensor '" + name + "' has a non-numeric external offset or length: " + ext);
            }
        } else if (floats != null) {
            float[] a = new float[floats.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = floats.get(i);
            }
            data = new Inline(a, null);
        } else if (longs != null) {
            data = new Inline(null, longs.stream().mapToLong(Long::longValue).toArray());
        }
        return new Tensor(name, List.copyOf(dims), type, data);
    }

    /**
     * A float32 tensor's values as a read-only view: raw_data and packed float_data are mapped from
     * the model file, external data from its file beside the model (a location that leaves the
     * model's folder is refused), unpacked float_data wrapped.
     *
     * @throws MalformedOnnxException when the tensor is not float32, its size disagrees with its
     *     dims, or its external file is missing, too short or outside the model's folder
     */
    public static FloatBuffer floats(OnnxModel model, Tensor t) throws IOException {
        if (t.dataType() != Tensor.FLOAT) {
            throw new MalformedOnnxException(model.file(), "tensor '" + t.name() + "' has data type " + t.dataType()
                    + ", not float32 (1)");
        }
        long bytes = t.count() * Float.BYTES;
        if (t.data() instanceof Inline in && in.floats() != null) {
            if (in.floats().length != t.count()) {
                throw new MalformedOnnxException(model.file(), "tensor '" + t.name() + "' has " + in.floats().length
                        + " floats for dims " + t.dims());
            }
            return FloatBuffer.wrap(in.floats()).asReadOnlyBuffer();
        }
        if (t.data() instanceof InFile f) {
            if (f.length() != bytes) {
                throw new MalformedOnnxException(model.file(), "tensor '" + t.name() + "' has " + f.length()
                        + " bytes of data for dims " + t.dims() + " (" + bytes + " expected)");
            }
            return map(model.file(), f.offset(), bytes, t).asFloatBuffer();
        }
        if (t.data() instanceof External x) {
            Path file = externalFile(model, t, x);
            if (x.length() >= 0 && x.length() != bytes) {
                throw new MalformedOnnxException(model.file(), "tensor '" + t.name() + "' has external length "
                        + x.length() + " for dims " + t.dims() + " (" + bytes + " bytes expected)");
            }
            return map(file, x.offset(), bytes, t).asFloatBuffer();
        }
        if (t.count() == 0) {
            return FloatBuffer.allocate(0);
        }
        throw new MalformedOnnxException(model.file(), "tensor '" + t.name() + "' holds no float data");
    }

    /** An int64 tensor's values (shapes: small), from int64_data or raw_data. */
    public static long[] longs(OnnxModel model, Tensor t) throws IOException {
        if (t.dataType() != Tensor.INT64) {
            throw new MalformedOnnxException(model.file(), "tensor '" + t.name() + "' has data type " + t.dataType()
                    + ", not int64 (7)");
        }
        if (t.count() > MAX_INLINE_LONGS) {
            throw new MalformedOnnxException(model.file(), "int64 tensor '" + t.name() + "' is too large for a shape");
        }
        if (t.data() instanceof Inline in && in.longs() != null) {
            return in.longs().clone();
        }
        ByteBuffer b;
        if (t.data() instanceof InFile f && f.length() == t.count() * Long.BYTES) {
            b = map(model.file(), f.offset(), f.length(), t);
        } else if (t.data() instanceof External x) {
            b = map(externalFile(model, t, x), x.offset(), t.count() * Long.BYTES, t);
        } else {
            throw new MalformedOnnxException(model.file(), "tensor '" + t.name() + "' holds no int64 data for dims "
                    + t.dims());
        }
        long[] out = new long[(int) t.count()];
        b.asLongBuffer().get(out);
        return out;
    }

    /** The external-data file of {@code t}, resolved against the model's folder and kept inside it. */
    static Path externalFile(OnnxModel model, Tensor t, External x) throws IOException {
        Path dir = model.file().toAbsolutePath().getParent();
        Path loc;
        try {
            loc = Path.of(x.location());
        } catch (java.nio.file.InvalidPathException e) {
            throw new MalformedOnnxException(model.file(), "tensor '" + t.name() + "' names an invalid external location '"
                    + x.location() + "'");
        }
        Path file = dir.resolve(loc).normalize();
        if (loc.isAbsolute() || !file.startsWith(dir.normalize())) {
            throw new MalformedOnnxException(model.file(), "tensor '" + t.name() + "' has external data at '"
                    + x.location() + "', outside the model's folder " + dir + ": refused");
        }
        if (!Files.isRegularFile(file)) {
            throw new MalformedOnnxException(model.file(), "tensor '" + t.name() + "' has external data in '"
                    + x.location() + "', which is not a file in " + dir);
        }
        // a link inside the folder must not lead outside it either
        if (!file.toRealPath().startsWith(dir.toRealPath())) {
            throw new MalformedOnnxException(model.file(), "tensor '" + t.name() + "' has external data at '"
                    + x.location() + "', a link leading outside the model's folder " + dir + ": refused");
        }
        return file;
    }

    private static ByteBuffer map(Path file, long offset, long length, Tensor t) throws IOException {
        if (length > Integer.MAX_VALUE) {
            throw new MalformedOnnxException(file, "tensor '" + t.name() + "' is over 2 GiB");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (offset + length > ch.size()) {
                throw new MalformedOnnxException(file, "tensor '" + t.name() + "' runs past the end of the file ("
                        + (offset + length) + " > " + ch.size() + " bytes)");
            }
            // the mapping outlives the channel; the pages come from the page cache, not the heap
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, offset, length);
            return m.order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** A read cursor over the file through a small window. */
    private static final class Wire {
        private final Path file;
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        private long bufStart = 0;
        long pos = 0;

        Wire(Path file, FileChannel ch) {
            this.file = file;
            this.ch = ch;
            buf.limit(0);
        }

        int read() throws IOException {
            if (pos < bufStart || pos >= bufStart + buf.limit()) {
                buf.clear();
                bufStart = pos;
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, bufStart + buf.position());
                    if (n < 0) {
                        break;
                    }
                }
                buf.flip();
                if (buf.limit() == 0) {
                    throw malformed("ends in the middle of a field at byte " + pos);
                }
            }
            return buf.get((int) (pos++ - bufStart)) & 0xFF;
        }

        long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = read();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw malformed("has a varint longer than 10 bytes at byte " + pos);
        }

        int fixed32() throws IOException {
            return read() | read() << 8 | read() << 16 | read() << 24;
        }

        /** Reads a length and returns where the field ends, checked against the enclosing end. */
        long end(long outer) throws IOException {
            long len = varint();
            check(len, outer);
            return pos + len;
        }

        void check(long len, long outer) throws IOException {
            if (len < 0 || pos + len > outer) {
                throw malformed("has a field of " + len + " bytes at byte " + pos + " running past its message"
                        + " (truncated or not an ONNX file)");
            }
        }

        void expect(long e) throws IOException {
            if (pos != e) {
                throw malformed("has a message ending at byte " + pos + " where its length said " + e);
            }
        }

        String string(long outer) throws IOException {
            return stringTo(end(outer));
        }

        String stringTo(long e) throws IOException {
            long len = e - pos;
            if (len > (1 << 26)) {
                throw malformed("has a string of " + len + " bytes at byte " + pos);
            }
            byte[] b = new byte[(int) len];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) read();
            }
            return new String(b, StandardCharsets.UTF_8);
        }

        /** StringStringEntryProto: key = 1, value = 2. */
        String[] keyValue(long e) throws IOException {
            String k = "";
            String v = "";
            while (pos < e) {
                long t = varint();
                if ((t >>> 3) == 1 && (t & 7) == BYTES) {
                    k = string(e);
                } else if ((t >>> 3) == 2 && (t & 7) == BYTES) {
                    v = string(e);
                } else {
                    skip((int) (t & 7), e);
                }
            }
            expect(e);
            return new String[] {k, v};
        }

        void skip(int wire, long outer) throws IOException {
            switch (wire) {
                case VARINT -> varint();
                case FIXED64 -> pos += 8;
                case BYTES -> {
                    long len = varint();
                    check(len, outer);
                    pos += len;
                }
                case FIXED32 -> pos += 4;
                default -> throw malformed("has wire type " + wire + " at byte " + pos + " (not protobuf)");
            }
            if (pos > outer) {
                throw malformed("has a field running past its message at byte " + pos);
            }
        }

        MalformedOnnxException malformed(String problem) {
            return new MalformedOnnxException(file, problem);
        }
    }
}
