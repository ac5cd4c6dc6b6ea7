package io.vggstream.benchmarks.bench;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The downstream side: reads the predictions topic from its start (assigned, no group), and for
 * each prediction notes when it arrived, its latency from the frame's capture {@code ts} to here,
 * the engine's own latency it reports, and which frames partition it came from.
 */
final class PredictionCollector implements AutoCloseable {

    private final KafkaConsumer<String, Prediction> consumer;
    private final Thread thread;
    private final Timeline arrivals = new Timeline();
    private final Latencies capture = new Latencies();
    private final Latencies engine = new Latencies();
    private final Set<String> seen = new HashSet<>();
    private final AtomicLong unique = new AtomicLong();
    private final AtomicLong partial = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final Map<Integer, Timeline> bySourcePartition = new ConcurrentHashMap<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile long windowFromMs = Long.MAX_VALUE;
    private volatile long windowToMs = Long.MAX_VALUE;
    private volatile boolean running = true;
    private volatile Listener listener = (p, arrivalMs) -> {
    };
    private boolean started;

    /** Sees every prediction read, duplicates included, on the reading thread: be quick. */
    interface Listener {
        void prediction(Prediction p, long arrivalEpochMs);
    }

    PredictionCollector(KafkaSettings kafka, TopicsSettings topics) {
        Map<String, Object> props = KafkaLimits.consumer(kafka, topics);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-consumer-" + Long.toHexString(System.nanoTime()));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new PredictionDeserializer());
        String topic = topics.predictions().name();
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::loop, "bench-consumer");
        thread.setDaemon(true);
    }

    /** Installs the one listener; call before {@link #start()}. */
    PredictionCollector listener(Listener l) {
        this.listener = java.util.Objects.requireNonNull(l);
        return this;
    }

    PredictionCollector start() {
        started = true;
        thread.start();
        return this;
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, Prediction> r : consumer.poll(Duration.ofMillis(50))) {
                    long nanos = System.nanoTime();
                    long nowMs = System.currentTimeMillis();
                    Prediction p = r.value();
                    listener.prediction(p, nowMs);
                    if (!seen.add(p.stream() + "/" + p.seq())) {
                        duplicates.incrementAndGet();
                        continue;
                    }
                    unique.incrementAndGet();
                    if (p.partial()) {
                        // Answered at its deadline with some variants missing: not counted as throughput.
                        partial.incrementAndGet();
                    } else {
                        arrivals.add(nanos, 1);
                        bySourcePartition.computeIfAbsent(p.source().partition(), k -> new Timeline()).add(nanos, 1);
                    }
                    if (p.ts() >= windowFromMs && p.ts() < windowToMs) {
                        capture.add(Math.max(0, nowMs - p.ts()));
                        engine.add(p.latencyMs().engine());
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
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

    Timeline arrivals() {
        return arrivals;
    }

    /** Arrivals of complete predictions by the partition of the frames topic each prediction's frame came from. */
    Map<Integer, Timeline> bySourcePartition() {
        return bySourcePartition;
    }

    Latencies capture() {
        return capture;
    }

    Latencies engine() {
        return engine;
    }

    private void checkFailure() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("reading predictions failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
