package io.vggstream.onnx.imports;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vggstream.onnx.Proto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Runs ONNX files in ONNX Runtime for the tests: one input, every output as a flat float array. */
final class Ort {

    private Ort() {}

    static Map<String, float[]> run(Path model, String input, float[] data, long... shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            try (OrtSession s = env.createSession(model.toString(), opts);
                    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
                    OrtSession.Result r = s.run(Map.of(input, t))) {
                Map<String, float[]> out = new LinkedHashMap<>();
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
                    FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] a = new float[b.remaining()];
                    b.get(a);
                    out.put(e.getKey(), a);
                }
                return out;
            }
        }
    }

    /**
     * A copy of {@code model} that also outputs {@code tensor}: a second ModelProto.graph field with
     * only that output appended, which protobuf merges into the first (repeated fields concatenate).
     */
    static Path withOutput(Path model, String tensor, Path copy) throws IOException {
        Files.copy(model, copy);
        Proto shape = new Proto();
        for (String d : new String[] {"N", "C", "H", "W"}) {
            shape.message(1, new Proto().string(2, d));
        }
        Proto vi = new Proto().string(1, tensor)
                .message(2, new Proto().message(1, new Proto().varint(1, 1).message(2, shape)));
        try (OutputStream out = Files.newOutputStream(copy, StandardOpenOption.APPEND)) {
            new Proto().message(7, new Proto().message(12, vi)).writeTo(out);
        }
        return copy;
    }

    static float[] image(long seed, int side, double std) {
        Random r = new Random(seed);
        float[] x = new float[3 * side * side];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * std);
        }
        return x;
    }

    static float[] softmax(float[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] - max);
            sum += e[i];
        }
        float[] p = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }
}
