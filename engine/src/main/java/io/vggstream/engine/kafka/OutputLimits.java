package io.vggstream.engine.kafka;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most bytes a record the engine writes may take, per output topic: the smaller of the topic's own
 * {@code max.message.bytes}, read from the cluster at start, and the producer's {@code max.request.size}
 * (the contract's {@code max-frame-bytes + record-overhead-bytes}). A topic created, or altered, with a
 * smaller limit than the contract's would otherwise refuse a dead letter or an enriched event that the
 * engine took to fit: the producer fails the stream and the record is delivered again for ever.
 * Where the topic cannot be described (no DescribeConfigs right, not created yet), the broker's
 * {@code message.max.bytes} (the default of every topic); where that cannot be read either, the
 * producer's limit alone, with a warning.
 */
public record OutputLimits(Map<String, Integer> byTopic, int producerLimit) {

    private static final Logger LOG = LoggerFactory.getLogger(OutputLimits.class);
    /** The broker's setting that is every topic's default {@code max.message.bytes}. */
    static final String BROKER_DEFAULT = "message.max.bytes";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    public OutputLimits {
        byTopic = Map.copyOf(byTopic);
    }

    /** No topic read: the producer's limit for every topic (tests, and engines without an admin client). */
    public static OutputLimits producerOnly(TopicsSettings topics) {
        return new OutputLimits(Map.of(), topics.maxRecordBytes());
    }

    /** The most bytes a record for {@code topic} may take. */
    public int limit(String topic) {
        return Math.min(producerLimit, byTopic.getOrDefault(topic, producerLimit));
    }

    /** Reads the limits of {@code outputs} from the cluster and logs each one. */
    public static OutputLimits read(KafkaSettings kafka, TopicsSettings topics, Collection<String> outputs) {
        int producer = topics.maxRecordBytes();
        Map<String, Integer> found = new HashMap<>();
        List<String> names = List.copyOf(new LinkedHashSet<>(outputs));
        try (Admin admin = Admin.create(KafkaLimits.admin(kafka))) {
            Integer brokerDefault = null;
            for (String topic : names) {
                Integer limit = topicLimit(admin, topic);
                String source = "the topic's max.message.bytes";
                if (limit == null) {
                    if (brokerDefault == null) {
                        brokerDefault = brokerLimit(admin);
                    }
                    limit = brokerDefault;
                    source = "the broker's " + BROKER_DEFAULT + " (the topic could not be described)";
                }
                if (limit == null || limit <= 0) {
                    LOG.warn("output topic {}: neither its max.message.bytes nor the broker's {} could be read; records are fitted to"
                        + " the producer's max.request.size, {} bytes", topic, BROKER_DEFAULT, producer);
                    continue;
                }
                found.put(topic, limit);
                if (limit < producer) {
                    LOG.info("output topic {}: records fitted to {} bytes ({}), under the producer's max.request.size {}", topic, limit,
                        source, producer);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("the output topics' limits could not be read ({}); records are fitted to the producer's max.request.size, {} bytes",
                e.toString(), producer);
        }
        return new OutputLimits(found, producer);
    }

    /** The topic's effective max.message.bytes (its own, or the broker's default), null when it cannot be described. */
    private static Integer topicLimit(Admin admin, String topic) {
        try {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config c = admin.describeConfigs(List.of(r)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(r);
            return parse(c == null ? null : c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            LOG.debug("cannot describe topic {}: {}", topic, e.toString());
            return null;
        }
    }

    /** The smallest message.max.bytes among the brokers, null when none can be read. */
    private static Integer brokerLimit(Admin admin) {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Integer least = null;
            for (Node n : nodes) {
                ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(n.id()));
                Config c = admin.describeConfigs(List.of(r)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(r);
                Integer v = parse(c == null ? null : c.get(BROKER_DEFAULT));
                if (v != null && (least == null || v < least)) {
                    least = v;
                }
            }
            return least;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            LOG.debug("cannot describe the brokers: {}", e.toString());
            return null;
        }
    }

    private static Integer parse(ConfigEntry e) {
        if (e == null || e.value() == null) {
            return null;
        }
        try {
            return Integer.parseInt(e.value().trim());
        } catch (NumberFormatException x) {
            return null;
        }
    }
}
