package io.vggstream.topics;

import com.typesafe.config.Config;
import io.vggstream.topics.config.StrictConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The three topics of the contract and the limits that follow from the largest frame:
 * {@code vggstream.topics} of {@code reference.conf}.
 */
public record TopicsSettings(
    TopicSpec frames,
    TopicSpec predictions,
    TopicSpec deadLetter,
    short replicationFactor,
    int maxFrameBytes,
    int recordOverheadBytes) {

    /** The contract's default: an 8 MiB frame. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;

    /**
     * One topic's settings.
     *
     * @param configs extra topic-level configs passed unchanged; ours win where they overlap
     */
    public record TopicSpec(String role, String name, int partitions, Duration retention, Map<String, String> configs) {
        public TopicSpec {
            if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9._-]{1,249}")) {
                throw new IllegalArgumentException("vggstream.topics." + role + ".name must be a legal Kafka topic name"
                    + " (letters, digits, '.', '_', '-'; at most 249), got '" + name + "'");
            }
            if (partitions < 1) {
                throw new IllegalArgumentException("vggstream.topics." + role + ".partitions must be at least 1, got " + partitions);
            }
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("vggstream.topics." + role + ".retention must be positive, got " + retention);
            }
            configs = Map.copyOf(configs);
        }

        public TopicSpec withName(String newName) {
            return new TopicSpec(role, newName, partitions, retention, configs);
        }
    }

    public TopicsSettings {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("vggstream.topics.replication-factor must be at least 1, got " + replicationFactor);
        }
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("vggstream.topics.max-frame-bytes must be at least 1 KiB, got " + maxFrameBytes);
        }
        if (recordOverheadBytes < 0) {
            throw new IllegalArgumentException("vggstream.topics.record-overhead-bytes must not be negative");
        }
    }

    public static TopicsSettings from(Config config) {
        Config c = config.getConfig("vggstream.topics");
        return new TopicsSettings(
            spec("frames", c.getConfig("frames")),
            spec("predictions", c.getConfig("predictions")),
            spec("dead-letter", c.getConfig("dead-letter")),
            (short) c.getInt("replication-factor"),
            (int) Math.min(Integer.MAX_VALUE, c.getBytes("max-frame-bytes")),
            (int) Math.min(Integer.MAX_VALUE, c.getBytes("record-overhead-bytes")));
    }

    private static TopicSpec spec(String role, Config c) {
        return new TopicSpec(role, c.getString("name"), c.getInt("partitions"), c.getDuration("retention"),
            StrictConfig.flat(c.getConfig("configs")));
    }

    /** The same settings with other topic names (tests use fresh ones). */
    public TopicsSettings withNames(String framesName, String predictionsName, String deadLetterName) {
        return new TopicsSettings(frames.withName(framesName), predictions.withName(predictionsName),
            deadLetter.withName(deadLetterName), replicationFactor, maxFrameBytes, recordOverheadBytes);
    }

    public List<TopicSpec> all() {
        return List.of(frames, predictions, deadLetter);
    }

    /** The largest record a frame or dead-letter topic must take: the frame plus headers and batch overhead. */
    public int maxRecordBytes() {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxFrameBytes + recordOverheadBytes);
    }

    /** The topic-level configs we create {@code spec} with. */
    public Map<String, String> topicConfigs(TopicSpec spec) {
        Map<String, String> m = new LinkedHashMap<>(spec.configs());
        m.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        m.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(spec.retention().toMillis()));
        // Frames and dead letters carry whole images; predictions are small, but share the limit so
        // that a feature vector or a long label list never trips the broker's 1 MB default.
        m.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxRecordBytes()));
        // Capture order is what matters, and the producer's clock is the camera's side.
        m.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
        return m;
    }
}
