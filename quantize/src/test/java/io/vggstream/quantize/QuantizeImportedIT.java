package io.vggstream.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.testing.Frames;
import io.vggstream.onnx.OnnxModel;
import io.vggstream.onnx.OnnxReader;
import io.vggstream.onnx.imports.ClassicVgg;
import io.vggstream.onnx.imports.ImportOptions;
import io.vggstream.onnx.imports.ImportResult;
import io.vggstream.onnx.imports.Importer;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.data.FashionMnist;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The quantize job on models written by {@code vggstream import}: a 1/16-width classic VGG-A in
 * each exporter's node pattern (onnx's {@link ClassicVgg} fixture, seeded random weights, 224 crop,
 * so Q = 256), imported with Fashion-MNIST's class names, calibrated from a {@code <class>/<image>}
 * folder and served through the engine. Each layout normalises its input its own way (torchvision:
 * RGB / 255 with ImageNet's mean and std; Model Zoo: the same, with BatchNormalization folded by the
 * import; Caffe: BGR 0-255 minus the BGR mean); the int8 card must keep that block and the source.
 * The pictures are made for the card's input range (see {@link #picture}): random weights map real
 * Fashion-MNIST images to one class with posterior 1, where top-1 agreement would prove nothing.
 */
class QuantizeImportedIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int TEST_IMAGES = 120;
    private static final int CALIBRATION_IMAGES = 60;
    private static final int SIDE = 256;
    private static final String PROTOCOL = "single,flips=off";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ClassicVgg.Pattern.class)
    void shouldServeAnImportedModelQuantizedWithItsNormalisationAndSourceKeptWhenCalibratedOnAFolder(
            ClassicVgg.Pattern pattern) throws Exception {
        ClassicVgg vgg = new ClassicVgg(pattern, ClassicVgg.A_16, 32, FashionMnist.CLASSES.size(), 7);
        Path source = vgg.write(dir.resolve(pattern.name().toLowerCase() + ".onnx"), ClassicVgg.Part.FULL);
        Path classes = Files.write(dir.resolve("classes.txt"), FashionMnist.CLASSES);
        ImportResult imported = Importer.run(ImportOptions.of(source, dir.resolve("imported"))
                .withClasses(classes.toString()));
        Path fp32Dir = imported.onnx().getParent();
        Path out = dir.resolve("int8");

        ModelCard.Input in = imported.card().input();
        Path folder = dir.resolve("calibration");
        for (int i = 0; i < CALIBRATION_IMAGES; i++) {
            Path c = Files.createDirectories(folder.resolve(FashionMnist.CLASSES.get(1 + i % 3)));
            Files.write(c.resolve(i + ".png"), Frames.encode(picture(in, 1000 + i), "png"));
        }

        Quantizer.run(new QuantizeOptions(fp32Dir, FolderSamples.open(folder, FashionMnist.CLASSES), folder.toString(),
                CALIBRATION_IMAGES, Method.MINMAX, Set.of(), out, Optional.empty()), new PrintWriter(new StringWriter()));

        Model int8 = Model.load(out); // the engine's checks: weights digest, both cards
        ModelCard fromImport = imported.card();
        assertThat(int8.card().quantization().method()).isEqualTo("minmax");
        assertThat(int8.card().input()).as("the import's input normalisation").isEqualTo(fromImport.input());
        assertThat(int8.card().source()).as("the import's source").isEqualTo(fromImport.source());
        assertThat(int8.card().source().layout()).isEqualTo(pattern.name().toLowerCase());
        assertThat(int8.card().classes()).isEqualTo(FashionMnist.CLASSES);
        assertThat(int8.card().trainingScale()).isEqualTo(fromImport.trainingScale());
        OnnxModel g = OnnxReader.read(int8.onnx());
        assertThat(g.graph().nodes()).filteredOn(n -> n.opType().equals("Conv"))
                .allSatisfy(n -> assertThat(n.inputs().get(1)).endsWith("_weight_dq"));

        Evaluation.Samples test = new Evaluation.Samples() {
            @Override
            public int size() {
                return TEST_IMAGES;
            }

            @Override
            public Evaluation.Sample get(int i) {
                return new Evaluation.Sample(Frames.encode(picture(in, i), "png"), 0);
            }

            @Override
            public String name() {
                return "generated";
            }
        };
        Evaluation.Run a = Evaluation.run(CONFIG, settings(fp32Dir), fp32Dir, Protocol.parse(PROTOCOL), test, i -> { });
        Evaluation.Run b = Evaluation.run(CONFIG, settings(fp32Dir), out, Protocol.parse(PROTOCOL), test, i -> { });
        assertThat(a.failed()).isZero();
        assertThat(b.failed()).isZero();
        int agree = 0;
        double maxDiff = 0;
        Set<Integer> tops = new TreeSet<>();
        double[] peaks = new double[TEST_IMAGES];
        for (int i = 0; i < TEST_IMAGES; i++) {
            double sum = 0;
            for (double p : b.posteriors()[i]) {
                sum += p;
            }
            assertThat(sum).as("int8 posterior of image %d sums to 1", i).isCloseTo(1.0, within(1e-4));
            tops.add(QuantizeIT.argmax(a.posteriors()[i]));
            peaks[i] = a.posteriors()[i][QuantizeIT.argmax(a.posteriors()[i])];
            if (QuantizeIT.argmax(a.posteriors()[i]) == QuantizeIT.argmax(b.posteriors()[i])) {
                agree++;
            }
            for (int k = 0; k < a.posteriors()[i].length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(a.posteriors()[i][k] - b.posteriors()[i][k]));
            }
        }
        Arrays.sort(peaks);
        System.out.printf("%s: top-1 agreement %d/%d, largest posterior difference %.4f, median float32 top posterior %.3f, top classes %s%n",
                pattern, agree, TEST_IMAGES, maxDiff, peaks[TEST_IMAGES / 2], tops);
        // random weights: the float32 answers must differ between images, or agreeing top classes would prove nothing
        assertThat(tops).as("float32 top classes").hasSizeGreaterThanOrEqualTo(2);
        assertThat(peaks[TEST_IMAGES / 2]).as("median float32 top posterior").isLessThan(0.999);
        assertThat(agree).as(pattern + ": images whose top class int8 and float32 agree on")
                .isGreaterThanOrEqualTo(TEST_IMAGES * 90 / 100);
    }

    /**
     * A 256 x 256 picture whose normalised values (the card's {@code (pixel * scale - mean) / std})
     * are about unit-variance: a few smooth blobs of either sign plus pixel noise. Random weights
     * saturate on real photographs at Caffe's 0-255 range (every image one class, posterior 1), so
     * the pictures are made for each layout's input range, the way onnx's ImporterTest feeds the
     * source graphs unit-variance tensors.
     */
    static BufferedImage picture(ModelCard.Input in, long seed) {
        Random r = new Random(seed);
        double[][] blobs = new double[5][6];
        for (double[] b : blobs) {
            b[0] = r.nextDouble() * SIDE;
            b[1] = r.nextDouble() * SIDE;
            b[2] = 10 + r.nextDouble() * SIDE / 4;
            for (int k = 3; k < 6; k++) {
                b[k] = r.nextGaussian() * 1.5;
            }
        }
        BufferedImage img = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) { // image channel c is input channel k
                    int k = in.bgr() ? 2 - c : c;
                    double z = 0.5 * r.nextGaussian();
                    for (double[] b : blobs) {
                        double d2 = ((x - b[0]) * (x - b[0]) + (y - b[1]) * (y - b[1])) / (b[2] * b[2]);
                        z += b[3 + c] * Math.exp(-d2);
                    }
                    double pixel = (z * in.std().get(k) + in.mean().get(k)) / in.scale();
                    rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(pixel)));
                }
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    private static EngineSettings settings(Path model) {
        return EngineSettings.from(CONFIG).withModels(List.of(model))
                .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))));
    }
}
