package io.vggstream.engine.infer;

import java.util.Locale;

/**
 * Where an inference worker runs: {@code cpu}, {@code cuda:N}, or {@code auto} (CUDA device 0
 * when ONNX Runtime can open it, the CPU otherwise).
 */
public record Device(Kind kind, int id) {

    public enum Kind { AUTO, CPU, CUDA }

    public static Device parse(String s) {
        String v = s.strip().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return new Device(Kind.AUTO, 0);
        }
        if (v.equals("cpu")) {
            return new Device(Kind.CPU, 0);
        }
        if (v.matches("cuda(:\\d+)?")) {
            return new Device(Kind.CUDA, v.contains(":") ? Integer.parseInt(v.substring(5)) : 0);
        }
        throw new IllegalArgumentException("unknown device '" + s + "': use auto, cpu or cuda:N");
    }

    @Override
    public String toString() {
        return kind == Kind.CUDA ? "cuda:" + id : kind.name().toLowerCase(Locale.ROOT);
    }
}
