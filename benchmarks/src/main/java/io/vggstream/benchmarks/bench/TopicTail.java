package io.vggstream.benchmarks.bench;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one topic from its start on its own thread (assigned, no group, nothing committed) and
 * hands each record to {@link #record}. A failure on that thread is kept and raised by
 * {@link #checkFailure()}; {@link #close()} wakes the consumer and waits for the thread.
 */
abstract class TopicTail<K, V> implements AutoCloseable {

    private final KafkaConsumer<K, V> consumer;
    private final Thread thread;
    private final String what;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private boolean started;

    /** @param what the topic's role, e.g. "predictions": names the thread, the client and errors */
    TopicTail(KafkaSettings kafka, TopicsSettings topics, String topic, String what, Deserializer<K> keys, Deserializer<V> values) {
        this.what = what;
        Map<String, Object> props = KafkaLimits.consumer(kafka, topics);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-" + what + "-" + Long.toHexString(System.nanoTime()));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(props, keys, values);
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::loop, "bench-" + what);
        thread.setDaemon(true);
    }

    /** Called on the reading thread for every record, duplicates included: be quick. */
    abstract void record(ConsumerRecord<K, V> r);

    final void startReading() {
        started = true;
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(50))) {
                    record(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Raises what went wrong on the reading thread, if anything did. */
    final void checkFailure() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("reading " + what + " failed: " + e.getMessage(), e);
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
