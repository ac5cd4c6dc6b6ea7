package io.vggstream.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.eval.EvaluateOptions;
import io.vggstream.engine.eval.EvaluateResult;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.eval.Evaluator;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.onnx.DenseGraph;
import io.vggstream.onnx.OnnxModel;
import io.vggstream.onnx.OnnxReader;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.data.FashionMnist;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fit-head end to end on real parts: a small real VGG exported by the trainer's code, real
 * Fashion-MNIST images written as an ImageNet-layout folder, real ONNX Runtime, LIBLINEAR; the
 * new model is loaded and served by the engine and measured again by the {@code evaluate} job.
 */
class FitHeadIT {

    private static final Config CONFIG = ConfigFactory.load();
    /** T-shirt/top, Trouser, Bag. */
    private static final List<Integer> LABELS = List.of(0, 1, 8);

    @TempDir
    static Path dir;

    static FitHeadResult result;
    static Path base;
    static Path folder;

    @BeforeAll
    static void fitOnce() throws Exception {
        FashionMnist train = FashionMnist.load(FashionFolder.DATA, FashionMnist.Split.TRAIN);
        folder = dir.resolve("shop");
        FashionFolder.write(train, LABELS, 0, 20, folder, "train");
        FashionFolder.write(train, LABELS, 20, 10, folder, "val");
        // One file that is no image: skipped and counted, not fatal.
        Files.writeString(folder.resolve("train").resolve(FashionFolder.name(1)).resolve("broken.png"), "not a png");
        base = dir.resolve("base");
        TestModels.export(base).close();
        result = FitHead.run(new FitHeadOptions(CONFIG, settings(), base, folder, dir.resolve("head"), Protocol.parse("single"),
            Descriptors.Kind.PER_VARIANT, LinearHead.Classifier.LOGISTIC, null, 5, 0.2, 7, 1), new PrintWriter(new StringWriter(), true));
    }

    @Test
    void shouldWriteACardWithTheNewClassesTheHeadAndTheBaseModelsHash() throws Exception {
        ModelCard card = result.card();
        assertThat(card.format()).isEqualTo(ModelCard.FORMAT_2);
        assertThat(card.classes()).containsExactly("Bag", "T-shirt-top", "Trouser");
        assertThat(card.head().baseSha256()).isEqualTo(DenseGraph.fileSha256(base.resolve("model.onnx")));
        assertThat(card.head().baseWeightsSha256()).isEqualTo(Model.load(base).card().weightsSha256());
        assertThat(card.head().classifier()).isEqualTo("logistic");
        assertThat(card.head().cvAccuracy()).isNotNull();
        assertThat(card.head().trainImages()).isEqualTo(60);
        assertThat(card.head().skipped()).isEqualTo(1);
        assertThat(result.skipped()).singleElement().asString().contains("broken.png");
        assertThat(card.accuracy().images()).isEqualTo(30);
        assertThat(card.accuracy().split()).isEqualTo("val");
        assertThat(ModelCard.read(dir.resolve("head/model.json"))).isEqualTo(card);
    }

    @Test
    void shouldBeServedByTheEngineWithTheAccuracyTheCardStates() throws Exception {
        // The engine's own checks (weights digest, card, signature) pass, and the evaluate job measures what the card says.
        Model served = Model.load(dir.resolve("head"));
        assertThat(served.card().classes()).hasSize(3);
        EvaluateResult again = Evaluator.run(new EvaluateOptions(CONFIG, settings().withModels(List.of(dir.resolve("head"))),
            List.of(Protocol.parse("single")), FitHead.samples(
                HeadData.open(folder, 0.2, 7).val(), "shop"), Optional.empty()), new PrintWriter(new StringWriter()));
        Evaluation.Row row = again.rows().get(0);
        assertThat(row.failed()).isZero();
        assertThat(1 - row.top1Error() / 100).isCloseTo(result.card().accuracy().top1(), within(1e-9));
        assertThat(result.servedTop1()).isEqualTo(result.card().accuracy().top1());
        // Random conv features still tell trousers, T-shirts and bags apart far above chance (1/3).
        assertThat(result.servedTop1()).isGreaterThan(0.6);
    }

    @Test
    void shouldComputeTheBaseFeatureAndASoftmaxOfTheNormalisedFeatureThroughTheHead() throws Exception {
        OnnxModel head = OnnxReader.read(dir.resolve("head/model.onnx"));
        float[] w = values(head, "head_weight");
        float[] b = values(head, "head_bias");
        float[] input = new float[2 * 3 * 40 * 36];
        Random random = new Random(3);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) (random.nextGaussian() * 60);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession baseSession = env.createSession(base.resolve("model.onnx").toString());
             OrtSession headSession = env.createSession(dir.resolve("head/model.onnx").toString());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {2, 3, 40, 36});
             OrtSession.Result fromBase = baseSession.run(Map.of("image", x));
             OrtSession.Result fromHead = headSession.run(Map.of("image", x))) {
            float[][] f = (float[][]) fromBase.get("feature").orElseThrow().getValue();
            float[][] f2 = (float[][]) fromHead.get("feature").orElseThrow().getValue();
            float[][] p = (float[][]) fromHead.get("posterior").orElseThrow().getValue();
            assertThat(f2).isDeepEqualTo(f);
            for (int n = 0; n < 2; n++) {
                double norm = 0;
                for (float v : f[n]) {
                    norm += v * v;
                }
                norm = Math.max(Math.sqrt(norm), Descriptors.EPSILON);
                double[] s = new double[3];
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    s[k] = b[k];
                    for (int j = 0; j < f[n].length; j++) {
                        s[k] += w[k * f[n].length + j] * f[n][j] / norm;
                    }
                }
                double max = Math.max(s[0], Math.max(s[1], s[2]));
                for (int k = 0; k < 3; k++) {
                    sum += Math.exp(s[k] - max);
                }
                for (int k = 0; k < 3; k++) {
                    assertThat((double) p[n][k]).isCloseTo(Math.exp(s[k] - max) / sum, within(1e-5));
                }
            }
        }
    }

    private static float[] values(OnnxModel model, String name) throws Exception {
        FloatBuffer buf = OnnxReader.floats(model, model.graph().initializers().get(name));
        float[] a = new float[buf.remaining()];
        buf.get(a);
        return a;
    }

    private static EngineSettings settings() {
        return EngineSettings.from(CONFIG).withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))));
    }
}
