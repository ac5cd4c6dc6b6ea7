package io.vggstream.video.testing;

import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.config.StrictConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;

/** The contract's settings pointed at the test broker, with fresh topics per test. */
public final class Topics {

    public static final TopicsSettings DEFAULTS = TopicsSettings.from(StrictConfig.load(Optional.empty()));

    private Topics() {
    }

    public static KafkaSettings kafka(LocalKafka kafka) {
        return new KafkaSettings(kafka.bootstrapServers(), Map.of());
    }

    /** Fresh frames, predictions and dead-letter topics with the contract's configs; the settings name them. */
    public static TopicsSettings create(LocalKafka kafka, int partitions) {
        String frames = kafka.createTopic("frames", partitions, DEFAULTS.topicConfigs(DEFAULTS.frames()));
        String predictions = kafka.createTopic("predictions", partitions, DEFAULTS.topicConfigs(DEFAULTS.predictions()));
        // Producers in a test start at once: wait for the leaders (KAFKA-15591, see TopicCheck).
        io.vggstream.video.TopicCheck.awaitWritable(kafka(kafka), frames, Duration.ofSeconds(30));
        io.vggstream.video.TopicCheck.awaitWritable(kafka(kafka), predictions, Duration.ofSeconds(30));
        return DEFAULTS.withNames(frames, predictions, kafka.uniqueName("dlq"));
    }

    /** How many records {@code topic} holds (its end offsets, summed; nothing is ever deleted in a test). */
    public static long count(LocalKafka kafka, String topic) {
        Map<String, Object> props = new HashMap<>(KafkaLimits.consumer(kafka(kafka), DEFAULTS));
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> parts = c.partitionsFor(topic).stream()
                .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Reads {@code n} records from the start of {@code topic} (60 s at most). */
    public static <K, V> List<ConsumerRecord<K, V>> consume(LocalKafka kafka, String topic, Deserializer<K> k, Deserializer<V> v, int n) {
        Map<String, Object> props = new HashMap<>(KafkaLimits.consumer(kafka(kafka), DEFAULTS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, k, v)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
