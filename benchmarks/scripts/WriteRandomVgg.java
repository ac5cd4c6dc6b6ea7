import io.vggstream.onnx.Proto;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a full-size VGG-16 (config D, 138 M weights, 528 MiB) or VGG-19 (E, 144 M, 548 MiB) in the node pattern of
 * torch.onnx.export of torchvision.models.vgg16 in eval mode (opset 17, raw_data initializers,
 * the 1x1 AveragePool, Flatten, Gemm transB 1), with random weights streamed to disk: the
 * generator itself holds one 1 MiB buffer. Used by import-large.sh to measure the import.
 *
 * <p>Run: {@code java -cp onnx/target/classes benchmarks/scripts/WriteRandomVgg.java OUT.onnx [D|E]}
 */
public class WriteRandomVgg {

    private static long state = 0x9E3779B97F4A7C15L;

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        boolean e = args.length > 1 && args[1].equals("E");
        int[][] stages = e
                ? new int[][] {{64, 64}, {128, 128}, {256, 256, 256, 256}, {512, 512, 512, 512}, {512, 512, 512, 512}}
                : new int[][] {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
        Proto g = new Proto();
        String x = "input";
        int in = 3;
        int index = 0;
        for (int[] stage : stages) {
            for (int c : stage) {
                String w = "features." + index + ".weight";
                String b = "features." + index + ".bias";
                g.message(5, tensor(w, Math.sqrt(6.0 / (in * 9)), c, in, 3, 3));
                g.message(5, tensor(b, 0.01, c));
                String y = "/features/features." + index + "/Conv_output_0";
                g.message(1, node("Conv", "/features/features." + index + "/Conv", y, x, w, b)
                        .message(5, ints("kernel_shape", 3, 3)).message(5, ints("pads", 1, 1, 1, 1))
                        .message(5, ints("strides", 1, 1)));
                index++;
                x = y;
                y = "/features/features." + index + "/Relu_output_0";
                g.message(1, node("Relu", "/features/features." + index + "/Relu", y, x));
                index++;
                x = y;
                in = c;
            }
            String y = "/features/features." + index + "/MaxPool_output_0";
            g.message(1, node("MaxPool", "/features/features." + index + "/MaxPool", y, x)
                    .message(5, ints("kernel_shape", 2, 2)).message(5, ints("strides", 2, 2))
                    .message(5, ints("pads", 0, 0, 0, 0)));
            index++;
            x = y;
        }
        g.message(1, node("AveragePool", "/avgpool/AveragePool", "/avgpool/AveragePool_output_0", x)
                .message(5, ints("kernel_shape", 1, 1)).message(5, ints("strides", 1, 1)));
        g.message(1, node("Flatten", "/Flatten", "/Flatten_output_0", "/avgpool/AveragePool_output_0")
                .message(5, new Proto().string(1, "axis").varint(3, 1).varint(20, 2)));
        x = "/Flatten_output_0";
        int[][] fcs = {{25088, 4096}, {4096, 4096}, {4096, 1000}};
        for (int i = 0; i < 3; i++) {
            String w = "classifier." + (3 * i) + ".weight";
            String b = "classifier." + (3 * i) + ".bias";
            g.message(5, tensor(w, Math.sqrt(6.0 / fcs[i][0]), fcs[i][1], fcs[i][0]));
            g.message(5, tensor(b, 0.01, fcs[i][1]));
            String y = i == 2 ? "output" : "/classifier/classifier." + (3 * i) + "/Gemm_output_0";
            g.message(1, node("Gemm", "/classifier/classifier." + (3 * i) + "/Gemm", y, x, w, b)
                    .message(5, new Proto().string(1, "transB").varint(3, 1).varint(20, 2)));
            x = y;
            if (i < 2) {
                y = "/classifier/classifier." + (3 * i + 1) + "/Relu_output_0";
                g.message(1, node("Relu", "/classifier/classifier." + (3 * i + 1) + "/Relu", y, x));
                x = y;
            }
        }
        g.string(2, "main_graph");
        g.message(11, valueInfo("input", 3));
        g.message(12, valueInfo("output", 1000));
        Proto m = new Proto().varint(1, 8).string(2, "pytorch").string(3, "2.5.1")
                .message(8, new Proto().string(1, "").varint(2, 17)).message(7, g);
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            m.writeTo(o);
        }
        System.out.println(out + ": " + Files.size(out) + " bytes");
    }

    private static Proto tensor(String name, double half, long... dims) {
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
                return n * 4;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                for (long i = 0; i < n; i++) {
                    if (!buf.hasRemaining()) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putFloat((float) ((next() * 2 - 1) * half));
                }
                out.write(buf.array(), 0, buf.position());
            }
        });
    }

    /** xorshift64*: uniform in [0, 1), fast enough for 138 M draws. */
    private static double next() {
        state ^= state >>> 12;
        state ^= state << 25;
        state ^= state >>> 27;
        return ((state * 0x2545F4914F6CDD1DL) >>> 11) * 0x1.0p-53;
    }

    private static Proto node(String op, String name, String output, String... inputs) {
        Proto n = new Proto();
        for (String i : inputs) {
            n.string(1, i);
        }
        return n.string(2, output).string(3, name).string(4, op);
    }

    private static Proto ints(String name, long... values) {
        Proto a = new Proto().string(1, name);
        for (long v : values) {
            a.varint(8, v);
        }
        return a.varint(20, 7);
    }

    private static Proto valueInfo(String name, long channels) {
        Proto shape = new Proto().message(1, new Proto().string(2, "N")).message(1, new Proto().varint(1, channels));
        if (channels == 3) {
            shape.message(1, new Proto().string(2, "H")).message(1, new Proto().string(2, "W"));
        }
        return new Proto().string(1, name).message(2, new Proto().message(1, new Proto().varint(1, 1).message(2, shape)));
    }
}
