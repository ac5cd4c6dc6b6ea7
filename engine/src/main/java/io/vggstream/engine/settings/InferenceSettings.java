package io.vggstream.engine.settings;

import com.typesafe.config.Config;
import io.vggstream.engine.infer.Device;
import java.time.Duration;
import java.util.List;

/**
 * {@code vggstream.engine.inference}: where inference runs and how it batches; what the inference
 * workers are made from.
 *
 * @param devices where sessions run ({@code auto}, {@code cpu}, {@code cuda:N})
 * @param workersPerDevice sessions per model per device; {@link #AUTO_WORKERS} for {@code auto} ({@code runtime.WorkerSplit})
 * @param threadsPerWorker ONNX Runtime intra-op threads per worker; 0: the cores shared among the CPU workers
 * @param maxBatchSize the most same-shaped inputs in one batch
 * @param maxDelay the longest a partial batch waits for company (0: it runs as soon as the worker is free)
 * @param slowBatch a batch whose run takes longer is logged as a warning (0: every batch)
 * @param stallTimeout a run in progress for longer is a stall: /health/live answers 503, logged at ERROR (0: never)
 * @param stallExit on a stall, end the process (without shutdown hooks) so that its supervisor restarts it
 * @param spinning whether ONNX Runtime's idle intra-op threads spin ({@code session.intra_op.allow_spinning}) rather than block
 * @param splitBelow with {@code auto} workers, one single-thread worker per core when a lone frame on one thread takes at most this
 */
