package io.vggstream.cli.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.cli.Main;
import io.vggstream.cli.onnx.ImportCommand;
import io.vggstream.engine.model.Model;
import io.vggstream.onnx.imports.ClassicVgg;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.data.FashionMnist;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vggstream fit-head} on an imported VGG (torchvision's layout, its own input normalisation
 * in a /2 card) and real Fashion-MNIST images in a folder without val/: the new model is written,
 * loads through the engine's checks, and says what it measured; bad flags exit 2 naming the flag.
 */
class FitHeadCommandIT {

    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {}

    static Outcome launch(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Outcome(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void shouldFitAHeadOnAnImportedVggAndServeItWhenTheFolderHasNoVal() throws Exception {
        Path source = new ClassicVgg(ClassicVgg.Pattern.TORCHVISION, ClassicVgg.A_16, 32, 10, 5)
            .write(dir.resolve("vgg11.onnx"), ClassicVgg.Part.FULL);
        Path classes = Files.write(dir.resolve("classes.txt"), IntStream.range(0, 10).mapToObj(i -> "c" + i).toList());
        CommandLine imp = new CommandLine(new ImportCommand());
        assertThat(imp.execute(source.toString(), "--out", dir.resolve("imported").toString(), "--classes", classes.toString(),
            "--train-scale", "256")).isZero();
        FashionMnist train = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TRAIN);
        for (int label : List.of(1, 7)) {
            Path d = Files.createDirectories(dir.resolve("shop/train/" + FashionMnist.CLASSES.get(label)));
            int written = 0;
            for (int i = 0; i < train.size() && written < 15; i++) {
                if (train.label(i) == label) {
                    BufferedImage b = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 28; y++) {
                        for (int x = 0; x < 28; x++) {
                            int g = train.image(i).get(x, y, 0);
                            b.setRGB(x, y, g << 16 | g << 8 | g);
                        }
                    }
                    ImageIO.write(b, "png", d.resolve(i + ".png").toFile());
                    written++;
                }
            }
        }

        Outcome o = launch("fit-head", "--model", dir.resolve("imported").toString(), "--data", dir.resolve("shop").toString(),
            "--out", dir.resolve("shop-model").toString(), "--protocol", "single", "--classifier", "svm", "--threads", "1",
            "--device", "cpu");

        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("classes: Sneaker, Trouser").contains("served model through the engine (holdout)")
            .contains("cross-validated accuracy by C:")
            .contains("fitted classifier on the averaged descriptors");
        Model served = Model.load(dir.resolve("shop-model"));
        ModelCard card = served.card();
        assertThat(card.classes()).containsExactly("Sneaker", "Trouser");
        assertThat(card.input()).isEqualTo(Model.load(dir.resolve("imported")).card().input());
        assertThat(card.source()).isNotNull();
        assertThat(card.head().classifier()).isEqualTo("svm");
        // The default descriptor is the paper's: served with the variants' features averaged before the head.
        assertThat(card.head().fusion()).isEqualTo(ModelCard.Head.FUSION_FEATURES);
        assertThat(served.featureHead()).isNotNull();
        assertThat(served.featureHead().classes()).isEqualTo(2);
        assertThat(card.accuracy().split()).isEqualTo("holdout");
        assertThat(card.accuracy().images()).isEqualTo(6);
    }

    @Test
    void shouldExitTwoNamingTheFlagWhenTheClassifierIsUnknown() {
        Outcome o = launch("fit-head", "--model", dir.toString(), "--data", dir.toString(), "--out", dir.resolve("x").toString(),
            "--classifier", "forest");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--classifier").contains("forest");
    }

    @Test
    void shouldExitTwoNamingTheFlagWhenTheDescriptorIsUnknown() {
        Outcome o = launch("fit-head", "--model", dir.toString(), "--data", dir.toString(), "--out", dir.resolve("x").toString(),
            "--descriptor", "mean");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--descriptor").contains("mean");
    }

    @Test
    void shouldExitTwoNamingTheClassWhenTheFolderHoldsOneClass() throws Exception {
        Path source = new ClassicVgg(ClassicVgg.Pattern.TORCHVISION, ClassicVgg.A_16, 32, 10, 5)
            .write(dir.resolve("vgg11.onnx"), ClassicVgg.Part.FULL);
        Path classes = Files.write(dir.resolve("classes.txt"), IntStream.range(0, 10).mapToObj(i -> "c" + i).toList());
        assertThat(new CommandLine(new ImportCommand()).execute(source.toString(), "--out", dir.resolve("imported").toString(),
            "--classes", classes.toString(), "--train-scale", "256")).isZero();
        Files.createDirectories(dir.resolve("one/train/apple"));
        Files.writeString(dir.resolve("one/train/apple/a.png"), "x");
        Outcome o = launch("fit-head", "--model", dir.resolve("imported").toString(), "--data", dir.resolve("one").toString(),
            "--out", dir.resolve("x").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("only the class 'apple'");
    }
}
