package io.vggstream.engine.testing;

import io.vggstream.topics.deadletter.DeadLetter;
import io.vggstream.topics.deadletter.DeadLetterDeserializer;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Walks every (partition, offset) of the input and counts the outputs that answer it (a
 * prediction's {@code source}, a dead letter's {@code source.*}), as Flink's semantics-check job
 * does: missing inputs break at-least-once; any input answered twice breaks exactly-once.
 */
public final class DeliveryChecker {

    /**
     * @param inputs every input offset, per partition
     * @param answers outputs per input offset
     * @param firstSeqs per stream, the seq of each prediction in output order, first answers only
     */
    public record Report(long inputs, long answered, long missing, long duplicates, long predictions, long deadLetters,
                         Map<String, List<Long>> firstSeqs) {
        public boolean inStreamOrder() {
            return firstSeqs.values().stream().allMatch(l -> {
                for (int i = 1; i < l.size(); i++) {
                    if (l.get(i) <= l.get(i - 1)) {
                        return false;
                    }
                }
                return true;
            });
        }

        @Override
        public String toString() {
            return "inputs " + inputs + ", answered " + answered + ", missing " + missing + ", duplicated " + duplicates
                + " (predictions " + predictions + ", dead letters " + deadLetters + ")";
        }
    }

    private DeliveryChecker() {
    }

    /** Reads the outputs (as a read-committed or plain consumer) and checks them against the input's end offsets. */
    public static Report check(String bootstrap, String input, int partitions, String predictions, String deadLetters,
                               boolean readCommitted) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(input, p));
            }
            ends = c.endOffsets(tps);
        }
        Map<String, Integer> count = new TreeMap<>();
        Map<String, List<Long>> firstSeqs = new HashMap<>();
        long preds = 0;
        long letters = 0;
        for (ConsumerRecord<byte[], byte[]> r : readAll(props, predictions)) {
            Prediction p = new PredictionDeserializer().deserialize(predictions, r.value());
            String at = p.source().partition() + "@" + p.source().offset();
            if (count.merge(at, 1, Integer::sum) == 1) {
                firstSeqs.computeIfAbsent(p.stream(), k -> new ArrayList<>()).add(p.seq());
            }
            preds++;
        }
        for (ConsumerRecord<byte[], byte[]> r : readAll(props, deadLetters)) {
            DeadLetter d = new DeadLetterDeserializer().deserialize(deadLetters, r.headers(), r.value());
            count.merge(d.sourcePartition() + "@" + d.sourceOffset(), 1, Integer::sum);
            letters++;
        }
        long inputs = 0;
        long missing = 0;
        long duplicates = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            for (long o = 0; o < e.getValue(); o++) {
                inputs++;
                int n = count.getOrDefault(e.getKey().partition() + "@" + o, 0);
                if (n == 0) {
                    missing++;
                } else if (n > 1) {
                    duplicates += n - 1;
                }
            }
        }
        return new Report(inputs, inputs - missing, missing, duplicates, preds, letters, firstSeqs);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, Object> base, String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(base, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
