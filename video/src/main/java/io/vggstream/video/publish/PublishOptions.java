package io.vggstream.video.publish;

import com.typesafe.config.Config;
import io.vggstream.topics.config.StrictConfig;
import io.vggstream.video.Ffmpeg;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Everything one {@code publish} run needs besides Kafka: the defaults come from
 * {@code vggstream.video.publish} ({@link #from}), the flags go on top with the {@code withX}
 * methods. A value out of range fails with an {@link IllegalArgumentException} naming the flag
 * and the setting.
 *
 * @param source what to read
 * @param stream the stream id: every record's key
 * @param topic the frames topic; empty: {@code vggstream.topics.frames.name}
 * @param quality JPEG quality, 1 to 100
 * @param resize how frames are resized before encoding
 * @param fps frames per second: the pace for files and folders, a cap for live sources
 * @param asFastAsPossible no pacing; {@code ts} is the wall clock at reading
 * @param loop start files and folders over at their end (until {@code limit} or a stop)
 * @param limit stop after this many frames
 * @param labels a CSV {@code seq,label} of per-frame ground truth, by index in the file
 * @param folderFps the pace of a folder of images when {@code fps} is not given
 * @param reconnectAttempts reopenings of a dropped live source in a row before giving up
 * @param reconnectInitialBackoff the wait before the first reopening, doubled each time
 * @param reconnectMaxBackoff the longest wait between reopenings
 * @param networkTimeout how long a network source may stay silent
 * @param sendTimeout how long sending may block on an absent broker ({@code vggstream.video.kafka-timeout})
 * @param progressInterval how often the progress bar is redrawn
 * @param ffmpegOptions options passed to FFmpeg when opening the source
 * @param ffmpegLogLevel FFmpeg's own log level
 */
public record PublishOptions(
    Source source,
    String stream,
    Optional<String> topic,
    int quality,
    Resize resize,
    OptionalDouble fps,
    boolean asFastAsPossible,
    boolean loop,
    OptionalLong limit,
    Optional<Path> labels,
    double folderFps,
    int reconnectAttempts,
    Duration reconnectInitialBackoff,
    Duration reconnectMaxBackoff,
    Duration networkTimeout,
    Duration sendTimeout,
    Duration progressInterval,
    Map<String, String> ffmpegOptions,
    String ffmpegLogLevel) {

    public PublishOptions {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(resize, "resize");
        if (stream == null || stream.isBlank()) {
            throw new IllegalArgumentException("--stream must not be blank");
        }
        if (stream.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("--stream must be at most 255 UTF-8 bytes");
        }
        topic = Objects.requireNonNullElse(topic, Optional.empty());
        if (topic.isPresent() && !topic.get().matches("[A-Za-z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("--topic must be a legal Kafka topic name, got '" + topic.get() + "'");
        }
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("--quality (vggstream.video.publish.jpeg-quality) must be 1 to 100, got " + quality);
        }
        fps = Objects.requireNonNullElse(fps, OptionalDouble.empty());
        if (fps.isPresent() && !(fps.getAsDouble() > 0 && fps.getAsDouble() <= 1000)) {
            throw new IllegalArgumentException("--fps must be more than 0 and at most 1000, got " + fps.getAsDouble());
        }
        if (fps.isPresent() && asFastAsPossible) {
            throw new IllegalArgumentException("--fps and --as-fast-as-possible cannot be used together");
        }
        limit = Objects.requireNonNullElse(limit, OptionalLong.empty());
        if (limit.isPresent() && limit.getAsLong() < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, got " + limit.getAsLong());
        }
        labels = Objects.requireNonNullElse(labels, Optional.empty());
        if (loop && source instanceof Source.Camera) {
            throw new IllegalArgumentException("--loop applies to video files and image folders, not to camera " + source.text());
        }
        if (!(folderFps > 0 && folderFps <= 1000)) {
            throw new IllegalArgumentException("vggstream.video.publish.folder-fps must be more than 0 and at most 1000, got " + folderFps);
        }
        if (reconnectAttempts < 0) {
            throw new IllegalArgumentException("--reconnect-attempts (vggstream.video.publish.reconnect-attempts) must be 0 or more, got "
                + reconnectAttempts);
        }
        new Backoff(reconnectInitialBackoff, reconnectMaxBackoff);
        positive(networkTimeout, "network-timeout");
        positive(sendTimeout, "kafka-timeout");
        positive(progressInterval, "progress-interval");
        ffmpegOptions = Map.copyOf(ffmpegOptions);
        if (!Ffmpeg.isLogLevel(ffmpegLogLevel)) {
            throw new IllegalArgumentException("vggstream.video.ffmpeg-log-level must be quiet, panic, fatal, error, warning, info,"
                + " verbose or debug, got '" + ffmpegLogLevel + "'");
        }
    }

    private static void positive(Duration d, String key) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("vggstream.video." + (key.equals("kafka-timeout") ? "" : "publish.") + key + " must be a positive duration, got " + d);
        }
    }

    /** The defaults of {@code config} for {@code source}; the stream id comes from the source's name. */
    public static PublishOptions from(Config config, Source source) {
        Config c = config.getConfig("vggstream.video.publish");
        int maxSide = c.getInt("max-side");
        return new PublishOptions(source, source.defaultStreamId(), Optional.empty(), c.getInt("jpeg-quality"),
            maxSide > 0 ? new Resize.MaxSide(maxSide) : new Resize.None(), OptionalDouble.empty(), false, false,
            OptionalLong.empty(), Optional.empty(), c.getDouble("folder-fps"), c.getInt("reconnect-attempts"),
            c.getDuration("reconnect-initial-backoff"), c.getDuration("reconnect-max-backoff"), c.getDuration("network-timeout"),
            config.getDuration("vggstream.video.kafka-timeout"), c.getDuration("progress-interval"), StrictConfig.flat(c.getConfig("ffmpeg.configs")),
            config.getString("vggstream.video.ffmpeg-log-level"));
    }

    /** The built-in defaults (reference.conf and any application.conf) for {@code source}. */
    public static PublishOptions of(Source source) {
        return from(StrictConfig.load(Optional.empty()), source);
    }

    public PublishOptions withStream(String id) {
        return new PublishOptions(source, id, topic, quality, resize, fps, asFastAsPossible, loop, limit, labels, folderFps,
            reconnectAttempts, reconnectInitialBackoff, reconnectMaxBackoff, networkTimeout, sendTimeout, progressInterval,
            ffmpegOptions, ffmpegLogLevel);
    }

    public PublishOptions withTopic(String name) {
        return new PublishOptions(source, stream, Optional.of(name), quality, resize, fps, asFastAsPossible, loop, limit, labels,
            folderFps, reconnectAttempts, reconnectInitialBackoff, reconnectMaxBackoff, networkTimeout, sendTimeout,
            progressInterval, ffmpegOptions, ffmpegLogLevel);
    }

    public PublishOptions withQuality(int q) {
        return new PublishOptions(source, stream, topic, q, resize, fps, asFastAsPossible, loop, limit, labels, folderFps,
            reconnectAttempts, reconnectInitialBackoff, reconnectMaxBackoff, networkTimeout, sendTimeout, progressInterval,
            ffmpegOptions, ffmpegLogLevel);
    }

    public PublishOptions withResize(Resize r) {
        return new PublishOptions(source, stream, topic, quality, r, fps, asFastAsPossible, loop, limit, labels, folderFps,
            reconnectAttempts, reconnectInitialBackoff, reconnectMaxBackoff, networkTimeout, sendTimeout, progressInterval,
            ffmpegOptions, ffmpegLogLevel);
    }

    public PublishOptions withFps(double f) {
        return new PublishOptions(source, stream, topic, quality, resize, OptionalDouble.of(f), asFastAsPossible, loop, limit, labels,
            folderFps, reconnectAttempts, reconnectInitialBackoff, reconnectMaxBackoff, networkTimeout, sendTimeout,
            progressInterval, ffmpegOptions, ffmpegLogLevel);
    }

    public PublishOptions withAsFastAsPossible(boolean on) {
        return new PublishOptions(source, stream, topic, quality, resize, fps, on, loop, limit, labels, folderFps,
            reconnectAttempts, reconnectInitialBackoff, reconnectMaxBackoff, networkTimeout, sendTimeout, progressInterval,
            ffmpegOptions, ffmpegLogLevel);
    }

    public PublishOptions withLoop(boolean on) {
        return new PublishOptions(source, stream, topic, quality, resize, fps, asFastAsPossible, on, limit, labels, folderFps,
            reconnectAttempts, reconnectInitialBackoff, reconnectMaxBackoff, networkTimeout, sendTimeout, progressInterval,
            ffmpegOptions, ffmpegLogLevel);
    }

    public PublishOptions withLimit(long n) {
        return new PublishOptions(source, stream, topic, quality, resize, fps, asFastAsPossible, loop, OptionalLong.of(n), labels,
            folderFps, reconnectAttempts, reconnectInitialBackoff, reconnectMaxBackoff, networkTimeout, sendTimeout,
            progressInterval, ffmpegOptions, ffmpegLogLevel);
    }

    public PublishOptions withLabels(Path csv) {
        return new PublishOptions(source, stream, topic, quality, resize, fps, asFastAsPossible, loop, limit, Optional.of(csv),
            folderFps, reconnectAttempts, reconnectInitialBackoff, reconnectMaxBackoff, networkTimeout, sendTimeout,
            progressInterval, ffmpegOptions, ffmpegLogLevel);
    }

    public PublishOptions withReconnectAttempts(int n) {
        return new PublishOptions(source, stream, topic, quality, resize, fps, asFastAsPossible, loop, limit, labels, folderFps,
            n, reconnectInitialBackoff, reconnectMaxBackoff, networkTimeout, sendTimeout, progressInterval, ffmpegOptions,
            ffmpegLogLevel);
    }

    public PublishOptions withReconnectBackoff(Duration initial, Duration max) {
        return new PublishOptions(source, stream, topic, quality, resize, fps, asFastAsPossible, loop, limit, labels, folderFps,
            reconnectAttempts, initial, max, networkTimeout, sendTimeout, progressInterval, ffmpegOptions, ffmpegLogLevel);
    }

    public PublishOptions withSendTimeout(Duration d) {
        return new PublishOptions(source, stream, topic, quality, resize, fps, asFastAsPossible, loop, limit, labels, folderFps,
            reconnectAttempts, reconnectInitialBackoff, reconnectMaxBackoff, networkTimeout, d, progressInterval, ffmpegOptions,
            ffmpegLogLevel);
    }
}
