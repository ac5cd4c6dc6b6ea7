package io.vggstream.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.cli.Main;
import io.vggstream.cli.demo.SampleVideo;
import io.vggstream.engine.api.Classification;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.preprocess.Preprocessing;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.imaging.Decoded;
import io.vggstream.imaging.Pixels;
import io.vggstream.trainer.data.FashionMnist;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vggstream.engine.preprocess.reduced-decode on real frames: the demo's sample video of Fashion-MNIST test images at
 * 640x480 (H.264 or MPEG-4, grabbed back through JavaCV, JPEG at the publisher's quality 90), through an engine serving
 * a VGG-A trained here on Fashion-MNIST (so its top-1 depends on the image, unlike a random net's nearly flat posterior),
 * once decoding every frame in full and once at reduced size. At Q 32, 112 and 224 the frames are reduced by 8, 4 and 2;
 * at 112 and 224 also on frames of the item repeated at the size those Q bring to the net's own 32 pixels. Prints the
 * top-1 agreement, the accuracies against the true labels, the top-1 margins and the mean absolute difference of the
 * rescaled pixels (docs/results/2026-12-04-reduced-decode.md).
 *
 * <p>What it holds the reduced decode to is what it was measured to keep: the accuracy within 3 points (2.25 at most since
 * the net's first conv has 16 channels, 2026-12-05; 1 before), at least 90%
 * of the answers, and no answer changed that the full decode gave by a margin of 0.25 or more. The bar for
 * turning the setting on by default, 99% agreement, was not met (93.25-99.25% where it was measured), so reduced-decode
 * stays off; the test keeps the figures honest when anything changes.
 */
class ReducedDecodeIT {

    private static final int FRAMES = 400;
    /** Q and the video: 0, one item on the smaller side; 1 and 2, items repeated at the size Q 112 and 224 bring to 32. */
    private static final int[][] RUNS = {{32, 0}, {112, 0}, {224, 0}, {112, 1}, {224, 2}};
    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    Path dir;

    @Test
    void shouldChangeOnlyNearTiedAnswersAndNotTheAccuracyWhenRealFramesAt640x480AreDecodedAtReducedSize() throws Exception {
        assumeTrue(FashionMnist.isFashionMnistDir(FashionMnist.DEBIAN_DIR),
            "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist (.ci/run does)");
        Path model = dir.resolve("model");
        // The demo's recipe, narrower and on a fifth of the data for two epochs: a few minutes on 2 cores.
        StringWriter out = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(out, true)).execute("train",
            "--data", "fashion-mnist", "--arch", "A", "--width", "0.125", "--fc", "64", "--crop", "32", "--scale", "32", "--epochs", "2",
            "--batch-size", "64", "--train-images", "12000", "--val-images", "500", "--test-images", "1000", "--seed", "1",
            "--out", model.toString());
        assertThat(code).as(out.toString()).isZero();

        // One item on the frame's smaller side (480 pixels: the net's own scale at Q 32), and the same item repeated at 137
        // and 69 pixels, which Q 112 and 224 bring to the 32 pixels it learned.
        List<Frames> videos = new ArrayList<>();
        for (int side : new int[] {0, 137, 69}) {
            SampleVideo.Made video = SampleVideo.write(FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TEST), FRAMES, 640, 480, side,
                25, 7, dir.resolve("sample-" + side + ".mp4"));
            List<String> labels = Files.readAllLines(video.labels()).subList(1, FRAMES + 1).stream().map(l -> l.substring(l.indexOf(',') + 1))
                .toList();
            List<byte[]> jpegs = grab(video.video());
            assertThat(jpegs).hasSize(FRAMES);
            videos.add(new Frames(side == 0 ? "one item on 480x480" : "items of " + side + "x" + side, labels, jpegs));
        }
        List<String> classes = io.vggstream.engine.model.Model.load(model).card().classes();
        StringBuilder report = new StringBuilder();
        List<int[]> agreed = new ArrayList<>();
        List<Double> flips = new ArrayList<>();
        List<Integer> distinct = new ArrayList<>();
        for (int[] run : RUNS) {
            int q = run[0];
            Frames video = videos.get(run[1]);
            List<String> labels = video.labels();
            List<byte[]> jpegs = video.jpegs();
            int k = Preprocessing.reduction(640, 480, q);
            List<Top> full = topOne(model, q, false, jpegs);
            List<Top> reduced = topOne(model, q, true, jpegs);
            int agree = 0;
            int rightFull = 0;
            int rightReduced = 0;
            Set<Integer> seen = new HashSet<>();
            double margins = 0;
            double worstFlip = 0;
            for (int i = 0; i < FRAMES; i++) {
                int f = full.get(i).cls();
                int r = reduced.get(i).cls();
                seen.add(f);
                margins += full.get(i).margin();
                if (f == r) {
                    agree++;
                } else {
                    worstFlip = Math.max(worstFlip, full.get(i).margin());
                }
                rightFull += classes.get(f).equals(labels.get(i)) ? 1 : 0;
                rightReduced += classes.get(r).equals(labels.get(i)) ? 1 : 0;
            }
            double pixels = meanAbsRescaledDifference(jpegs, q, k);
            String line = String.format(Locale.ROOT, "%s, reduced decode at Q %d (1/%d): top-1 agreement %d/%d = %.2f%%, accuracy full %.1f%% reduced %.1f%%,"
                + " %d distinct top-1, mean top-1 margin %.3f, largest margin among the flips %.3f, mean |full - reduced| after rescale %.3f of 255",
                video.name(), q, k, agree, FRAMES, 100.0 * agree / FRAMES, 100.0 * rightFull / FRAMES, 100.0 * rightReduced / FRAMES, seen.size(), margins / FRAMES,
                worstFlip, pixels);
            System.out.println(line);
            report.append(line).append('\n');
            assertThat(k).as("640x480 at Q %d", q).isGreaterThan(1);
            distinct.add(seen.size());
            agreed.add(new int[] {agree, rightFull, rightReduced});
            flips.add(worstFlip);
        }
        // Every Q measured before any is judged, so that a failure still reports them all.
        for (int i = 0; i < RUNS.length; i++) {
            int[] a = agreed.get(i);
            // Where the net sees items at the size it learned, its answers depend on the image: not one class for every
            // frame. One item at Q 112 or 224 is 3.5 or 7 times that size; there the posterior is nearly flat and may well
            // name one class throughout (it did for this seed once PyTorch ran on AVX2), so agreement there says little.
            if (atNetScale(RUNS[i])) {
                assertThat(distinct.get(i)).as(report.toString()).isGreaterThanOrEqualTo(3);
            }
            assertThat(a[0]).as(report.toString()).isGreaterThanOrEqualTo((int) Math.ceil(0.90 * FRAMES));
            assertThat(Math.abs(a[1] - a[2])).as(report.toString()).isLessThanOrEqualTo(12);
            assertThat(flips.get(i)).as(report.toString()).isLessThan(0.25);
        }
    }

    /** Whether a run shows the net items at its own 32 pixels: the one item at Q 32, the repeated items at theirs. */
    private static boolean atNetScale(int[] run) {
        return run[0] == 32 || run[1] != 0;
    }

    /** The video's frames as the publisher sends them: JPEG at quality 90. */
    private static List<byte[]> grab(Path video) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile()); OpenCVFrameConverter.ToMat toMat = new OpenCVFrameConverter.ToMat();
             IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, 90)) {
            g.start();
            Frame f;
            while ((f = g.grabImage()) != null) {
                Mat m = toMat.convert(f);
                try (BytePointer buf = new BytePointer()) {
                    assertThat(imencode(".jpg", m, buf, params)).isTrue();
                    byte[] b = new byte[(int) buf.limit()];
                    buf.get(b);
                    out.add(b);
                }
            }
            g.stop();
        }
        return out;
    }

    /** A video's frames as JPEG and their true labels. */
    private record Frames(String name, List<String> labels, List<byte[]> jpegs) {
    }

    /** Each frame's top-1 class and its margin over the second (posterior difference). */
    private record Top(int cls, double margin) {
    }

    private List<Top> topOne(Path model, int q, boolean reduced, List<byte[]> jpegs) throws Exception {
        EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model)).withProtocol(Protocol.parse("single,scales=" + q));
        settings = settings.withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))))
            .withPreprocess(settings.preprocess().withReducedDecode(reduced));
        List<Top> top = new ArrayList<>();
        try (Engine e = Engine.start(settings, CONFIG)) {
            for (byte[] jpeg : jpegs) {
                Classification c = e.classify(jpeg).toCompletableFuture().get(60, TimeUnit.SECONDS);
                assertThat(c).isInstanceOf(Classification.Ok.class);
                double[] p = ((Classification.Ok) c).posterior();
                int best = 0;
                for (int j = 1; j < p.length; j++) {
                    best = p[j] > p[best] ? j : best;
                }
                double second = 0;
                for (int j = 0; j < p.length; j++) {
                    second = j != best ? Math.max(second, p[j]) : second;
                }
                top.add(new Top(best, p[best] - second));
            }
        }
        return top;
    }

    /** The mean absolute difference, in 0-255 levels, between the full and the reduced decode once rescaled to Q. */
    private static double meanAbsRescaledDifference(List<byte[]> jpegs, int q, int k) {
        double sum = 0;
        long n = 0;
        for (byte[] jpeg : jpegs) {
            try (Decoded full = Decoded.decode(jpeg).orElseThrow(); Decoded reduced = Decoded.decodeReduced(jpeg, k).orElseThrow()) {
                Pixels a = full.rescale(q);
                Pixels b = reduced.rescale(q, full.width(), full.height());
                for (int i = 0; i < a.data().length; i++) {
                    sum += Math.abs((a.data()[i] & 0xff) - (b.data()[i] & 0xff));
                }
                n += a.data().length;
            }
        }
        return sum / n;
    }
}
