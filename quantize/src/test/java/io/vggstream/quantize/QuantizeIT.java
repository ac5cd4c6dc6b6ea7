package io.vggstream.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.onnx.OnnxModel;
import io.vggstream.onnx.OnnxReader;
import io.vggstream.replicate.DatasetSamples;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.data.FashionMnist;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quantize job on a small real model (a 1/16-width A exported by the trainer's code, classes
 * named as Fashion-MNIST's) with real Fashion-MNIST images: the QDQ graph loads in the engine as it
 * is, its predictions through the engine agree with the float32 model's at the card's scale and at
 * a larger input (dense evaluation), and the bad inputs are refused with a message saying which.
 */
class QuantizeIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int TEST_IMAGES = 300;

    @TempDir
    static Path dir;

    static TestModels.Exported fp32;
    static Path fp32Dir;

    @BeforeAll
    static void export() {
        fp32Dir = dir.resolve("fp32");
        fp32 = TestModels.export(fp32Dir, c -> new ModelCard(c.format(), c.config(), c.width(), c.fc(),
                FashionMnist.CLASSES, c.meanRgb(), c.crop(), c.trainingScale(), c.io(), c.accuracy(), c.recipe(),
                c.versions(), c.weightsSha256()));
    }

    static Evaluation.Samples split(FashionMnist.Split split, int limit) {
        return new DatasetSamples(FashionMnist.load(FashionMnist.DEBIAN_DIR, split), FashionMnist.CLASSES, limit);
    }

    static EngineSettings settings() {
        return EngineSettings.from(CONFIG).withModels(List.of(fp32Dir))
                .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))));
    }

    static QuantizeResult quantize(Method method, Path out, Set<String> fp32Layers) throws Exception {
        return Quantizer.run(new QuantizeOptions(fp32Dir, split(FashionMnist.Split.TRAIN, 0), "fashion-mnist train", 200,
                method, fp32Layers, out, Optional.empty()), new PrintWriter(new StringWriter()));
    }

    @Test
    void shouldServeTheInt8GraphWithPredictionsThatAgreeWithFloat32WhenCalibratedOnFashionMnist() throws Exception {
        Path out = dir.resolve("int8");
        QuantizeResult r = quantize(Method.PERCENTILE, out, Set.of());

        Model int8 = Model.load(out); // the engine's checks: weights digest, both cards
        assertThat(int8.card().format()).isEqualTo(ModelCard.FORMAT_2);
        assertThat(int8.card().quantization().method()).isEqualTo("percentile");
        assertThat(int8.card().quantization().images()).isEqualTo(200);
        assertThat(int8.card().quantization().fp32Layers()).isEmpty();
        assertThat(int8.card().accuracy()).isNull();
        OnnxModel g = OnnxReader.read(int8.onnx());
        assertThat(g.graph().nodes()).filteredOn(n -> n.opType().equals("QuantizeLinear")).isNotEmpty();
        // every conv (fc6..fc8 included) reads int8 weights through a per-channel DequantizeLinear
        assertThat(g.graph().nodes()).filteredOn(n -> n.opType().equals("Conv"))
                .allSatisfy(n -> assertThat(n.inputs().get(1)).endsWith("_weight_dq"));
        assertThat(g.graph().initializers().values()).filteredOn(t -> t.dataType() == 3).isNotEmpty();

        Evaluation.Samples test = split(FashionMnist.Split.TEST, TEST_IMAGES);
        for (String protocol : List.of("single,flips=off", "single,flips=off,scales=64")) {
            Evaluation.Run a = Evaluation.run(CONFIG, settings(), fp32Dir, Protocol.parse(protocol), test, i -> { });
            Evaluation.Run b = Evaluation.run(CONFIG, settings(), out, Protocol.parse(protocol), test, i -> { });
            assertThat(a.failed()).isZero();
            assertThat(b.failed()).isZero();
            int agree = 0;
            double maxDiff = 0;
            for (int i = 0; i < TEST_IMAGES; i++) {
                if (argmax(a.posteriors()[i]) == argmax(b.posteriors()[i])) {
                    agree++;
                }
                for (int k = 0; k < a.posteriors()[i].length; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a.posteriors()[i][k] - b.posteriors()[i][k]));
                }
            }
            System.out.printf("%s: top-1 agreement %d/%d, largest posterior difference %.4f%n", protocol, agree,
                    TEST_IMAGES, maxDiff);
            assertThat(agree).as(protocol + ": images whose top class int8 and float32 agree on")
                    .isGreaterThanOrEqualTo(TEST_IMAGES * 95 / 100);
        }
    }

    static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    @Test
    void shouldLeaveTheNamedConvInFloat32WhenAsked() throws Exception {
        QuantizeResult r = quantize(Method.MINMAX, dir.resolve("first-fp32"), Set.of("conv1_1"));

        assertThat(r.card().quantization().fp32Layers()).containsExactly("conv1_1");
        OnnxModel g = OnnxReader.read(Model.load(r.out()).onnx());
        assertThat(g.graph().nodes()).filteredOn(n -> n.name().equals("conv1_1"))
                .singleElement().satisfies(n -> assertThat(n.inputs()).containsExactly("image", "conv1_1_weight", "conv1_1_bias"));
    }

    @Test
    void shouldRefuseAModelThatIsAlreadyQuantized() throws Exception {
        Path once = dir.resolve("once");
        quantize(Method.MINMAX, once, Set.of());

        assertThatThrownBy(() -> Quantizer.run(new QuantizeOptions(once, split(FashionMnist.Split.TRAIN, 0), "fashion-mnist train",
                10, Method.MINMAX, Set.of(), dir.resolve("twice"), Optional.empty()), new PrintWriter(new StringWriter())))
                .isInstanceOf(QuantizeException.class).hasMessageContaining("already quantized");
    }

    @Test
    void shouldRefuseACalibrationFolderWithNoReadableImage() throws Exception {
        Path folder = dir.resolve("unreadable");
        for (String c : List.of("Trouser", "Bag")) {
            Files.createDirectories(folder.resolve(c));
            Files.writeString(folder.resolve(c).resolve("notes.jpg"), "not an image");
        }
        Evaluation.Samples cal = FolderSamples.open(folder, FashionMnist.CLASSES);

        assertThatThrownBy(() -> Quantizer.run(new QuantizeOptions(fp32Dir, cal, folder.toString(), 10, Method.MINMAX,
                Set.of(), dir.resolve("never"), Optional.empty()), new PrintWriter(new StringWriter())))
                .isInstanceOf(QuantizeException.class).hasMessageContaining("no readable image");
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void shouldRefuseACalibrationSetOfOneClass() throws Exception {
        Path folder = dir.resolve("one-class");
        Files.createDirectories(folder.resolve("Bag"));
        Evaluation.Samples all = split(FashionMnist.Split.TRAIN, 50);
        for (int i = 0; i < 50; i++) {
            Files.write(folder.resolve("Bag").resolve(i + ".png"), all.get(i).image());
        }
        Evaluation.Samples cal = FolderSamples.open(folder, FashionMnist.CLASSES);

        assertThatThrownBy(() -> Quantizer.run(new QuantizeOptions(fp32Dir, cal, folder.toString(), 10, Method.MINMAX,
                Set.of(), dir.resolve("never"), Optional.empty()), new PrintWriter(new StringWriter())))
                .isInstanceOf(QuantizeException.class).hasMessageContaining("one class only").hasMessageContaining("Bag");
    }
}
