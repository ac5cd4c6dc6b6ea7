package io.vggstream.benchmarks.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.benchmarks.frames.SyntheticFrames;
import io.vggstream.benchmarks.frames.SyntheticFrames.Resolution;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.preprocess.Preprocessing;
import io.vggstream.engine.preprocess.Variant;
import io.vggstream.engine.protocol.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** What {@code bench} and {@code bench soak} set up the same way before they measure: the engine's settings and the run's frames. */
final class RunSetup {

    private RunSetup() {
    }

    /** The run flags both specs carry ({@link BenchSpec} and {@link SoakSpec} have them as record components). */
    interface Spec {
        Protocol protocol();

        Resolution resolution();

        int threads();

        /** Inference workers (sessions) of the model; the ceiling runs as many sessions at once. */
        default int workers() {
            return 1;
        }

        int batch();

        Duration maxDelay();

        /** Frames in the engine at once; 0: {@link #inFlight} chooses. */
        int maxInFlight();

        Path out();
    }

    /**
     * How long a run's frames in flight would take at the ceiling's rate: the frames it keeps in flight are at least that
     * rate times this (Little's law), so that the engine's queues stay full while answers travel back and new frames in.
     * On the 2-core machine each hop between the engine's threads can wait for a core that ONNX Runtime holds; with the
     * enrichment workload's fast model (3,800 frames/s at the ceiling) 14 frames in flight left a tenth of the cores idle
     * (process CPU 87-90%, (b) 66-68% of the ceiling), 40 gave 82%, 96 and 128 gave 87% and 89% at 99% CPU
     * (docs/results/2026-12-05-in-flight.md).
     */
    static final double IN_FLIGHT_SECONDS = 0.030;

    /** Batches' worth of frames the batches' rule keeps in flight per worker. */
    static final int BATCHES = 4;

    /** The most frames the rate's rule keeps in flight. */
    static final int MOST_IN_FLIGHT = 256;

    /** {@link #inFlight(Spec, int, int, Config, double)} without a measured ceiling: the batches' rule alone. */
    static int inFlight(Spec spec, int batch, int perFrame, Config config) {
        return inFlight(spec, batch, perFrame, config, Double.NaN);
    }

    /**
     * Frames in the engine at once: the spec's, or (0, auto) the larger of two rules. The batches' rule keeps every
     * worker's batches full: for each worker one batch running, the next two queued, and a fourth's worth for the frames
     * the Kafka path holds answered until the rest of their group is (it hands frames over in groups under load; with
     * three, 26 frames, camera (c') ran batches of 7.5-7.7 and 62.6-65.4% of the ceiling; with 33, 7.96 and 70.8%),
     * plus one frame per preprocessor, at most the engine's own {@code max-in-flight}; more would only queue with a slow
     * model, where frames would wait past the frame deadline and come out partial, and fewer leaves a worker idle (with
     * two workers and one worker's worth, the engine used 1.5-1.7 of 2 cores). The rate's rule: the ceiling's frames/s
     * times {@link #IN_FLIGHT_SECONDS}, at most {@link #MOST_IN_FLIGHT}: a fast model needs more frames in flight than its batches hold, since each frame's
     * way back to the client and the next frame's way in take time (a slow model's rate makes this rule the smaller).
     *
     * @param ceilingFramesPerSecond the bare sessions' frames/s; NaN: not measured (the batches' rule alone)
     */
    static int inFlight(Spec spec, int batch, int perFrame, Config config, double ceilingFramesPerSecond) {
        if (spec.maxInFlight() > 0) {
            return spec.maxInFlight();
        }
        int auto = BATCHES * BenchRun.burst(batch, perFrame) * Math.max(1, spec.workers()) + Runtime.getRuntime().availableProcessors();
        int batches = Math.max(1, Math.min(config.getInt("vggstream.engine.max-in-flight"), auto));
        int rate = Double.isFinite(ceilingFramesPerSecond) && ceilingFramesPerSecond > 0
            ? (int) Math.min(MOST_IN_FLIGHT, Math.ceil(ceilingFramesPerSecond * IN_FLIGHT_SECONDS)) : 0;
        return Math.max(batches, rate);
    }

    /** The engine on the CPU, {@code workers} workers of {@code threads} threads, warmed for the run's frame size, over {@code config}. */
    static EngineSettings engineSettings(Spec spec, BenchModel model, Config config, int maxInFlight) {
        Config c = ConfigFactory.parseMap(Map.of(
                "vggstream.engine.inference.threads-per-worker", spec.threads(),
                "vggstream.engine.inference.workers-per-device", spec.workers(),
                "vggstream.engine.max-in-flight", maxInFlight,
                // The engine warms every input shape of this frame size before it reports ready.
                "vggstream.engine.warmup-frame-sizes", List.of(spec.resolution().toString())))
            .withFallback(config);
        return EngineSettings.from(c)
            .withModels(List.of(model.model().onnx().getParent()))
            .withProtocol(spec.protocol())
            .withInference(InferenceSettings.from(c).withDevices(List.of(Device.parse("cpu")))
                .withMaxBatchSize(spec.batch()).withMaxDelay(spec.maxDelay()));
    }

    /**
     * A run's start: when, the load average then, the 16 synthetic JPEGs it sends, and one frame's
     * preprocessed variants under the protocol.
     */
    record Start(Instant started, double[] loadBefore, List<byte[]> frames, int jpegBytes, List<Variant> variants) {
        int perFrame() {
            return variants.size();
        }

        /** The distinct input shapes of a frame, as {@code 3xHxW}. */
        List<String> shapes() {
            return new ArrayList<>(new LinkedHashSet<>(variants.stream().map(v -> "3x" + v.h() + "x" + v.w()).toList()));
        }
    }

    /** Notes the time and load, makes the output folder and the frames, and preprocesses the first frame once. */
    static Start start(Spec spec, BenchModel model, Config config) throws IOException {
        Instant started = Instant.now();
        double[] loadBefore = Machine.loadAverage();
        Files.createDirectories(spec.out());
        List<byte[]> frames = SyntheticFrames.jpegs(spec.resolution(), 16, 1);
        int jpegBytes = (int) frames.stream().mapToInt(f -> f.length).average().orElse(0);
        Preprocessing.Result sample = Preprocessing.variants(frames.get(0), List.of(Plan.of(0, model.model(), spec.protocol())),
            engineSettings(spec, model, config, 1).maxImagePixels());
        if (!(sample instanceof Preprocessing.Result.Ok ok)) {
            throw new IllegalStateException("the sample frame does not preprocess: " + sample);
        }
        return new Start(started, loadBefore, frames, jpegBytes, ok.variants());
    }
}
