package io.vggstream.engine.testing;

import com.typesafe.config.Config;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.admin.TopicAdmin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/** The integration tests' topics: fresh names per test, created on the real broker before use, and read from their start. */
public final class TestTopics {

    private TestTopics() {
    }

    /** The three topics with the configured settings under fresh names, created. */
    public static TopicsSettings created(LocalKafka kafka, KafkaSettings k, Config config) {
        return ensured(k, named(kafka, config));
    }

    /** As {@link #created(LocalKafka, KafkaSettings, Config)}, with a frames topic of {@code partitions} partitions. */
    public static TopicsSettings created(LocalKafka kafka, KafkaSettings k, Config config, int partitions) {
        TopicsSettings named = named(kafka, config);
        TopicsSettings.TopicSpec f = named.frames();
        return ensured(k, new TopicsSettings(new TopicsSettings.TopicSpec(f.role(), f.name(), partitions, f.retention(), f.configs()),
            named.predictions(), named.deadLetter(), named.replicationFactor(), named.maxFrameBytes(), named.recordOverheadBytes()));
    }

    private static TopicsSettings named(LocalKafka kafka, Config config) {
        return TopicsSettings.from(config).withNames(kafka.uniqueName("frames"), kafka.uniqueName("predictions"), kafka.uniqueName("dlq"));
    }

    /** Creates (or checks) the topics and waits until their partitions have leaders. */
    public static TopicsSettings ensured(KafkaSettings k, TopicsSettings topics) {
        try (TopicAdmin admin = TopicAdmin.create(k, topics)) {
            admin.ensure();
        }
        return topics;
    }

    /** A consumer assigned every partition of {@code topic} at its start: no group, nothing committed. */
    public static <K, V> KafkaConsumer<K, V> fromStart(String bootstrap, String topic, Deserializer<K> keys, Deserializer<V> values) {
        KafkaConsumer<K, V> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), keys, values);
        List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(60)).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        c.assign(tps);
        c.seekToBeginning(tps);
        return c;
    }
}
