package io.vggstream.engine.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.testing.Frames;
import io.vggstream.trainer.augment.Augmenter;
import io.vggstream.trainer.data.ImageFolder;
import io.vggstream.trainer.data.RgbImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One preprocessing for training and serving: the same image file through the trainer's evaluation
 * path (ImageFolder's decode, Augmenter.evaluation: rescale to Q, central Q x Q square) and through
 * the engine's preprocessing (the dense variant at Q, and its flip) gives the same tensor.
 */
class SamePreprocessingTest {

    private static final double[] MEAN = {123.68, 116.78, 103.94};
    private static final float[] MEAN_F = {123.68f, 116.78f, 103.94f};
    private static final List<Integer> QS = List.of(32, 37, 64, 100, 256);

    @TempDir
    Path root;

    @Test
    void shouldGiveTheSameTensorThroughTheTrainersEvaluationAndTheEnginesPreprocessingAtEveryQAndFlipped() throws IOException {
        BufferedImage grey = new BufferedImage(50, 70, BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(Frames.image(50, 70, 4), 0, 0, null);
        write("train/a/landscape.jpg", Frames.jpeg(160, 120, 1));
        write("train/a/portrait.png", Frames.png(90, 130, 2));
        write("train/b/small.bmp", Frames.encode(Frames.image(28, 28, 3), "bmp"));
        write("train/b/grey.jpg", Frames.encode(grey, "jpg"));
        ImageFolder set = ImageFolder.open(root, "train", null);

        double worst = 0;
        long compared = 0;
        for (int i = 0; i < set.size(); i++) {
            byte[] file = Files.readAllBytes(Path.of(fileOf(i)));
            RgbImage img = set.image(i);
            assertThat(img).as(fileOf(i)).isNotNull();
            for (int q : QS) {
                Augmenter eval = Augmenter.evaluation(q, MEAN);
                var ok = (Preprocessing.Result.Ok) Preprocessing.variants(file, List.of(new Plan(0, List.of(q), true, true, false, q, MEAN_F)),
                    ImageLimits.of(40_000_000L, 8));
                Variant dense = ok.variants().get(0);
                Variant mirrored = ok.variants().get(1);
                for (boolean flip : new boolean[] {false, true}) {
                    FloatBuffer trainer = FloatBuffer.allocate(3 * q * q);
                    Augmenter.Draw d = eval.centre(img.width(), img.height(), flip);
                    if (flip) {
                        eval.render(img, d, trainer, 0);
                    } else {
                        // Exactly what the trainer's Evaluation does: apply with the evaluation augmenter.
                        eval.apply(img, new SplittableRandom(0), trainer, 0);
                    }
                    assertThat(new int[] {dense.w(), dense.h()}).containsExactly(d.scaledWidth(), d.scaledHeight());
                    // The flipped window of the trainer is the window mirrored about the centre line in the engine's flip.
                    Variant engine = flip ? mirrored : dense;
                    int x0 = flip ? dense.w() - q - d.x0() : d.x0();
                    double diff = maxDiff(trainer, engine, x0, d.y0(), q);
                    assertThat(diff).as("%s at Q %d%s", fileOf(i), q, flip ? ", flipped" : "").isLessThanOrEqualTo(1e-5);
                    worst = Math.max(worst, diff);
                    compared += 3L * q * q;
                }
            }
        }
        System.out.printf("same preprocessing: %d images x Q %s x {plain, flip}: %d values, max |trainer - engine| = %g%n", set.size(), QS,
            compared, worst);
    }

    private String fileOf(int i) {
        try (var files = Files.walk(root.resolve("train"))) {
            return files.filter(Files::isRegularFile).map(Path::toString).sorted().toList().get(i);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double maxDiff(FloatBuffer trainer, Variant engine, int x0, int y0, int q) {
        double worst = 0;
        int plane = engine.h() * engine.w();
        float[] chw = engine.chw(); // made afresh on each call since variants became windows: once, not per value
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < q; y++) {
                for (int x = 0; x < q; x++) {
                    float t = trainer.get(c * q * q + y * q + x);
                    float e = chw[c * plane + (y0 + y) * engine.w() + x0 + x];
                    worst = Math.max(worst, Math.abs(t - e));
                }
            }
        }
        return worst;
    }

    private void write(String name, byte[] bytes) throws IOException {
        Path p = root.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }
}
