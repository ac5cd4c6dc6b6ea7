package io.vggstream.cli.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.onnx.imports.ClassicVgg;
import io.vggstream.topics.card.ModelCard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The import command: a classic VGG in, the dense form out; bad flags exit 2 naming the flag. */
class ImportCommandTest {

    @TempDir
    Path dir;

    Path source;
    Path classes;

    record Outcome(int code, String out, String err) {}

    @BeforeEach
    void writeFixture() throws Exception {
        // torch.onnx.export's pattern for torchvision's VGG, config A at width 1/16, fc 32, 10 classes
        source = new ClassicVgg(ClassicVgg.Pattern.TORCHVISION, ClassicVgg.A_16, 32, 10, 5)
                .write(dir.resolve("vgg11.onnx"), ClassicVgg.Part.FULL);
        classes = dir.resolve("classes.txt");
        Files.write(classes, IntStream.range(0, 10).mapToObj(i -> "c" + i).toList());
    }

    Outcome run(String... args) {
        List<String> all = new ArrayList<>(List.of(source.toString(), "--out", dir.resolve("out").toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ImportCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(all.toArray(String[]::new));
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void shouldImportAndSayWhichLayoutItDetected() throws Exception {
        Outcome o = run("--classes", classes.toString(), "--train-scale", "256:512", "--name", "tiny");

        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("layout torchvision (detected:").contains("config A,");
        ModelCard card = ModelCard.read(dir.resolve("out/model.json"));
        assertThat(card.trainingScale()).isEqualTo(new ModelCard.Scale(256, 512));
        assertThat(card.recipe()).containsEntry("name", "tiny");
        assertThat(dir.resolve("out/model.onnx")).isRegularFile();
        // the engine's loader takes the folder: the card validates and weights_sha256 is what it hashes
        // (serving it with the card's input normalisation is the engine's side, tested there)
        assertThat(io.vggstream.engine.model.Model.load(dir.resolve("out")).card()).isEqualTo(card);
    }

    @Test
    void shouldTakeExplicitPreprocessingOverTheLayouts() throws Exception {
        Outcome o = run("--classes", classes.toString(), "--layout", "caffe", "--channel-order", "rgb",
                "--mean", "120,110,100", "--std", "1,2,3", "--input-scale", "1");

        assertThat(o.code()).as(o.err()).isZero();
        ModelCard.Input in = ModelCard.read(dir.resolve("out/model.json")).input();
        assertThat(in).isEqualTo(new ModelCard.Input("rgb", 1.0, List.of(120.0, 110.0, 100.0), List.of(1.0, 2.0, 3.0)));
    }

    @Test
    void shouldNameTheFlagOfEachBadValue() {
        String[][] cases = {
            {"--layout", "keras"}, {"--mean", "1,2"}, {"--std", "1,0,1"}, {"--train-scale", "big"},
            {"--channel-order", "grb"}, {"--classes", "nowhere.txt"}, {"--crop", "256"},
        };
        for (String[] c : cases) {
            Outcome o = run(c);
            assertThat(o.code()).as(String.join(" ", c)).isEqualTo(2);
            assertThat(o.err()).as(String.join(" ", c)).contains(c[0]);
        }
    }

    @Test
    void shouldRefuseAClassCountMismatchNamingBothNumbers() {
        Outcome o = run();

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("10 outputs").contains("1000 classes").contains("--classes");
    }

    @Test
    void shouldExitOneWhenTheSourceIsNotAnOnnxFile() throws Exception {
        Files.writeString(source, "not a model");

        Outcome o = run("--classes", classes.toString());

        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err()).contains("vgg11.onnx");
    }
}
