package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.api.Classification;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.model.ModelLoadException;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.preprocess.Preprocessing;
import io.vggstream.engine.preprocess.Variant;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.topics.deadletter.ErrorKind;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine without Kafka, on a real exported model: the paper's protocols, fusion and batching. */
class EngineIT {

    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    static Path dir;

    private static TestModels.Exported model;

    @BeforeAll
    static void exportModel() {
        model = TestModels.export(dir.resolve("model-a"));
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    private static Engine engine(String protocol, int maxBatch, Duration maxDelay) {
        return engine(protocol, maxBatch, maxDelay, InferenceSettings.from(CONFIG));
    }

    private static Engine engine(String protocol, int maxBatch, Duration maxDelay, InferenceSettings inference) {
        EngineSettings s = EngineSettings.from(CONFIG)
            .withModels(List.of(model.dir()))
            .withProtocol(Protocol.parse(protocol))
            .withInference(inference.withDevices(List.of(io.vggstream.engine.infer.Device.parse("cpu")))
                .withMaxBatchSize(maxBatch).withMaxDelay(maxDelay));
        return Engine.start(s, CONFIG);
    }

    private static Classification classify(Engine e, byte[] image) throws Exception {
        return e.classify(image).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void shouldMatchTheClassicHeadWhenTheImageIsExactlyOneCrop() throws Exception {
        // The paper's equivalence: dense evaluation of a crop-sized image is the FC classifier on it.
        BufferedImage img = Frames.image(TestModels.CROP, TestModels.CROP, 3);
        float[] expected = model.classic(Frames.chw(img, TestModels.MEAN), 1);
        try (Engine e = engine("single,flips=off,scales=32", 1, Duration.ZERO)) {
            Classification.Ok c = (Classification.Ok) classify(e, Frames.encode(img, "png"));
            assertThat(c.partial()).isFalse();
            assertThat(c.variants()).isEqualTo(1);
            for (int i = 0; i < TestModels.CLASSES; i++) {
                assertThat(c.posterior()[i]).as("class %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(maxOf(c.posterior())).as("a trivial model would be uniform").isGreaterThan(0.2);
        }
    }

    @Test
    void shouldAverageScalesAndFlipsAsThePaperSays() throws Exception {
        byte[] png = Frames.png(52, 40, 5);
        Protocol protocol = Protocol.parse("multi-scale");
        Model m = Model.load(model.dir());
        List<Integer> qs = protocol.scalesFor(m.card());
        assertThat(qs).containsExactly(32, 37, 42);
        // Reference: every variant through DJL's dense graph, then the plain mean.
        Preprocessing.Result.Ok ok = (Preprocessing.Result.Ok) Preprocessing.variants(png, List.of(Plan.of(0, m, protocol)), 1 << 24);
        assertThat(ok.variants()).hasSize(6);
        double[] mean = new double[TestModels.CLASSES];
        for (Variant v : ok.variants()) {
            float[] p = model.dense(v.chw(), 1, v.h(), v.w());
            for (int i = 0; i < mean.length; i++) {
                mean[i] += p[i] / ok.variants().size();
            }
        }
        try (Engine e = engine("multi-scale", 8, Duration.ofMillis(2))) {
            Classification.Ok c = (Classification.Ok) classify(e, png);
            assertThat(c.variants()).isEqualTo(6);
            for (int i = 0; i < mean.length; i++) {
                assertThat(c.posterior()[i]).isCloseTo(mean[i], org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(c.top().get(0).p()).isGreaterThanOrEqualTo(c.top().get(1).p());
        }
    }

    @Test
    void shouldWeighDenseAndCropsEquallyInDensePlusCrops() throws Exception {
        byte[] png = Frames.png(48, 48, 9);
        try (Engine dense = engine("multi-scale", 8, Duration.ofMillis(2));
             Engine crops = engine("crops", 8, Duration.ofMillis(2));
             Engine both = engine("dense+crops", 16, Duration.ofMillis(2))) {
            double[] d = ((Classification.Ok) classify(dense, png)).posterior();
            double[] c = ((Classification.Ok) classify(crops, png)).posterior();
            Classification.Ok b = (Classification.Ok) classify(both, png);
            assertThat(b.variants()).isEqualTo(3 * 2 + 3 * 25 * 2);
            for (int i = 0; i < d.length; i++) {
                assertThat(b.posterior()[i]).isCloseTo((d[i] + c[i]) / 2, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void shouldBatchConcurrentFramesAndAnswerEachOnce() throws Exception {
        // One worker: what is measured is how one worker's batcher gathers concurrent inputs (auto would spread them over
        // one worker per core on a small model).
        try (Engine e = engine("single", 4, Duration.ofMillis(20), InferenceSettings.from(CONFIG).withWorkersPerDevice(1))) {
            List<CompletableFuture<Classification>> all = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                all.add(e.classify(Frames.jpeg(48, 40, i)).toCompletableFuture());
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            assertThat(all).allSatisfy(f -> assertThat(f.get()).isInstanceOf(Classification.Ok.class));
            assertThat(e.metrics().meanBatchSize()).as("24 frames x 2 flips arriving together must share batches").isGreaterThan(1.5);
            long[] histogram = e.metrics().batchSizeHistogram();
            long inputs = 0;
            for (int size = 1; size < histogram.length; size++) {
                inputs += size * histogram[size];
            }
            assertThat(inputs).isEqualTo(48);
            assertThat(histogram.length - 1).isEqualTo(4);
        }
    }

    @Test
    void shouldRunEveryConfiguredInputShapeOnceBeforeItIsReady() throws Exception {
        // 640x480 at Q = 32, 37, 42 is 43x32, 49x37, 56x42 (W x H); crops are 32x32.
        try (Engine e = engine("dense+crops", 8, Duration.ofMillis(1))) {
            assertThat(e.warmedShapes()).containsExactlyInAnyOrder("32x32", "32x43", "37x49", "42x56");
            assertThat(e.metrics().batches()).as("warm-up is not traffic").isZero();
        }
        try (Engine e = engine("single", 8, Duration.ofMillis(1))) {
            assertThat(e.warmedShapes()).containsExactly("37x49");
        }
    }

    @Test
    void shouldRejectUndecodableBytesAsDecode() throws Exception {
        try (Engine e = engine("single", 4, Duration.ofMillis(1))) {
            Classification o = classify(e, "definitely not a jpeg".getBytes());
            assertThat(o).isInstanceOfSatisfying(Classification.NotClassified.class, f -> {
                assertThat(f.kind()).isEqualTo(ErrorKind.DECODE);
                assertThat(f.reason()).contains("not an image");
            });
            // The engine goes on.
            assertThat(classify(e, Frames.jpeg(40, 40, 1))).isInstanceOf(Classification.Ok.class);
        }
    }

    @Test
    void shouldFailStartupNamingAModelFileThatIsCorrupt() throws Exception {
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Files.write(broken.resolve("model.onnx"), new byte[] {1, 2, 3, 4});
        Files.copy(model.dir().resolve("model.json"), broken.resolve("model.json"));
        EngineSettings s = EngineSettings.from(CONFIG).withModels(List.of(broken)).withInference(InferenceSettings.from(CONFIG).withDevices(List.of(io.vggstream.engine.infer.Device.parse("cpu"))));
        assertThatThrownBy(() -> Engine.start(s, CONFIG)).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining(broken.resolve("model.onnx").toString());
    }

    @Test
    void shouldFailNamingAModelFolderWithoutOnnx() {
        assertThatThrownBy(() -> Model.load(dir.resolve("nothing-here"))).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("nothing-here");
    }

    @Test
    void shouldReadTheCardFromTheGraphWhenNoModelJsonIsBeside() throws Exception {
        Path alone = dir.resolve("alone");
        Files.createDirectories(alone);
        Files.copy(model.dir().resolve("model.onnx"), alone.resolve("vgg-a.onnx"));
        Model m = Model.load(alone.resolve("vgg-a.onnx"));
        assertThat(m.name()).isEqualTo("vgg-a");
        assertThat(m.card()).isEqualTo(model.card());
    }

    private static double maxOf(double[] p) {
        double m = 0;
        for (double v : p) {
            m = Math.max(m, v);
        }
        return m;
    }
}