public record InferenceSettings(List<Device> devices, int workersPerDevice, int threadsPerWorker, int maxBatchSize, Duration maxDelay,
                                Duration slowBatch, Duration stallTimeout, boolean stallExit, boolean spinning, Duration splitBelow) {

    /** {@code workers-per-device = auto}. */
    public static final int AUTO_WORKERS = 0;

    /** reference.conf's {@code split-below}. */
    public static final Duration DEFAULT_SPLIT_BELOW = Duration.ofMillis(50);

    /** Without spinning (the default). */
    public InferenceSettings(List<Device> devices, int workersPerDevice, int threadsPerWorker, int maxBatchSize, Duration maxDelay,
                             Duration slowBatch, Duration stallTimeout, boolean stallExit) {
        this(devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, slowBatch, stallTimeout, stallExit, false);
    }

    /** With the default split-below. */
    public InferenceSettings(List<Device> devices, int workersPerDevice, int threadsPerWorker, int maxBatchSize, Duration maxDelay,
                             Duration slowBatch, Duration stallTimeout, boolean stallExit, boolean spinning) {
        this(devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, slowBatch, stallTimeout, stallExit, spinning,
            DEFAULT_SPLIT_BELOW);
    }

    private static final String KEY = "vggstream.engine.inference.";

    public InferenceSettings {
        devices = List.copyOf(devices);
        require(!devices.isEmpty(), "devices must name at least one device");
        require(workersPerDevice >= AUTO_WORKERS, "workers-per-device must be auto or at least 1, got " + workersPerDevice);
        require(threadsPerWorker >= 0, "threads-per-worker must not be negative, got " + threadsPerWorker);
        require(maxBatchSize >= 1, "max-batch-size must be at least 1, got " + maxBatchSize);
        require(!maxDelay.isNegative(), "max-delay must not be negative, got " + maxDelay);
        require(!slowBatch.isNegative(), "slow-batch must not be negative (0 warns of every batch), got " + slowBatch);
        require(!stallTimeout.isNegative(), "stall-timeout must not be negative (0: off), got " + stallTimeout);
        // A stall must be more than a slow batch: one that merely takes long is warned of, not restarted.
        require(stallTimeout.isZero() || stallTimeout.compareTo(slowBatch) > 0,
            "stall-timeout (" + stallTimeout + ") must be longer than slow-batch (" + slowBatch + "), or 0 for off");
        require(!stallExit || !stallTimeout.isZero(), "stall-exit needs a stall-timeout (it is 0: off)");
        require(!splitBelow.isNegative(), "split-below must not be negative (0: never split), got " + splitBelow);
    }

    /** Whether {@code workers-per-device = auto}: the engine chooses at start ({@code runtime.WorkerSplit}). */
    public boolean autoWorkers() {
        return workersPerDevice == AUTO_WORKERS;
    }

    /** The same settings with stall detection after {@code timeout} (0: off), ending the process on a stall when {@code exit}. */
    public InferenceSettings withStall(Duration timeout, boolean exit) {
        return new InferenceSettings(devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, slowBatch, timeout, exit, spinning, splitBelow);
    }

    /** The {@code vggstream.engine.inference} block of {@code config}. */
    public static InferenceSettings from(Config config) {
        Config c = config.getConfig("vggstream.engine.inference");
        return new InferenceSettings(c.getStringList("devices").stream().map(Device::parse).toList(), workers(c),
            c.getInt("threads-per-worker"), c.getInt("max-batch-size"), c.getDuration("max-delay"), c.getDuration("slow-batch"),
            c.getDuration("stall-timeout"), c.getBoolean("stall-exit"), spinning(c), c.getDuration("split-below"));
    }

    private static int workers(Config c) {
        Object v = c.getValue("workers-per-device").unwrapped();
        if ("auto".equals(v)) {
            return AUTO_WORKERS;
        }
        int n;
        try {
            n = c.getInt("workers-per-device");
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            throw new IllegalArgumentException(KEY + "workers-per-device must be auto or a whole number, got '" + v + "'", e);
        }
        require(n >= 1, "workers-per-device must be auto or at least 1, got " + n);
        return n;
    }

    private static boolean spinning(Config c) {
        try {
            return c.getBoolean("spinning");
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            throw new IllegalArgumentException(KEY + "spinning must be on or off, got '" + c.getValue("spinning").unwrapped() + "'", e);
        }
    }

    /** ONNX Runtime threads per worker: the setting, or the cores shared among {@code workers}. */
    public int effectiveThreads(int workers) {
        return threadsPerWorker > 0 ? threadsPerWorker : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, workers));
    }

    public InferenceSettings withSpinning(boolean on) {
        return new InferenceSettings(devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, slowBatch, stallTimeout, stallExit, on, splitBelow);
    }

    public InferenceSettings withSplitBelow(Duration d) {
        return new InferenceSettings(devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, slowBatch, stallTimeout, stallExit, spinning, d);
    }

    public InferenceSettings withDevices(List<Device> d) {
        return new InferenceSettings(d, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, slowBatch, stallTimeout, stallExit, spinning, splitBelow);
    }

    public InferenceSettings withWorkersPerDevice(int n) {
        return new InferenceSettings(devices, n, threadsPerWorker, maxBatchSize, maxDelay, slowBatch, stallTimeout, stallExit, spinning, splitBelow);
    }

    public InferenceSettings withThreadsPerWorker(int n) {
        return new InferenceSettings(devices, workersPerDevice, n, maxBatchSize, maxDelay, slowBatch, stallTimeout, stallExit, spinning, splitBelow);
    }

    public InferenceSettings withMaxBatchSize(int n) {
        return new InferenceSettings(devices, workersPerDevice, threadsPerWorker, n, maxDelay, slowBatch, stallTimeout, stallExit, spinning, splitBelow);
    }

    public InferenceSettings withMaxDelay(Duration d) {
        return new InferenceSettings(devices, workersPerDevice, threadsPerWorker, maxBatchSize, d, slowBatch, stallTimeout, stallExit, spinning, splitBelow);
    }

    public InferenceSettings withSlowBatch(Duration d) {
        return new InferenceSettings(devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, d, stallTimeout, stallExit, spinning, splitBelow);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(KEY + message);
        }
    }
}
