package io.vggstream.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;

/**
 * Float32 initializers written as raw_data whose values are produced only when the graph is
 * streamed, every byte also fed to a SHA-256: the model card's {@code weights_sha256} is that digest
 * over all initializers in graph order (the engine recomputes it at load). The trainer's export and
 * the import both write their weights through here, so the hash means the same in both.
 */
public final class HashedFloats {

    /** Produces a tensor's values, in order, into a sink. */
    @FunctionalInterface
    public interface Source {
        void writeTo(Sink sink) throws IOException;
    }

    /** Takes float32 values: little-endian bytes to the file and to the digest. */
    public static final class Sink {
        private final OutputStream out;
        private final MessageDigest sha;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private long count;

        private Sink(OutputStream out, MessageDigest sha) {
            this.out = out;
            this.sha = sha;
        }

        public void put(float v) throws IOException {
            if (!buf.hasRemaining()) {
                flush();
            }
            buf.putFloat(v);
            count++;
        }

        public void put(float[] values, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                put(values[i]);
            }
        }

        public void put(float[] values) throws IOException {
            put(values, 0, values.length);
        }

        private void flush() throws IOException {
            out.write(buf.array(), 0, buf.position());
            sha.update(buf.array(), 0, buf.position());
            buf.clear();
        }
    }

    private HashedFloats() {}

    /**
     * A TensorProto (dims = 1, data_type = 2 float, name = 8, raw_data = 9) whose data comes from
     * {@code values} when written; a source that gives other than the dims' count fails the write.
     */
    public static Proto tensor(String name, long[] dims, MessageDigest sha, Source values) {
        long count = 1;
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
            count *= d;
        }
        long n = count;
        return t.varint(2, 1).string(8, name).payload(9, new Proto.Payload() {
            @Override
            public long size() {
                return n * Float.BYTES;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                Sink sink = new Sink(out, sha);
                values.writeTo(sink);
                sink.flush();
                if (sink.count != n) {
                    throw new IllegalStateException(name + ": " + sink.count + " values written, dims "
                            + java.util.Arrays.toString(dims) + " need " + n);
                }
            }
        });
    }
}
