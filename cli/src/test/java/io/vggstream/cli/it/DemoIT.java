package io.vggstream.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vggstream.cli.Main;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.trainer.data.FashionMnist;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vggstream demo} end to end on a small real model: private broker, sample video of
 * labelled Fashion-MNIST images, engine, publisher, live view, summary, annotated video, and
 * nothing left behind.
 */
class DemoIT {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static Run demo(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "demo";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldRunTheWholePipelineAndLeaveNothingBehind() throws Exception {
        assumeTrue(FashionMnist.isFashionMnistDir(FashionMnist.DEBIAN_DIR),
            "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist (.ci/run does)");
        try (TestModels.Exported model = TestModels.export(dir.resolve("model"))) {
            Path out = dir.resolve("demo");
            Run r = demo("--frames", "12", "--fps", "20", "--model", model.dir().toString(), "--out", out.toString());
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("vggstream demo: done").contains("12 published, 12 predicted")
                .contains("accuracy").contains("latency     p50").contains("annotated.mp4");
            assertThat(Files.size(out.resolve("sample.mp4"))).isPositive();
            assertThat(Files.readAllLines(out.resolve("sample.labels.csv"))).hasSize(13);
            // The annotated video is one a player opens: every frame there, at the size written.
            try (org.bytedeco.javacv.FFmpegFrameGrabber g = new org.bytedeco.javacv.FFmpegFrameGrabber(out.resolve("annotated.mp4").toFile())) {
                g.start();
                int n = 0;
                while (g.grabImage() != null) {
                    n++;
                }
                assertThat(n).isEqualTo(12);
                assertThat(g.getImageWidth()).isPositive();
                g.stop();
            }
            try (Stream<Path> left = Files.list(out)) {
                assertThat(left.map(p -> p.getFileName().toString())).as("the private broker's data is gone")
                    .noneMatch(n -> n.startsWith("kafka-"));
            }
            assertThat(ImageIO.read(out.resolve("annotated.png").toFile()).getWidth()).as("the still of the annotated video").isPositive();
            // It can be run again.
            Run again = demo("--frames", "5", "--fps", "20", "--model", model.dir().toString(), "--out", out.toString());
            assertThat(again.code()).as(again.out() + again.err()).isZero();
            // An untrained model cannot reach 100%: the demo's own check fails it, saying why.
            Run checked = demo("--frames", "5", "--fps", "20", "--model", model.dir().toString(), "--out", out.toString(),
                "--min-accuracy", "100");
            assertThat(checked.code()).as(checked.out() + checked.err()).isEqualTo(1);
            assertThat(checked.err()).contains("is below --min-accuracy 100.0%");
        }
    }

    /** The reduced form CI runs: a model trained now, on the real dataset, judged by the demo's own summary. */
    @Test
    void shouldTrainTheReducedRecipeAndPassItsOwnAccuracyCheck() throws Exception {
        assumeTrue(FashionMnist.isFashionMnistDir(FashionMnist.DEBIAN_DIR),
            "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist (.ci/run does)");
        Path models = dir.resolve("models");
        Run r = demo("--quick", "--models", models.toString(), "--out", dir.resolve("quick").toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        // The figures, for the build log.
        System.out.println("demo --quick:" + r.out().substring(Math.max(0, r.out().indexOf("vggstream demo: done") - 1)));
        assertThat(r.out()).contains("training the reduced recipe (2 epochs)").contains("200 published, 200 predicted")
            .contains("check       accuracy at least 80.0%: passed");
        Matcher accuracy = Pattern.compile("accuracy    ([0-9.]+)% against the true labels \\(200 labelled\\)").matcher(r.out());
        assertThat(accuracy.find()).as(r.out()).isTrue();
        assertThat(Double.parseDouble(accuracy.group(1))).isGreaterThanOrEqualTo(80.0);
        assertThat(models.resolve("fmnist-a-quick").resolve("model.onnx")).isRegularFile();
        assertThat(Files.readString(models.resolve("fmnist-a-quick").resolve("metrics.csv")).lines().count())
            .as("a header and two epochs").isEqualTo(3);
    }

    @Test
    void shouldRefuseAnAccuracyThatIsNotAPercentage() {
        Run r = demo("--min-accuracy", "101", "--frames", "3");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--min-accuracy");
    }

    @Test
    void shouldSayWhatIsMissingAndHowToGetItWhenTheDatasetIsAbsent() {
        Run r = demo("--data-dir", dir.resolve("nowhere").toString(), "--frames", "3");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("Fashion-MNIST").contains("apt-get install dataset-fashion-mnist").contains("--data-dir");
    }
}
