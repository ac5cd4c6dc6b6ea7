package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.api.Classification;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.model.ModelLoadException;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.topics.card.ModelCard;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder whose card is format 2 with the Caffe release's input block (BGR, 0-255, the BGR mean),
 * served as `run`, `evaluate` and `bench --model` serve any folder (they all load it with
 * {@link Model#load} and start {@link Engine}): the engine's posterior equals ONNX Runtime run
 * directly on the tensor normalised by hand. The card is written into the graph's metadata and
 * {@code model.json} alike, as an import writes it; a {@code model.json} rewritten alone is refused.
 */
class ImportedCardIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final ModelCard.Input CAFFE = new ModelCard.Input("bgr", 1.0, List.of(103.939, 116.779, 123.68),
        List.of(1.0, 1.0, 1.0));
    private static final int W = 40;
    private static final int H = TestModels.CROP;

    @TempDir
    static Path dir;

    private static TestModels.Exported caffe;

    @BeforeAll
    static void exportModel() {
        caffe = TestModels.export(dir.resolve("caffe"), ImportedCardIT::asImported);
    }

    @AfterAll
    static void closeModel() {
        caffe.close();
    }

    /** The card as an import of the Caffe release would write it: format 2, an input block, a source. */
    private static ModelCard asImported(ModelCard c) {
        return new ModelCard(ModelCard.FORMAT_2, c.config(), c.width(), c.fc(), c.classes(), c.meanRgb(), c.crop(), c.trainingScale(),
            c.io(), c.accuracy(), c.recipe(), c.versions(), c.weightsSha256(), CAFFE,
            new ModelCard.Source("VGG_ILSVRC_16_layers.onnx", "caffe", "cd".repeat(32)), null);
    }

    /** {@code (pixel * scale - mean[k]) / std[k]}, input channel k from image channel {@code order[k]}, in double. */
    private static float[] byHand(BufferedImage img, ModelCard.Input in) {
        int[] shift = in.bgr() ? new int[] {0, 8, 16} : new int[] {16, 8, 0};
        float[] chw = new float[3 * W * H];
        for (int k = 0; k < 3; k++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int pixel = (img.getRGB(x, y) >> shift[k]) & 0xff;
                    chw[k * W * H + y * W + x] = (float) ((pixel * in.scale() - in.mean().get(k)) / in.std().get(k));
                }
            }
        }
        return chw;
    }

    private static float[] ort(Path onnx, float[] chw) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(onnx.toString(), opts);
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(chw), new long[] {1, 3, H, W});
             OrtSession.Result r = s.run(Map.of("image", x), java.util.Set.of("posterior"))) {
            return ((float[][]) r.get(0).getValue())[0];
        }
    }

    @Test
    void shouldServeAFormat2BgrCardAsADirectRunOnTheHandNormalisedTensor() throws Exception {
        Model m = Model.load(caffe.dir());
        assertThat(m.card().format()).isEqualTo(ModelCard.FORMAT_2);
        assertThat(m.card().normalisation()).isEqualTo(CAFFE);
        BufferedImage img = Frames.image(W, H, 11);
        float[] expected = ort(m.onnx(), byHand(img, CAFFE));
        // The same image fed as a /1 card would feed it (RGB minus mean_rgb): the test must tell the two apart.
        float[] asVersion1 = ort(m.onnx(), byHand(img, ModelCard.Input.pixelsMinus(m.card().meanRgb())));
        double apart = 0;
        for (int i = 0; i < expected.length; i++) {
            apart = Math.max(apart, Math.abs(expected[i] - asVersion1[i]));
        }
        assertThat(apart).as("RGB minus mean_rgb must give another posterior").isGreaterThan(1e-2);
        EngineSettings s = EngineSettings.from(CONFIG)
            .withModels(List.of(caffe.dir()))
            .withProtocol(Protocol.parse("single,flips=off,scales=32"))
            .withInference(io.vggstream.engine.settings.InferenceSettings.from(CONFIG)
                .withDevices(List.of(io.vggstream.engine.infer.Device.parse("cpu"))).withMaxBatchSize(1).withMaxDelay(Duration.ZERO));
        try (Engine e = Engine.start(s, CONFIG)) {
            Classification.Ok c = (Classification.Ok) e.classify(Frames.encode(img, "png")).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertThat(c.variants()).isEqualTo(1);
            for (int i = 0; i < expected.length; i++) {
                assertThat(c.posterior()[i]).as("class %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void shouldTakeTheCardInsideTheGraphWhenThereIsNoModelJson() throws Exception {
        Path alone = Files.createDirectories(dir.resolve("alone")).resolve("vgg.onnx");
        Files.copy(caffe.dir().resolve("model.onnx"), alone);
        assertThat(Model.load(alone).card().normalisation()).isEqualTo(CAFFE);
    }

    @Test
    void shouldRefuseAModelJsonRewrittenAloneNamingTheInputField() throws Exception {
        Path rewritten = Files.createDirectories(dir.resolve("rewritten"));
        Files.copy(caffe.dir().resolve("model.onnx"), rewritten.resolve("model.onnx"));
        ModelCard c = ModelCard.read(caffe.dir().resolve(ModelCard.FILE_NAME));
        // The /1 form of the same card: the graph's own copy still says BGR.
        new ModelCard(ModelCard.FORMAT, c.config(), c.width(), c.fc(), c.classes(), c.meanRgb(), c.crop(), c.trainingScale(), c.io(),
            c.accuracy(), c.recipe(), c.versions(), c.weightsSha256()).write(rewritten.resolve(ModelCard.FILE_NAME));
        assertThatThrownBy(() -> Model.load(rewritten)).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("field 'input'").hasMessageContaining("bgr").hasMessageContaining("model.json");
    }

    @Test
    void shouldRefuseACardWhoseNormalisationDoesNotFitFloat32() throws Exception {
        Path huge = Files.createDirectories(dir.resolve("huge"));
        ModelCard c = ModelCard.read(caffe.dir().resolve(ModelCard.FILE_NAME));
        ModelCard.Input tiny = new ModelCard.Input("rgb", 1.0, List.of(0.0, 0.0, 0.0), List.of(1e-300, 1.0, 1.0));
        Files.copy(caffe.dir().resolve("model.onnx"), huge.resolve("model.onnx"));
        new ModelCard(c.format(), c.config(), c.width(), c.fc(), c.classes(), c.meanRgb(), c.crop(), c.trainingScale(), c.io(),
            c.accuracy(), c.recipe(), c.versions(), c.weightsSha256(), tiny, c.source(), null).write(huge.resolve(ModelCard.FILE_NAME));
        assertThatThrownBy(() -> Model.load(huge)).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("'input.scale' / 'input.std[0]'").hasMessageContaining("float32");
    }
}
