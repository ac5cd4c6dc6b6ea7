package io.vggstream.topics;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The kafka-clients properties that go with the contract's record sizes, so that an 8 MiB frame
 * is neither refused by a producer (1 MiB {@code max.request.size} by default) nor fetched one
 * slow round trip at a time.
 */
public final class KafkaLimits {

    private KafkaLimits() {
    }

    /** Producer properties: pass-through clients first, then our limits on top. */
    public static Map<String, Object> producer(KafkaSettings kafka, TopicsSettings topics) {
        Map<String, Object> p = common(kafka);
        // One request must fit the largest record.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, topics.maxRecordBytes());
        // Room for several large frames in flight before send() blocks.
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 8L * topics.maxRecordBytes()));
        // JPEG does not compress; spending CPU on it only adds latency.
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        // No frame is acknowledged before it is safe on every in-sync replica; idempotence keeps order on retries.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return p;
    }

    /** Consumer properties: pass-through clients first, then our limits on top. */
    public static Map<String, Object> consumer(KafkaSettings kafka, TopicsSettings topics) {
        Map<String, Object> p = common(kafka);
        // A fetch returns at least one record whatever its size, but a partition's share should hold a whole frame.
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, topics.maxRecordBytes());
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(52_428_800, 4 * topics.maxRecordBytes()));
        return p;
    }

    /** Admin properties: pass-through clients and the bootstrap servers. */
    public static Map<String, Object> admin(KafkaSettings kafka) {
        return common(kafka);
    }

    private static Map<String, Object> common(KafkaSettings kafka) {
        Map<String, Object> p = new HashMap<>(kafka.clients());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return p;
    }
}
