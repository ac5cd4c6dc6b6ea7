package io.vggstream.video.annotate;

import io.vggstream.video.VideoException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every partition of a topic read once, from a start time (or the beginning) up to the end
 * offsets as they were when it opened: a bounded read that ends by itself whatever is produced
 * meanwhile. The start is the first record whose Kafka timestamp is at or after {@code from};
 * producers stamp records with the capture time or later, so no frame captured after
 * {@code from} is missed.
 */
final class TopicRange implements AutoCloseable {

    private final String topic;
    private final String bootstrap;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> end;
    private final Duration stallTimeout;
    private long lastProgress = System.nanoTime();
    private long lastPositions = -1;

    private TopicRange(String topic, String bootstrap, KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
        Duration stallTimeout) {
        this.topic = topic;
        this.bootstrap = bootstrap;
        this.consumer = consumer;
        this.end = end;
        this.stallTimeout = stallTimeout;
    }

    static TopicRange open(Map<String, Object> consumerProps, String bootstrap, String topic, Optional<Instant> from, Duration timeout) {
        Map<String, Object> props = new HashMap<>(consumerProps);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "vggstream-annotate-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new VideoException("topic " + topic + " does not exist at " + bootstrap);
            }
            List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            if (from.isPresent()) {
                Map<TopicPartition, Long> at = new HashMap<>();
                parts.forEach(p -> at.put(p, from.get().toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(at, timeout);
                for (TopicPartition p : parts) {
                    OffsetAndTimestamp o = start.get(p);
                    consumer.seek(p, o == null ? end.get(p) : o.offset());
                }
            } else {
                consumer.seekToBeginning(parts);
            }
            return new TopicRange(topic, bootstrap, consumer, end, timeout);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw new VideoException("Kafka at " + bootstrap + " did not answer within " + timeout.toSeconds()
                + " s (is it running? ./vggstream kafka start)", e);
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
    }

    /** Whether every partition has been read up to where it ended at the start. */
    boolean done() {
        long sum = 0;
        boolean done = true;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            long pos = consumer.position(e.getKey(), stallTimeout);
            sum += pos;
            if (pos < e.getValue()) {
                done = false;
            }
        }
        if (sum != lastPositions) {
            lastPositions = sum;
            lastProgress = System.nanoTime();
        } else if (!done && System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
            throw new VideoException("reading " + topic + " at " + bootstrap + " made no progress for " + stallTimeout.toSeconds() + " s");
        }
        return done;
    }

    /** The next batch of records (possibly empty; records past the end offsets are left out). */
    List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> poll() {
        ConsumerRecords<byte[], byte[]> rs;
        try {
            rs = consumer.poll(Duration.ofMillis(200));
        } catch (KafkaException e) {
            throw new VideoException("reading " + topic + " at " + bootstrap + " failed: " + e.getMessage(), e);
        }
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>(rs.count());
        for (var r : rs) {
            Long e = end.get(new TopicPartition(r.topic(), r.partition()));
            if (e != null && r.offset() < e) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
