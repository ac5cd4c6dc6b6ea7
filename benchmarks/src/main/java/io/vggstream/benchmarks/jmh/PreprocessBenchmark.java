package io.vggstream.benchmarks.jmh;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import io.vggstream.benchmarks.frames.SyntheticFrames;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.preprocess.Preprocessing;
import io.vggstream.engine.preprocess.ImageLimits;
import io.vggstream.engine.preprocess.Variant;
import io.vggstream.imaging.ChannelAffine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One frame's preprocessing, as a preprocessor actor does it: JPEG decode (OpenCV), rescale to each
 * Q, flipped and unflipped dense tensors normalised as a card says. {@code decode} isolates the JPEG
 * decode, {@code tensors} the tensor pass. {@code frame} and {@code frameReduced} are the whole of a
 * frame's CPU work before inference, the floats written into a direct batch buffer as the inference
 * worker does, with the JPEG decoded in full or at reduced size (vggstream.engine.preprocess.reduced-decode).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PreprocessBenchmark {

    @Param({"640x480", "1280x720"})
    public String resolution;

    /** Scales Q separated by ':' (224: single-scale at the crop; 224:256:288: the paper's multi-scale for S = 256). */
    @Param({"224", "224:256:288"})
    public String scales;

    /**
     * The card's input normalisation: {@code mean} (a /1 card: RGB minus the mean), {@code torchvision}
     * (RGB, /255, mean and std) or {@code caffe} (BGR minus the BGR mean). Same per-pixel work in each.
     */
    @Param({"mean", "torchvision", "caffe"})
    public String input;

    private byte[] jpeg;
    private List<Plan> plans;
    private io.vggstream.imaging.Pixels rescaled;
    private float[] plain;
    private float[] mirror;
    private FloatBuffer batch;

    @Setup
    public void setUp() {
        jpeg = SyntheticFrames.jpeg(SyntheticFrames.Resolution.parse(resolution).width(),
            SyntheticFrames.Resolution.parse(resolution).height(), 7);
        List<Integer> qs = Arrays.stream(scales.split(":")).map(Integer::parseInt).toList();
        ChannelAffine map = switch (input) {
            case "mean" -> ChannelAffine.minus(new float[] {123.68f, 116.78f, 103.94f});
            case "torchvision" -> ChannelAffine.of(false, 1 / 255.0, new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
            case "caffe" -> ChannelAffine.of(true, 1, new double[] {103.939, 116.779, 123.68}, new double[] {1, 1, 1});
            default -> throw new IllegalArgumentException("input must be mean, torchvision or caffe, was " + input);
        };
        plans = List.of(new Plan(0, qs, true, true, false, 224, map));
        try (io.vggstream.imaging.Decoded d = io.vggstream.imaging.Decoded.decode(jpeg).orElseThrow()) {
            rescaled = d.rescale(qs.get(0));
        }
        plain = new float[3 * rescaled.width() * rescaled.height()];
        mirror = new float[plain.length];
        long floats = 0;
        for (Variant v : ((Preprocessing.Result.Ok) Preprocessing.variants(jpeg, plans, 40_000_000L)).variants()) {
            floats += v.tensor().floats();
        }
        batch = ByteBuffer.allocateDirect(Math.toIntExact(4 * floats)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Decode in full, rescale, and write every variant's floats into a direct buffer: a frame's work before inference. */
    @Benchmark
    public FloatBuffer frame() {
        return written(Preprocessing.variants(jpeg, plans, ImageLimits.of(40_000_000L, 8), false));
    }

    /** As {@link #frame()}, the JPEG decoded at 1/2, 1/4 or 1/8 by DCT scaling where its smaller side allows (at least 2 Q). */
    @Benchmark
    public FloatBuffer frameReduced() {
        return written(Preprocessing.variants(jpeg, plans, ImageLimits.of(40_000_000L, 8), true));
    }

    private FloatBuffer written(Preprocessing.Result r) {
        if (!(r instanceof Preprocessing.Result.Ok ok)) {
            throw new IllegalStateException("the frame did not preprocess: " + r);
        }
        int at = 0;
        for (Variant v : ok.variants()) {
            v.tensor().writeTo(batch, at);
            at += v.tensor().floats();
        }
        return batch;
    }

    /**
     * The floats of the first Q's dense window, plain and mirrored, written into a direct buffer: what the inference
     * worker does per frame just before the run.
     */
    @Benchmark
    public FloatBuffer tensorsIntoBuffer() {
        int n = 3 * rescaled.width() * rescaled.height();
        io.vggstream.imaging.Tensors.chw(rescaled, 0, 0, rescaled.width(), rescaled.height(), false, plans.get(0).input(), batch, 0);
        io.vggstream.imaging.Tensors.chw(rescaled, 0, 0, rescaled.width(), rescaled.height(), true, plans.get(0).input(), batch, n);
        return batch;
    }

    /** The tensor pass alone: the first Q's rescaled image to the dense tensor and its mirror, normalised as the card says. */
    @Benchmark
    public float[] tensors() {
        io.vggstream.imaging.Tensors.chwAndMirror(rescaled, 0, 0, rescaled.width(), rescaled.height(), plans.get(0).input(), plain, mirror);
        return mirror;
    }

    /** Decode, rescale, flip, subtract the mean: every variant of the frame. */
    @Benchmark
    public Preprocessing.Result variants() {
        Preprocessing.Result r = Preprocessing.variants(jpeg, plans, 40_000_000L);
        if (!(r instanceof Preprocessing.Result.Ok)) {
            throw new IllegalStateException("the frame did not preprocess: " + r);
        }
        return r;
    }

    /** The JPEG decode alone. */
    @Benchmark
    public int decode() {
        try (BytePointer bytes = new BytePointer(jpeg);
             Mat buf = new Mat(1, jpeg.length, opencv_core.CV_8U, bytes);
             Mat img = imdecode(buf, IMREAD_COLOR)) {
            return img.cols();
        }
    }
}
