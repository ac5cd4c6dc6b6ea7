package io.vggstream.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.model.VggConfig;
import io.vggstream.trainer.model.VggNet;
import io.vggstream.trainer.model.VggSpec;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exported graph, run by ONNX Runtime, gives the DJL network's posteriors (and features) at
 * three input sizes, for every configuration, with He-normal weights and non-zero biases.
 */
class OnnxParityTest {

    private static final double TOLERANCE = 1e-4;
    private static final int CLASSES = 7;
    private static final int[][] SIZES = {{64, 64}, {96, 96}, {80, 117}};

    private static OrtEnvironment env;

    @TempDir
    Path dir;

    @BeforeAll
    static void startOrt() {
        env = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void stopOrt() {
        env.close();
    }

    static VggNet heNet(NDManager manager, VggSpec spec) {
        return RandomVgg.distinctive(spec, 42, manager);
    }

    @ParameterizedTest
    @EnumSource(VggConfig.class)
    void shouldGiveDjlsPosteriorsWithinOneInTenThousandAtThreeSizes(VggConfig config) throws IOException, OrtException {
        VggSpec spec = new VggSpec(config, 1 / 16.0, 32, CLASSES, 64);
        try (NDManager manager = NDManager.newBaseManager()) {
            VggNet net = heNet(manager, spec);
            ModelCard card = OnnxExporter.export(net, sha -> ModelCards.card(spec,
                    IntStream.range(0, CLASSES).mapToObj(i -> "class" + i).toList(), new double[] {120, 115, 100},
                    new TrainScale(74, 74), null, Map.of("config", config.label()), sha), dir);

            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                    OrtSession session = env.createSession(dir.resolve(OnnxExporter.MODEL_FILE).toString(), options)) {
                double worstPosterior = 0;
                double worstFeature = 0;
                double mostConfident = 0;
                double leastConfident = 1;
                for (int[] hw : SIZES) {
                    NDArray x = manager.randomNormal(0, 60, new Shape(2, 3, hw[0], hw[1]), DataType.FLOAT32);
                    float[] input = x.toFloatArray();
                    NDList djl = net.dense(x);
                    float[] djlPosterior = djl.get(0).toFloatArray();
                    float[] djlFeature = djl.get(1).toFloatArray();
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {2, 3, hw[0], hw[1]});
                            OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT, t))) {
                        float[][] posterior = (float[][]) r.get(OnnxExporter.POSTERIOR).orElseThrow().getValue();
                        float[][] feature = (float[][]) r.get(OnnxExporter.FEATURE).orElseThrow().getValue();
                        assertThat(posterior[0]).hasSize(CLASSES);
                        assertThat(feature[0]).hasSize(32);
                        for (int n = 0; n < 2; n++) {
                            for (int c = 0; c < CLASSES; c++) {
                                worstPosterior = Math.max(worstPosterior, Math.abs(posterior[n][c] - djlPosterior[n * CLASSES + c]));
                                mostConfident = Math.max(mostConfident, posterior[n][c]);
                                leastConfident = Math.min(leastConfident, maxOf(posterior[n]));
                            }
                            double largest = 1e-12;
                            for (int f = 0; f < 32; f++) {
                                largest = Math.max(largest, Math.abs(djlFeature[n * 32 + f]));
                            }
                            for (int f = 0; f < 32; f++) {
                                worstFeature = Math.max(worstFeature, Math.abs(feature[n][f] - djlFeature[n * 32 + f]) / largest);
                            }
                        }
                    }
                    if (hw[0] == spec.crop() && hw[1] == spec.crop()) {
                        // at the crop size, dense evaluation is the trained classifier itself
                        float[] logits = net.forward(new ParameterStore(manager, false), new NDList(x), false)
                                .head().softmax(1).toFloatArray();
                        for (int i = 0; i < logits.length; i++) {
                            assertThat((double) Math.abs(logits[i] - djlPosterior[i])).isLessThan(TOLERANCE);
                        }
                    }
                }
                System.out.printf("parity %s: max |posterior diff| %.3g, max feature diff / max |feature| %.3g,"
                        + " posterior max in [%.2f, %.2f]%n", config, worstPosterior, worstFeature, leastConfident,
                        mostConfident);
                assertThat(worstPosterior).as("max abs posterior difference").isLessThanOrEqualTo(TOLERANCE);
                assertThat(worstFeature).as("max feature difference relative to the largest feature").isLessThanOrEqualTo(TOLERANCE);
                assertThat(mostConfident).as("weights are non-trivial: some posterior is far from uniform")
                        .isGreaterThan(1.0 / CLASSES + 0.2);
                assertThat(leastConfident).as("posteriors are not all one-hot").isLessThan(0.99);

                String metadata = session.getMetadata().getCustomMetadata().get(ModelCard.ONNX_METADATA_KEY);
                assertThat(ModelCard.fromJson(metadata, "onnx metadata")).isEqualTo(card)
                        .isEqualTo(ModelCard.read(dir.resolve(ModelCard.FILE_NAME)));
                assertThat(session.getInputInfo()).containsOnlyKeys(OnnxExporter.INPUT);
                assertThat(session.getOutputInfo()).containsOnlyKeys(OnnxExporter.POSTERIOR, OnnxExporter.FEATURE);
            }
            assertThat(card.weightsSha256()).isEqualTo(sha256OfWeights(net));
        }
    }

    private static float maxOf(float[] v) {
        float m = v[0];
        for (float f : v) {
            m = Math.max(m, f);
        }
        return m;
    }

    static String sha256OfWeights(VggNet net) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (NDArray a : net.namedParameters().values().stream().map(p -> p.getArray()).toList()) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) a.size() * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (float f : a.toFloatArray()) {
                    b.putFloat(f);
                }
                sha.update(b.array());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
