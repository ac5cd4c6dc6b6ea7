package io.vggstream.engine.settings;

import com.typesafe.config.Config;
import io.vggstream.engine.fusion.TemporalFusion;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.preprocess.ImageLimits;
import io.vggstream.engine.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code vggstream.engine} of {@code reference.conf}, read once into typed records: the block's own
 * keys here, each nested block its own record ({@link Degrade}, {@link PoisonPillSettings},
 * {@link VideoFusion}, {@link PreprocessSettings}, {@link InferenceSettings}; {@link EnrichSettings}
 * and the ops settings are read by their users). Every record checks its values, naming the key,
 * and has a {@code withX} per value; an actor is made from its own record.
 *
 * @param commitInterval at least once: the longest an answered frame's offset waits to be committed
 * @param maxClockSkew with max-frame-age on: how far ahead of the engine's clock a frame's ts may be
 */
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
    Duration maxClockSkew,
    List<int[]> warmupFrameSizes,
    Duration modelWatchInterval,
    Duration frameDeadline,
    Duration statusInterval,
    Duration commitInterval,
    Delivery delivery,
    PoisonPillSettings poisonPill,
    VideoFusion video,
    PreprocessSettings preprocess,
    InferenceSettings inference) {

    /** {@code vggstream.engine.degrade}: the protocol ladder under load. */
    public record Degrade(boolean enabled, Duration latencyBudget, List<Protocol> ladder, Duration cooldown) {
        public Degrade {
            ladder = List.copyOf(ladder);
            if (latencyBudget.isNegative()) {
                throw new IllegalArgumentException("vggstream.engine.degrade.latency-budget must not be negative, got " + latencyBudget);
            }
            if (cooldown.isNegative()) {
                throw new IllegalArgumentException("vggstream.engine.degrade.cooldown must not be negative, got " + cooldown);
            }
        }

        /** The {@code vggstream.engine.degrade} block of {@code config}. */
        public static Degrade from(Config config) {
            Config c = config.getConfig("vggstream.engine.degrade");
            return new Degrade(c.getBoolean("enabled"), c.getDuration("latency-budget"),
                c.getStringList("ladder").stream().map(Protocol::parse).toList(), c.getDuration("cooldown"));
        }

        public Degrade withEnabled(boolean on) {
            return new Degrade(on, latencyBudget, ladder, cooldown);
        }

        public Degrade withLatencyBudget(Duration d) {
            return new Degrade(enabled, d, ladder, cooldown);
        }

        public Degrade withLadder(List<Protocol> l) {
            return new Degrade(enabled, latencyBudget, l, cooldown);
        }

        public Degrade withCooldown(Duration d) {
            return new Degrade(enabled, latencyBudget, ladder, d);
        }
    }

    /** {@code vggstream.engine.video}: how predictions are fused over time per stream. */
    public record VideoFusion(TemporalFusion.Method method, int window, double alpha, int maxStreams) {
        public VideoFusion {
            if (window < 1) {
                throw new IllegalArgumentException("vggstream.engine.video.window must be at least 1, got " + window);
            }
            if (!(alpha > 0 && alpha <= 1)) {
                throw new IllegalArgumentException("vggstream.engine.video.alpha must be in (0, 1], got " + alpha);
            }
            if (maxStreams < 1) {
                throw new IllegalArgumentException("vggstream.engine.video.max-streams must be at least 1, got " + maxStreams);
            }
        }

        /** The {@code vggstream.engine.video} block of {@code config}. */
        public static VideoFusion from(Config config) {
            Config c = config.getConfig("vggstream.engine.video");
            return new VideoFusion(TemporalFusion.Method.parse(c.getString("method")), c.getInt("window"), c.getDouble("alpha"),
                c.getInt("max-streams"));
        }

        public TemporalFusion create() {
            return new TemporalFusion(method, window, alpha, maxStreams);
        }

        public VideoFusion withMethod(TemporalFusion.Method m) {
            return new VideoFusion(m, window, alpha, maxStreams);
        }

        public VideoFusion withWindow(int w) {
            return new VideoFusion(method, w, alpha, maxStreams);
        }

        public VideoFusion withAlpha(double a) {
            return new VideoFusion(method, window, a, maxStreams);
        }

        public VideoFusion withMaxStreams(int n) {
            return new VideoFusion(method, window, alpha, n);
        }
    }

    public EngineSettings {
        models = List.copyOf(models);
        warmupFrameSizes = List.copyOf(warmupFrameSizes);
        require(!groupId.isBlank(), "group-id must not be empty");
        require(topK >= 1, "top-k must be at least 1, got " + topK);
        require(maxInFlight >= 1, "max-in-flight must be at least 1, got " + maxInFlight);
        require(maxImagePixels >= 1, "max-image-pixels must be positive");
        require(minImageSide >= 1, "min-image-side must be at least 1, got " + minImageSide);
        require(maxAspectRatio >= 1, "max-aspect-ratio must be at least 1, got " + maxAspectRatio);
        require(maxTensorPixels >= 1, "max-tensor-pixels must be positive");
        require(!maxFrameAge.isNegative(), "max-frame-age must not be negative (0 turns it off)");
        require(!maxClockSkew.isNegative(), "max-clock-skew must not be negative, got " + maxClockSkew);
        require(!frameDeadline.isNegative() && !frameDeadline.isZero(), "frame-deadline must be positive");
        require(!modelWatchInterval.isNegative(), "model-watch-interval must not be negative (0 turns it off)");
        require(!statusInterval.isNegative() && !statusInterval.isZero(), "status-interval must be positive");
        require(!commitInterval.isNegative() && !commitInterval.isZero(), "commit-interval must be positive, got " + commitInterval);
    }

    /** The {@code vggstream.engine} block of {@code config} (resolved, checked with StrictConfig by the loader). */
    public static EngineSettings from(Config config) {
        Config c = config.getConfig("vggstream.engine");
        return new EngineSettings(
            c.getString("group-id"),
            c.getStringList("models").stream().map(Path::of).toList(),
            Protocol.parse(c.getString("protocol")),
            Degrade.from(config),
            c.getInt("top-k"),
            c.getBoolean("include-features"),
            c.getInt("max-in-flight"),
            c.getLong("max-image-pixels"),
            c.getInt("min-image-side"),
            c.getDouble("max-aspect-ratio"),
            c.getLong("max-tensor-pixels"),
            c.getDuration("max-frame-age"),
            c.getDuration("max-clock-skew"),
            c.getStringList("warmup-frame-sizes").stream().map(EngineSettings::size).toList(),
            c.getDuration("model-watch-interval"),
            c.getDuration("frame-deadline"),
            c.getDuration("status-interval"),
            c.getDuration("commit-interval"),
            delivery(c),
            PoisonPillSettings.from(config),
            VideoFusion.from(config),
            PreprocessSettings.from(config),
            InferenceSettings.from(config));
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

    /** The values as mutable fields: each withX changes one and builds a new record, so that no withX copies the others by hand. */
    private static final class Values {
        String groupId;
        List<Path> models;
        Protocol protocol;
        Degrade degrade;
        int topK;
        boolean includeFeatures;
        int maxInFlight;
        long maxImagePixels;
        int minImageSide;
        double maxAspectRatio;
        long maxTensorPixels;
        Duration maxFrameAge;
        Duration maxClockSkew;
        List<int[]> warmupFrameSizes;
        Duration modelWatchInterval;
        Duration frameDeadline;
        Duration statusInterval;
        Duration commitInterval;
        Delivery delivery;
        PoisonPillSettings poisonPill;
        VideoFusion video;
        PreprocessSettings preprocess;
        InferenceSettings inference;

        Values(EngineSettings s) {
            groupId = s.groupId;
            models = s.models;
            protocol = s.protocol;
            degrade = s.degrade;
            topK = s.topK;
            includeFeatures = s.includeFeatures;
            maxInFlight = s.maxInFlight;
            maxImagePixels = s.maxImagePixels;
            minImageSide = s.minImageSide;
            maxAspectRatio = s.maxAspectRatio;
            maxTensorPixels = s.maxTensorPixels;
            maxFrameAge = s.maxFrameAge;
            maxClockSkew = s.maxClockSkew;
            warmupFrameSizes = s.warmupFrameSizes;
            modelWatchInterval = s.modelWatchInterval;
            frameDeadline = s.frameDeadline;
            statusInterval = s.statusInterval;
            commitInterval = s.commitInterval;
            delivery = s.delivery;
            poisonPill = s.poisonPill;
            video = s.video;
            preprocess = s.preprocess;
            inference = s.inference;
        }

        EngineSettings build() {
            return new EngineSettings(groupId, models, protocol, degrade, topK, includeFeatures, maxInFlight, maxImagePixels, minImageSide,
                maxAspectRatio, maxTensorPixels, maxFrameAge, maxClockSkew, warmupFrameSizes, modelWatchInterval, frameDeadline,
                statusInterval, commitInterval, delivery, poisonPill, video, preprocess, inference);
        }
    }

    private EngineSettings with(Consumer<Values> change) {
        Values v = new Values(this);
        change.accept(v);
        return v.build();
    }

    /** Another group; a default transactional id ({@code <group-id>-<host name>}) follows it, or two groups on one host would share one. */
    public EngineSettings withGroupId(String g) {
        Delivery d = delivery.transactionalId().equals(groupId + "-" + hostName())
            ? new Delivery(delivery.exactlyOnce(), g + "-" + hostName()) : delivery;
        return with(v -> {
            v.groupId = g;
            v.delivery = d;
        });
    }

    public EngineSettings withModels(List<Path> m) {
        return with(v -> v.models = m);
    }

    public EngineSettings withProtocol(Protocol p) {
        return with(v -> v.protocol = p);
    }

    public EngineSettings withDegrade(Degrade d) {
        return with(v -> v.degrade = d);
    }

    public EngineSettings withTopK(int k) {
        return with(v -> v.topK = k);
    }

    public EngineSettings withIncludeFeatures(boolean on) {
        return with(v -> v.includeFeatures = on);
    }

    public EngineSettings withMaxInFlight(int n) {
        return with(v -> v.maxInFlight = n);
    }

    /** The four image limits at once (max-image-pixels, min-image-side, max-aspect-ratio, max-tensor-pixels). */
    public EngineSettings withImageLimits(ImageLimits l) {
        return with(v -> {
            v.maxImagePixels = l.maxImagePixels();
            v.minImageSide = l.minImageSide();
            v.maxAspectRatio = l.maxAspectRatio();
            v.maxTensorPixels = l.maxTensorPixels();
        });
    }

    public EngineSettings withMaxFrameAge(Duration age) {
        return with(v -> v.maxFrameAge = age);
    }

    public EngineSettings withMaxClockSkew(Duration skew) {
        return with(v -> v.maxClockSkew = skew);
    }

    public EngineSettings withWarmupFrameSizes(List<int[]> sizes) {
        return with(v -> v.warmupFrameSizes = sizes);
    }

    public EngineSettings withModelWatchInterval(Duration interval) {
        return with(v -> v.modelWatchInterval = interval);
    }

    public EngineSettings withFrameDeadline(Duration d) {
        return with(v -> v.frameDeadline = d);
    }

    public EngineSettings withStatusInterval(Duration d) {
        return with(v -> v.statusInterval = d);
    }

    public EngineSettings withCommitInterval(Duration d) {
        return with(v -> v.commitInterval = d);
    }

    /** Exactly once under this transactional id, or at least once. */
    public EngineSettings withDelivery(Delivery d) {
        return with(v -> v.delivery = d);
    }

    public EngineSettings withPoisonPill(PoisonPillSettings p) {
        return with(v -> v.poisonPill = p);
    }

    public EngineSettings withVideo(VideoFusion f) {
        return with(v -> v.video = f);
    }

    public EngineSettings withPreprocess(PreprocessSettings p) {
        return with(v -> v.preprocess = p);
    }

    public EngineSettings withInference(InferenceSettings i) {
        return with(v -> v.inference = i);
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

    /** What one frame may cost in preprocessing (checked before decoding). */
    public ImageLimits imageLimits() {
        return new ImageLimits(maxImagePixels, minImageSide, maxAspectRatio, maxTensorPixels);
    }
}
