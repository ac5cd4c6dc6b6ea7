package io.vggstream.video.annotate;

import com.typesafe.config.Config;
import io.vggstream.topics.config.StrictConfig;
import io.vggstream.video.Ffmpeg;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One {@code annotate} run: defaults from {@code vggstream.video.annotate} ({@link #from}),
 * flags on top with the {@code withX} methods.
 *
 * @param stream the stream whose frames are drawn
 * @param out the MP4 file to write (replaced when it exists)
 * @param from the earliest capture time {@code ts} to include
 * @param to the latest capture time {@code ts} to include
 * @param fps the video's frame rate; empty: from the frames' timestamps
 * @param codecs encoders to try in order (FFmpeg names)
 * @param framesTopic the frames topic; empty: {@code vggstream.topics.frames.name}
 * @param predictionsTopic the predictions topic; empty: {@code vggstream.topics.predictions.name}
 * @param topK classes drawn per frame
 * @param minHeight frames lower than this are scaled up first; 0: never
 * @param defaultFps the frame rate when the timestamps cannot tell
 * @param bitsPerPixel video bitrate per pixel per frame
 * @param limit write at most this many frames
 * @param kafkaTimeout how long Kafka look-ups may wait, and reading may stall
 * @param ffmpegLogLevel FFmpeg's own log level
 */
public record AnnotateOptions(String stream, Path out, Optional<Instant> from, Optional<Instant> to, OptionalDouble fps,
    List<String> codecs, Optional<String> framesTopic, Optional<String> predictionsTopic, int topK, int minHeight, double defaultFps,
    double bitsPerPixel, OptionalLong limit, Duration kafkaTimeout, String ffmpegLogLevel) {

    public AnnotateOptions {
        if (stream == null || stream.isBlank()) {
            throw new IllegalArgumentException("--stream is required: the stream id whose frames to annotate");
        }
        Objects.requireNonNull(out, "--out is required");
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mp4")) {
            throw new IllegalArgumentException("--out must name an .mp4 file, got " + out);
        }
        from = Objects.requireNonNullElse(from, Optional.empty());
        to = Objects.requireNonNullElse(to, Optional.empty());
        if (from.isPresent() && to.isPresent() && to.get().isBefore(from.get())) {
            throw new IllegalArgumentException("--to (" + to.get() + ") is before --from (" + from.get() + ")");
        }
        fps = Objects.requireNonNullElse(fps, OptionalDouble.empty());
        if (fps.isPresent() && !(fps.getAsDouble() > 0 && fps.getAsDouble() <= 240)) {
            throw new IllegalArgumentException("--fps must be more than 0 and at most 240, got " + fps.getAsDouble());
        }
        codecs = List.copyOf(codecs);
        if (codecs.isEmpty() || codecs.stream().anyMatch(c -> c == null || c.isBlank())) {
            throw new IllegalArgumentException("vggstream.video.annotate.codecs must name at least one encoder");
        }
        framesTopic = Objects.requireNonNullElse(framesTopic, Optional.empty());
        predictionsTopic = Objects.requireNonNullElse(predictionsTopic, Optional.empty());
        if (topK < 1) {
            throw new IllegalArgumentException("vggstream.video.annotate.top-k must be at least 1, got " + topK);
        }
        if (minHeight < 0 || minHeight > 4320) {
            throw new IllegalArgumentException("vggstream.video.annotate.min-height must be 0 to 4320, got " + minHeight);
        }
        if (!(defaultFps > 0 && defaultFps <= 240)) {
            throw new IllegalArgumentException("vggstream.video.annotate.default-fps must be more than 0 and at most 240, got " + defaultFps);
        }
        if (!(bitsPerPixel > 0 && bitsPerPixel <= 24)) {
            throw new IllegalArgumentException("vggstream.video.annotate.bits-per-pixel must be more than 0 and at most 24, got " + bitsPerPixel);
        }
        limit = Objects.requireNonNullElse(limit, OptionalLong.empty());
        if (limit.isPresent() && limit.getAsLong() < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, got " + limit.getAsLong());
        }
        if (kafkaTimeout == null || kafkaTimeout.isNegative() || kafkaTimeout.isZero()) {
            throw new IllegalArgumentException("vggstream.video.kafka-timeout must be a positive duration, got " + kafkaTimeout);
        }
        if (!Ffmpeg.isLogLevel(ffmpegLogLevel)) {
            throw new IllegalArgumentException("vggstream.video.ffmpeg-log-level must be quiet, panic, fatal, error, warning, info,"
                + " verbose or debug, got '" + ffmpegLogLevel + "'");
        }
    }

    /** The defaults of {@code config} for {@code stream}, written to {@code out}: every frame on the topic. */
    public static AnnotateOptions from(Config config, String stream, Path out) {
        Config c = config.getConfig("vggstream.video.annotate");
        return new AnnotateOptions(stream, out, Optional.empty(), Optional.empty(), OptionalDouble.empty(), c.getStringList("codecs"),
            Optional.empty(), Optional.empty(), c.getInt("top-k"), c.getInt("min-height"), c.getDouble("default-fps"),
            c.getDouble("bits-per-pixel"), OptionalLong.empty(), config.getDuration("vggstream.video.kafka-timeout"),
            config.getString("vggstream.video.ffmpeg-log-level"));
    }

    /** The built-in defaults (reference.conf and any application.conf). */
    public static AnnotateOptions of(String stream, Path out) {
        return from(StrictConfig.load(Optional.empty()), stream, out);
    }

    public AnnotateOptions withRange(Optional<Instant> start, Optional<Instant> end) {
        return new AnnotateOptions(stream, out, start, end, fps, codecs, framesTopic, predictionsTopic, topK, minHeight, defaultFps,
            bitsPerPixel, limit, kafkaTimeout, ffmpegLogLevel);
    }

    public AnnotateOptions withFps(double f) {
        return new AnnotateOptions(stream, out, from, to, OptionalDouble.of(f), codecs, framesTopic, predictionsTopic, topK, minHeight,
            defaultFps, bitsPerPixel, limit, kafkaTimeout, ffmpegLogLevel);
    }

    public AnnotateOptions withCodecs(List<String> names) {
        return new AnnotateOptions(stream, out, from, to, fps, names, framesTopic, predictionsTopic, topK, minHeight, defaultFps,
            bitsPerPixel, limit, kafkaTimeout, ffmpegLogLevel);
    }

    public AnnotateOptions withTopics(String frames, String predictions) {
        return new AnnotateOptions(stream, out, from, to, fps, codecs, Optional.ofNullable(frames), Optional.ofNullable(predictions),
            topK, minHeight, defaultFps, bitsPerPixel, limit, kafkaTimeout, ffmpegLogLevel);
    }

    public AnnotateOptions withMinHeight(int lines) {
        return new AnnotateOptions(stream, out, from, to, fps, codecs, framesTopic, predictionsTopic, topK, lines, defaultFps,
            bitsPerPixel, limit, kafkaTimeout, ffmpegLogLevel);
    }

    public AnnotateOptions withLimit(long n) {
        return new AnnotateOptions(stream, out, from, to, fps, codecs, framesTopic, predictionsTopic, topK, minHeight, defaultFps,
            bitsPerPixel, OptionalLong.of(n), kafkaTimeout, ffmpegLogLevel);
    }
}
