package io.vggstream.video.watch;

import com.typesafe.config.Config;
import io.vggstream.topics.config.StrictConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One {@code watch} run: defaults from {@code vggstream.video.watch} ({@link #from}), flags on
 * top with the {@code withX} methods.
 *
 * @param topic the predictions topic; empty: {@code vggstream.topics.predictions.name}
 * @param fromBeginning read the topic from its start instead of from now
 * @param limit stop after this many predictions (of the watched streams)
 * @param duration stop after this long
 * @param streams watch only these streams; empty: all
 * @param view how to show it: redrawn in place, periodic plain lines, or nothing (only the summary)
 * @param refresh redraw period of the in-place view
 * @param plainInterval period of the plain lines
 * @param latencyWindow predictions per stream in the live latency median
 * @param rateWindow the span the live frames/s counts over
 * @param kafkaTimeout how long partition and offset look-ups may wait for the broker
 */
public record WatchOptions(Optional<String> topic, boolean fromBeginning, OptionalLong limit, Optional<Duration> duration,
    Set<String> streams, View view, Duration refresh, Duration plainInterval, int latencyWindow, Duration rateWindow,
    Duration kafkaTimeout) {

    /** How the live view is shown. */
    public enum View {
        /** A table redrawn in place with ANSI escapes: for a terminal. */
        ANSI,
        /** One line per stream every plain-interval: for logs, pipes and tests. */
        PLAIN,
        /** Nothing while running; the caller prints the summary. */
        NONE
    }

    public WatchOptions {
        topic = Objects.requireNonNullElse(topic, Optional.empty());
        if (topic.isPresent() && !topic.get().matches("[A-Za-z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("--topic must be a legal Kafka topic name, got '" + topic.get() + "'");
        }
        limit = Objects.requireNonNullElse(limit, OptionalLong.empty());
        if (limit.isPresent() && limit.getAsLong() < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, got " + limit.getAsLong());
        }
        duration = Objects.requireNonNullElse(duration, Optional.empty());
        if (duration.isPresent() && (duration.get().isNegative() || duration.get().isZero())) {
            throw new IllegalArgumentException("--duration must be positive, got " + duration.get());
        }
        streams = Set.copyOf(streams);
        Objects.requireNonNull(view, "view");
        positive(refresh, "refresh");
        positive(plainInterval, "plain-interval");
        positive(rateWindow, "rate-window");
        positive(kafkaTimeout, "kafka-timeout");
        if (latencyWindow < 1) {
            throw new IllegalArgumentException("vggstream.video.watch.latency-window must be at least 1, got " + latencyWindow);
        }
    }

    private static void positive(Duration d, String key) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("vggstream.video." + (key.equals("kafka-timeout") ? "" : "watch.") + key
                + " must be a positive duration, got " + d);
        }
    }

    /** The defaults of {@code config}: every stream, from now, no end, plain lines. */
    public static WatchOptions from(Config config) {
        Config c = config.getConfig("vggstream.video.watch");
        return new WatchOptions(Optional.empty(), false, OptionalLong.empty(), Optional.empty(), Set.of(), View.PLAIN,
            c.getDuration("refresh"), c.getDuration("plain-interval"), c.getInt("latency-window"), c.getDuration("rate-window"),
            config.getDuration("vggstream.video.kafka-timeout"));
    }

    /** The built-in defaults (reference.conf and any application.conf). */
    public static WatchOptions defaults() {
        return from(StrictConfig.load(Optional.empty()));
    }

    public WatchOptions withTopic(String name) {
        return new WatchOptions(Optional.of(name), fromBeginning, limit, duration, streams, view, refresh, plainInterval,
            latencyWindow, rateWindow, kafkaTimeout);
    }

    public WatchOptions withFromBeginning(boolean on) {
        return new WatchOptions(topic, on, limit, duration, streams, view, refresh, plainInterval, latencyWindow, rateWindow,
            kafkaTimeout);
    }

    public WatchOptions withLimit(long n) {
        return new WatchOptions(topic, fromBeginning, OptionalLong.of(n), duration, streams, view, refresh, plainInterval,
            latencyWindow, rateWindow, kafkaTimeout);
    }

    public WatchOptions withDuration(Duration d) {
        return new WatchOptions(topic, fromBeginning, limit, Optional.of(d), streams, view, refresh, plainInterval, latencyWindow,
            rateWindow, kafkaTimeout);
    }

    public WatchOptions withStreams(Set<String> ids) {
        return new WatchOptions(topic, fromBeginning, limit, duration, ids, view, refresh, plainInterval, latencyWindow, rateWindow,
            kafkaTimeout);
    }

    public WatchOptions withView(View v) {
        return new WatchOptions(topic, fromBeginning, limit, duration, streams, v, refresh, plainInterval, latencyWindow, rateWindow,
            kafkaTimeout);
    }

    public WatchOptions withPlainInterval(Duration d) {
        return new WatchOptions(topic, fromBeginning, limit, duration, streams, view, refresh, d, latencyWindow, rateWindow,
            kafkaTimeout);
    }
}
