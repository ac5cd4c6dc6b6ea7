package io.vggstream.onnx;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model as {@link OnnxReader} reads it: the graph's structure in memory, the weights left
 * where they lie (in the file or in external-data files) until {@link OnnxReader#floats} maps them.
 *
 * @param file the model file
 * @param irVersion ModelProto.ir_version
 * @param producer producer name and version, as written ("pytorch 2.5.1"), or empty
 * @param opsets opset version by domain ("" is the default ONNX domain)
 * @param graph the main graph
 * @param metadata ModelProto.metadata_props
 */
public record OnnxModel(Path file, long irVersion, String producer, Map<String, Long> opsets, Graph graph,
        Map<String, String> metadata) {

    /** The default domain's opset, or 0 when the model does not import it. */
    public long opset() {
        Long v = opsets.get("");
        if (v == null) {
            v = opsets.get("ai.onnx");
        }
        return v == null ? 0 : v;
    }

    /**
     * GraphProto.
     *
     * @param initializers by name, in file order
     * @param inputs every graph input, with initializers listed as inputs too (IR 3 files do that)
     */
    public record Graph(String name, List<Node> nodes, Map<String, Tensor> initializers, List<ValueInfo> inputs,
            List<ValueInfo> outputs) {}

    /** NodeProto. An empty input name is an omitted optional input. */
    public record Node(String opType, String name, String domain, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {

        /** "Conv 'vgg0_conv0_fwd'", for messages. */
        public String describe() {
            return opType + " '" + (name.isEmpty() ? String.join(",", outputs) : name) + "'";
        }

        public Attribute attribute(String attr) {
            return attributes.get(attr);
        }

        /** The int attribute, or {@code fallback} when absent. */
        public long i(String attr, long fallback) {
            Attribute a = attributes.get(attr);
            return a == null ? fallback : a.i();
        }

        /** The float attribute, or {@code fallback} when absent. */
        public float f(String attr, float fallback) {
            Attribute a = attributes.get(attr);
            return a == null ? fallback : a.f();
        }

        /** The ints attribute, or {@code fallback} when absent. */
        public List<Long> ints(String attr, List<Long> fallback) {
            Attribute a = attributes.get(attr);
            return a == null ? fallback : a.ints();
        }
    }

    /** AttributeProto: the scalar fields, the int and float lists, a tensor (Constant's value). */
    public record Attribute(String name, int type, float f, long i, String s, List<Float> floats, List<Long> ints,
            Tensor t) {}

    /** ValueInfoProto: the element type and the shape (a dim is a Long, a String parameter, or null). */
    public record ValueInfo(String name, int elemType, List<Object> shape) {}

    /**
     * TensorProto, its data not read: where it lies in the file (raw_data or packed float_data), a
     * short list given unpacked, or an external-data reference.
     *
     * @param dims the shape
     * @param dataType TensorProto.DataType (1 = float, 7 = int64)
     * @param data where the values are
     */
    public record Tensor(String name, List<Long> dims, int dataType, Data data) {

        public static final int FLOAT = 1;
        public static final int INT64 = 7;

        /** The number of elements: the product of the dims (1 for a scalar). */
        public long count() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    /** Where a tensor's values are. */
    public sealed interface Data {}

    /** Little-endian values in the model file at {@code offset} (raw_data, or packed float_data / int64 as varints). */
    public record InFile(long offset, long length, boolean varints) implements Data {}

    /** Values given one field each (unpacked float_data), or int64_data read into memory (shapes). */
    public record Inline(float[] floats, long[] longs) implements Data {}

    /** The ONNX external-data format: {@code location} relative to the model's folder, a byte range in it. */
    public record External(String location, long offset, long length) implements Data {}

    /** No data at all (an empty tensor, or a graph input without an initializer). */
    public record None() implements Data {}
}
