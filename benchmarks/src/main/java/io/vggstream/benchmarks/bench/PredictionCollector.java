package io.vggstream.benchmarks.bench;

import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The downstream side: reads the predictions topic from its start (assigned, no group), and for
 * each prediction notes when it arrived, its latency from the frame's capture {@code ts} to here,
 * the engine's own latency it reports, and which frames partition it came from.
 */
final class PredictionCollector extends TopicTail<String, Prediction> {

    private final Completions arrivals = new Completions();
    private final Latencies capture = new Latencies();
    private final Latencies engine = new Latencies();
    private final Set<String> seen = new HashSet<>();
    private final AtomicLong unique = new AtomicLong();
    private final AtomicLong partial = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final Map<Integer, Completions> bySourcePartition = new ConcurrentHashMap<>();
    private volatile long windowFromMs = Long.MAX_VALUE;
    private volatile long windowToMs = Long.MAX_VALUE;
    private volatile Listener listener = (p, arrivalMs) -> {
    };

    /** Sees every prediction read, duplicates included, on the reading thread: be quick. */
    interface Listener {
        void prediction(Prediction p, long arrivalEpochMs);
    }

    PredictionCollector(KafkaSettings kafka, TopicsSettings topics) {
        super(kafka, topics, topics.predictions().name(), "predictions", new StringDeserializer(), new PredictionDeserializer());
    }

    /** Installs the one listener; call before {@link #start()}. */
    PredictionCollector listener(Listener l) {
        this.listener = java.util.Objects.requireNonNull(l);
        return this;
    }

    PredictionCollector start() {
        startReading();
        return this;
    }

    @Override
    void record(ConsumerRecord<String, Prediction> r) {
        long nanos = System.nanoTime();
        long nowMs = System.currentTimeMillis();
        Prediction p = r.value();
        listener.prediction(p, nowMs);
        if (!seen.add(p.stream() + "/" + p.seq())) {
            duplicates.incrementAndGet();
            return;
        }
        unique.incrementAndGet();
        if (p.partial()) {
            // Answered at its deadline with some variants missing: not counted as throughput.
            partial.incrementAndGet();
        } else {
            arrivals.add(nanos, 1);
            bySourcePartition.computeIfAbsent(p.source().partition(), k -> new Completions()).add(nanos, 1);
        }
        if (p.ts() >= windowFromMs && p.ts() < windowToMs) {
            capture.add(Math.max(0, nowMs - p.ts()));
            engine.add(p.latencyMs().engine());
        }
    }

    /** Frames whose capture ts falls in [from, to) are the ones whose latency is kept. */
    void latencyWindow(long fromEpochMs, long toEpochMs) {
        windowFromMs = fromEpochMs;
        windowToMs = toEpochMs;
    }

    long count() {
        checkFailure();
        return unique.get();
    }

    /** Predictions marked partial (some variants missing at the frame's deadline). */
    long partial() {
        return partial.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    Completions arrivals() {
        return arrivals;
    }

    /** Arrivals of complete predictions by the partition of the frames topic each prediction's frame came from. */
    Map<Integer, Completions> bySourcePartition() {
        return bySourcePartition;
    }

    Latencies capture() {
        return capture;
    }

    Latencies engine() {
        return engine;
    }
}
