package io.vggstream.engine.settings;

import com.typesafe.config.Config;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code vggstream.engine} of {@code reference.conf}, read once into a typed record. */
public record EngineSettings(
    String groupId,
    List<Path> models,
    Protocol protocol,
    Degrade degrade,
    int topK,
    boolean includeFeatures,
    int maxInFlight,
    long maxImagePixels,
    int minImageSide,
    double maxAspectRatio,
    long maxTensorPixels,
    Duration maxFrameAge,
    List<int[]> warmupFrameSizes,
    Duration modelWatchInterval,
    Duration frameDeadline,
    Duration statusInterval,
    int preprocessWorkers,
    List<Device> devices,
    int workersPerDevice,
    int threadsPerWorker,
    int maxBatchSize,
    Duration maxDelay,
    VideoFusion video,
    Delivery delivery,
    Duration slowBatch) {

    /** {@code vggstream.engine.degrade}: the protocol ladder under load. */
    public record Degrade(boolean enabled, Duration latencyBudget, List<Protocol> ladder, Duration cooldown) {
        public Degrade {
            ladder = List.copyOf(ladder);
        }
    }

    /** {@code vggstream.engine.video}: how predictions are fused over time per stream. */
    public record VideoFusion(io.vggstream.engine.fusion.TemporalFusion.Method method, int window, double alpha, int maxStreams) {
        public io.vggstream.engine.fusion.TemporalFusion create() {
            return new io.vggstream.engine.fusion.TemporalFusion(method, window, alpha, maxStreams);
        }
    }

    public EngineSettings {
        models = List.copyOf(models);
        devices = List.copyOf(devices);
        require(!groupId.isBlank(), "group-id must not be empty");
        require(topK >= 1, "top-k must be at least 1, got " + topK);
        require(maxInFlight >= 1, "max-in-flight must be at least 1, got " + maxInFlight);
        require(maxImagePixels >= 1, "max-image-pixels must be positive");
        require(minImageSide >= 1, "min-image-side must be at least 1, got " + minImageSide);
        require(maxAspectRatio >= 1, "max-aspect-ratio must be at least 1, got " + maxAspectRatio);
        require(maxTensorPixels >= 1, "max-tensor-pixels must be positive");
        require(!maxFrameAge.isNegative(), "max-frame-age must not be negative (0 turns it off)");
        require(!frameDeadline.isNegative() && !frameDeadline.isZero(), "frame-deadline must be positive");
        require(preprocessWorkers >= 0, "preprocess.workers must not be negative");
        require(!devices.isEmpty(), "inference.devices must name at least one device");
        require(workersPerDevice >= 1, "inference.workers-per-device must be at least 1");
        require(threadsPerWorker >= 0, "inference.threads-per-worker must not be negative");
        require(maxBatchSize >= 1, "inference.max-batch-size must be at least 1, got " + maxBatchSize);
        require(!maxDelay.isNegative(), "inference.max-delay must not be negative");
        require(!slowBatch.isNegative(), "inference.slow-batch must not be negative (0 warns of every batch)");
    }

    private static int[] size(String wxh) {
        String[] p = wxh.strip().toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            int w = Integer.parseInt(p[0]);
            int h = Integer.parseInt(p[1]);
            if (p.length != 2 || w < 1 || h < 1) {
                throw new NumberFormatException();
            }
            return new int[] {w, h};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("vggstream.engine.warmup-frame-sizes: '" + wxh + "' is not WIDTHxHEIGHT, e.g. 640x480");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("vggstream.engine." + message);
        }
    }

    public static EngineSettings from(Config config) {
        Config c = config.getConfig("vggstream.engine");
        return new EngineSettings(
            c.getString("group-id"),
            c.getStringList("models").stream().map(Path::of).toList(),
            Protocol.parse(c.getString("protocol")),
            new Degrade(c.getBoolean("degrade.enabled"), c.getDuration("degrade.latency-budget"),
                c.getStringList("degrade.ladder").stream().map(Protocol::parse).toList(), c.getDuration("degrade.cooldown")),
            c.getInt("top-k"),
            c.getBoolean("include-features"),
            c.getInt("max-in-flight"),
            c.getLong("max-image-pixels"),
            c.getInt("min-image-side"),
            c.getDouble("max-aspect-ratio"),
            c.getLong("max-tensor-pixels"),
            c.getDuration("max-frame-age"),
            c.getStringList("warmup-frame-sizes").stream().map(EngineSettings::size).toList(),
            c.getDuration("model-watch-interval"),
            c.getDuration("frame-deadline"),
            c.getDuration("status-interval"),
            c.getInt("preprocess.workers"),
            c.getStringList("inference.devices").stream().map(Device::parse).toList(),
            c.getInt("inference.workers-per-device"),
            c.getInt("inference.threads-per-worker"),
            c.getInt("inference.max-batch-size"),
            c.getDuration("inference.max-delay"),
            new VideoFusion(io.vggstream.engine.fusion.TemporalFusion.Method.parse(c.getString("video.method")),
                c.getInt("video.window"), c.getDouble("video.alpha"), c.getInt("video.max-streams")),
            delivery(c),
            c.getDuration("inference.slow-batch"));
    }

    private static Delivery delivery(Config c) {
        String mode = c.getString("delivery");
        if (!mode.equals("at-least-once") && !mode.equals("exactly-once")) {
            throw new IllegalArgumentException("vggstream.engine.delivery must be at-least-once or exactly-once, got '" + mode + "'");
        }
        String id = c.getString("transactional-id");
        if (id.isBlank()) {
            id = c.getString("group-id") + "-" + hostName();
        }
        return new Delivery(mode.equals("exactly-once"), id);
    }

    /** {@code HOSTNAME} when set (a pod's name in Kubernetes; also how a test names a child engine's host), else the resolved one. */
    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    public EngineSettings withModels(List<Path> m) {
        return new EngineSettings(groupId, m, protocol, degrade, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels, maxFrameAge, warmupFrameSizes, modelWatchInterval, frameDeadline,
            statusInterval, preprocessWorkers, devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, video, delivery, slowBatch);
    }

    public EngineSettings withProtocol(Protocol p) {
        return new EngineSettings(groupId, models, p, degrade, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels, maxFrameAge, warmupFrameSizes, modelWatchInterval, frameDeadline,
            statusInterval, preprocessWorkers, devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, video, delivery, slowBatch);
    }

    public EngineSettings withDevices(List<Device> d) {
        return new EngineSettings(groupId, models, protocol, degrade, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels, maxFrameAge, warmupFrameSizes, modelWatchInterval, frameDeadline,
            statusInterval, preprocessWorkers, d, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, video, delivery, slowBatch);
    }

    public EngineSettings withBatching(int batch, Duration delay) {
        return new EngineSettings(groupId, models, protocol, degrade, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels, maxFrameAge, warmupFrameSizes, modelWatchInterval, frameDeadline,
            statusInterval, preprocessWorkers, devices, workersPerDevice, threadsPerWorker, batch, delay, video, delivery, slowBatch);
    }

    /** Another group; a default transactional id ({@code <group-id>-<host name>}) follows it, or two groups on one host would share one. */
    public EngineSettings withGroupId(String g) {
        Delivery d = delivery.transactionalId().equals(groupId + "-" + hostName())
            ? new Delivery(delivery.exactlyOnce(), g + "-" + hostName()) : delivery;
        return new EngineSettings(g, models, protocol, degrade, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels, maxFrameAge, warmupFrameSizes, modelWatchInterval, frameDeadline,
            statusInterval, preprocessWorkers, devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, video, d, slowBatch);
    }

    public EngineSettings withMaxFrameAge(Duration age) {
        return new EngineSettings(groupId, models, protocol, degrade, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels, age, warmupFrameSizes, modelWatchInterval,
            frameDeadline, statusInterval, preprocessWorkers, devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, video, delivery, slowBatch);
    }

    /** Exactly once under this transactional id, or at least once when {@code transactionalId} is null. */
    public EngineSettings withDelivery(Delivery d) {
        return new EngineSettings(groupId, models, protocol, degrade, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels, maxFrameAge, warmupFrameSizes, modelWatchInterval,
            frameDeadline, statusInterval, preprocessWorkers, devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, video, d, slowBatch);
    }

    public EngineSettings withModelWatchInterval(Duration interval) {
        return new EngineSettings(groupId, models, protocol, degrade, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels, maxFrameAge,
            warmupFrameSizes, interval, frameDeadline, statusInterval, preprocessWorkers, devices, workersPerDevice, threadsPerWorker,
            maxBatchSize, maxDelay, video, delivery, slowBatch);
    }

    public EngineSettings withDegrade(Degrade d) {
        return new EngineSettings(groupId, models, protocol, d, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels, maxFrameAge,
            warmupFrameSizes, modelWatchInterval, frameDeadline, statusInterval, preprocessWorkers, devices, workersPerDevice,
            threadsPerWorker, maxBatchSize, maxDelay, video, delivery, slowBatch);
    }

    /** The protocols the engine may use: the configured one, then (when degrading) the cheaper rungs of the ladder. */
    public List<Protocol> protocolLevels(java.util.function.ToIntFunction<Protocol> cost) {
        List<Protocol> levels = new java.util.ArrayList<>(List.of(protocol));
        if (degrade.enabled()) {
            for (Protocol p : degrade.ladder()) {
                if (cost.applyAsInt(p) < cost.applyAsInt(levels.get(levels.size() - 1))) {
                    levels.add(p);
                }
            }
        }
        return levels;
    }

    /** Inference batches slower than this are logged as warnings; 0 warns of every batch. */
    public EngineSettings withSlowBatch(Duration slow) {
        return new EngineSettings(groupId, models, protocol, degrade, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels, maxFrameAge,
            warmupFrameSizes, modelWatchInterval, frameDeadline, statusInterval, preprocessWorkers, devices, workersPerDevice,
            threadsPerWorker, maxBatchSize, maxDelay, video, delivery, slow);
    }

    public EngineSettings withFrameDeadline(Duration d) {
        return new EngineSettings(groupId, models, protocol, degrade, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels, maxFrameAge, warmupFrameSizes, modelWatchInterval, d,
            statusInterval, preprocessWorkers, devices, workersPerDevice, threadsPerWorker, maxBatchSize, maxDelay, video, delivery, slowBatch);
    }

    /** What one frame may cost in preprocessing (checked before decoding). */
    public io.vggstream.engine.preprocess.ImageLimits imageLimits() {
        return new io.vggstream.engine.preprocess.ImageLimits(maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels);
    }

    /** Preprocess actors: the setting, or one per core. */
    public int effectivePreprocessWorkers() {
        return preprocessWorkers > 0 ? preprocessWorkers : Runtime.getRuntime().availableProcessors();
    }

    /** ONNX Runtime threads per worker: the setting, or the cores shared among the workers. */
    public int effectiveThreads(int workers) {
        return threadsPerWorker > 0 ? threadsPerWorker : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, workers));
    }
}
