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
     * @param predicted input offsets answered by at least one prediction
     * @param deadLettered input offsets answered by at least one dead letter
     * @param firstSeqs per stream, the seq of each prediction in output order, first answers only
     * @param seqs per stream, the seq of every prediction in output order, repeated answers included
     */
    public record Report(long inputs, long answered, long missing, long duplicates, long predictions, long deadLetters,
                         long predicted, long deadLettered, Map<String, List<Long>> firstSeqs, Map<String, List<Long>> seqs) {
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

        /**
         * What breaks per-stream order over every prediction in output order, first answers and repeated ones alike
         * (empty: none). Each prediction must be the next seq of its stream, {@code seq = previous + 1}; a stream may go
         * back ({@code seq <= previous}, the first answer after a restart, which starts again at the last committed
         * offset) at most {@code allowedRewinds} times, and never forwards past a seq (a gap: a frame skipped, or
         * answered out of order). The first prediction of a stream must be its first seq, {@code firstSeq}.
         */
        public List<String> orderProblems(long firstSeq, int allowedRewinds) {
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, List<Long>> e : new TreeMap<>(seqs).entrySet()) {
                List<Long> l = e.getValue();
                if (l.get(0) != firstSeq) {
                    problems.add(e.getKey() + ": first prediction is seq " + l.get(0) + ", not " + firstSeq);
                }
                int rewinds = 0;
                for (int i = 1; i < l.size(); i++) {
                    long prev = l.get(i - 1);
                    long seq = l.get(i);
                    if (seq <= prev) {
                        rewinds++;
                        if (rewinds > allowedRewinds) {
                            problems.add(e.getKey() + ": seq " + seq + " after " + prev + " (back " + rewinds + " times, " + allowedRewinds
                                + " allowed) at prediction " + i);
                        }
                    } else if (seq != prev + 1) {
                        problems.add(e.getKey() + ": seq " + seq + " right after " + prev + " at prediction " + i);
                    }
                }
            }
            return problems;
        }

        @Override
        public String toString() {
            return "inputs " + inputs + ", answered " + answered + " (predicted " + predicted + ", dead-lettered " + deadLettered
                + "), missing " + missing + ", duplicated " + duplicates + " (prediction records " + predictions
                + ", dead-letter records " + deadLetters + ")";
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
        java.util.Set<String> predictedAt = new java.util.HashSet<>();
        java.util.Set<String> letteredAt = new java.util.HashSet<>();
        Map<String, List<Long>> firstSeqs = new HashMap<>();
        Map<String, List<Long>> seqs = new HashMap<>();
        long preds = 0;
        long letters = 0;
        for (ConsumerRecord<byte[], byte[]> r : readAll(props, predictions)) {
            Prediction p = new PredictionDeserializer().deserialize(predictions, r.value());
            String at = p.source().partition() + "@" + p.source().offset();
            if (count.merge(at, 1, Integer::sum) == 1) {
                firstSeqs.computeIfAbsent(p.stream(), k -> new ArrayList<>()).add(p.seq());
            }
            seqs.computeIfAbsent(p.stream(), k -> new ArrayList<>()).add(p.seq());
            predictedAt.add(at);
            preds++;
        }
        for (ConsumerRecord<byte[], byte[]> r : readAll(props, deadLetters)) {
            DeadLetter d = new DeadLetterDeserializer().deserialize(deadLetters, r.headers(), r.value());
            String at = d.sourcePartition() + "@" + d.sourceOffset();
            count.merge(at, 1, Integer::sum);
            letteredAt.add(at);
            letters++;
        }
        long inputs = 0;
        long missing = 0;
        long duplicates = 0;
        long predicted = 0;
        long lettered = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            for (long o = 0; o < e.getValue(); o++) {
                inputs++;
                String at = e.getKey().partition() + "@" + o;
                int n = count.getOrDefault(at, 0);
                predicted += predictedAt.contains(at) ? 1 : 0;
                lettered += letteredAt.contains(at) ? 1 : 0;
                if (n == 0) {
                    missing++;
                } else if (n > 1) {
                    duplicates += n - 1;
                }
            }
        }
        return new Report(inputs, inputs - missing, missing, duplicates, preds, letters, predicted, lettered, firstSeqs, seqs);
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
