package io.vggstream.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.engine.testing.TestModels;
import io.vggstream.topics.card.ModelCard;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The card's weights_sha256 is checked against the graph's initializers when a model is loaded. */
class WeightsCheckTest {

    @TempDir
    Path dir;

    private static final float[] W = {0.5f, -1.25f, 3f, 7.5e-3f};
    private static final float[] B = {0.25f};

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void field(ByteArrayOutputStream out, int field, byte[] bytes) {
        varint(out, (long) field << 3 | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static byte[] tensor(String name, byte[] raw, boolean packedFloats) {
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        varint(t, 1 << 3);
        varint(t, raw.length / 4);
        varint(t, 2 << 3);
        varint(t, 1);
        field(t, 8, name.getBytes(StandardCharsets.UTF_8));
        field(t, packedFloats ? 4 : 9, raw);
        return t.toByteArray();
    }

    /** A ModelProto with a graph of two initializers (one as raw_data, one as packed float_data) and a node. */
    private static byte[] onnx() {
        ByteArrayOutputStream g = new ByteArrayOutputStream();
        field(g, 1, "a node the digest skips".getBytes(StandardCharsets.UTF_8));
        field(g, 5, tensor("conv1_1_weight", floats(W), false));
        field(g, 5, tensor("conv1_1_bias", floats(B), true));
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        varint(m, 1 << 3);
        varint(m, 8);
        field(m, 2, "test".getBytes(StandardCharsets.UTF_8));
        field(m, 7, g.toByteArray());
        field(m, 14, "metadata after the graph".getBytes(StandardCharsets.UTF_8));
        return m.toByteArray();
    }

    private static String expected() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(floats(W));
        sha.update(floats(B));
        return HexFormat.of().formatHex(sha.digest());
    }

    private Path model(String sha) throws Exception {
        Path m = Files.createDirectories(dir.resolve("m"));
        Files.write(m.resolve("model.onnx"), onnx());
        new ModelCard(ModelCard.FORMAT, "A", 0.25, 16, List.of("a", "b"), List.of(1.0, 2.0, 3.0), 32,
            ModelCard.Scale.fixed(32), new ModelCard.Io("image", "posterior", "feature"), null, Map.of(), Map.of(), sha)
            .write(m.resolve(ModelCard.FILE_NAME));
        return m;
    }

    @Test
    void shouldHashTheInitializersRawDataInGraphOrder() throws Exception {
        Path m = model(expected());
        assertThat(WeightsDigest.sha256(m.resolve("model.onnx"))).isEqualTo(expected());
    }

    @Test
    void shouldReadOnlyTheNamedFloatTensorsRawOrPackedWithTheirDims() throws Exception {
        Path m = model(expected());

        var t = WeightsDigest.floatTensors(m.resolve("model.onnx"), java.util.Set.of("conv1_1_weight", "conv1_1_bias", "absent"));

        assertThat(t).containsOnlyKeys("conv1_1_weight", "conv1_1_bias");
        assertThat(t.get("conv1_1_weight").values()).containsExactly(W);
        assertThat(t.get("conv1_1_weight").dims()).containsExactly(4L);
        assertThat(t.get("conv1_1_bias").values()).containsExactly(B);
    }

    @Test
    void shouldLoadAModelWhoseWeightsMatchItsCard() throws Exception {
        assertThat(Model.load(model(expected())).card().weightsSha256()).isEqualTo(expected());
    }

    @Test
    void shouldRefuseAModelWhoseWeightsDoNotMatchItsCardNamingBothHashes() throws Exception {
        String other = "ab".repeat(32);
        Path m = model(other);
        assertThatThrownBy(() -> Model.load(m)).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining(other).hasMessageContaining(expected()).hasMessageContaining("weights_sha256");
        assertThatThrownBy(() -> Model.load(m.resolve("model.onnx"))).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining(other).hasMessageContaining(expected());
    }

    @Test
    void shouldRefuseATruncatedGraphAsUnreadable() throws Exception {
        Path m = model(expected());
        byte[] full = Files.readAllBytes(m.resolve("model.onnx"));
        Files.write(m.resolve("model.onnx"), java.util.Arrays.copyOf(full, full.length - 30));
        assertThatThrownBy(() -> Model.load(m)).isInstanceOf(ModelLoadException.class).hasMessageContaining("not a readable ONNX");
    }

    @Test
    void shouldAgreeWithTheTrainersExporterOnARealGraph() throws Exception {
        try (TestModels.Exported m = TestModels.export(dir.resolve("real"))) {
            assertThat(WeightsDigest.sha256(m.dir().resolve("model.onnx"))).isEqualTo(m.card().weightsSha256());
            assertThat(Model.load(m.dir()).card()).isEqualTo(m.card());
        }
    }

    @Test
    void shouldFindTheEmbeddedCardAmongTheMetadataInTheSameRead() throws Exception {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.write(onnx());
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        field(other, 1, "producer".getBytes(StandardCharsets.UTF_8));
        field(other, 2, "someone".getBytes(StandardCharsets.UTF_8));
        field(m, 14, other.toByteArray());
        ByteArrayOutputStream card = new ByteArrayOutputStream();
        field(card, 1, ModelCard.ONNX_METADATA_KEY.getBytes(StandardCharsets.UTF_8));
        field(card, 2, "{\"format\": \"x\"}".getBytes(StandardCharsets.UTF_8));
        field(m, 14, card.toByteArray());
        Path file = Files.write(dir.resolve("with-card.onnx"), m.toByteArray());
        WeightsDigest.Scan scan = WeightsDigest.scan(file);
        assertThat(scan.weightsSha256()).isEqualTo(expected());
        assertThat(scan.embeddedCard()).isEqualTo("{\"format\": \"x\"}");
        assertThat(WeightsDigest.scan(Files.write(dir.resolve("without.onnx"), onnx())).embeddedCard())
            .as("a metadata field that is no entry is passed over").isNull();
    }
}
