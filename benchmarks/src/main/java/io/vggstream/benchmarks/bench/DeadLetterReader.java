package io.vggstream.benchmarks.bench;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.deadletter.DeadLetterHeaders;
import io.vggstream.topics.deadletter.ErrorKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the dead-letter topic from its start (assigned, no group) and enters each record's source
 * partition and offset in the {@link AnswerLedger}, as {@code dropped} or as another dead letter by
 * its {@code error.kind} header. Only headers are read: the value (the frame's bytes, kept for
 * replay) is skipped without a copy, since under overload most frames come back this way.
 */
final class DeadLetterReader implements AutoCloseable {

    private final KafkaConsumer<byte[], Void> consumer;
    private final Thread thread;
    private final AnswerLedger ledger;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile long records;
    private boolean started;

    DeadLetterReader(KafkaSettings kafka, TopicsSettings topics, AnswerLedger ledger) {
        this.ledger = ledger;
        Map<String, Object> props = KafkaLimits.consumer(kafka, topics);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-dlq-" + Long.toHexString(System.nanoTime()));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new Skip());
        String topic = topics.deadLetter().name();
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::loop, "bench-dlq-reader");
        thread.setDaemon(true);
    }

    DeadLetterReader start() {
        started = true;
        thread.start();
        return this;
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], Void> r : consumer.poll(Duration.ofMillis(50))) {
                    Headers h = r.headers();
                    String kind = text(h.lastHeader(DeadLetterHeaders.ERROR_KIND));
                    int partition = (int) number(h.lastHeader(DeadLetterHeaders.SOURCE_PARTITION));
                    long offset = number(h.lastHeader(DeadLetterHeaders.SOURCE_OFFSET));
                    ledger.answer(partition, offset, ErrorKind.DROPPED.code().equals(kind) ? AnswerLedger.Kind.DROPPED
                        : AnswerLedger.Kind.DEAD_LETTER);
                    records++;
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

    /** Dead-letter records read so far (duplicates included). */
    long records() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("reading dead letters failed: " + e.getMessage(), e);
        }
        return records;
    }

    private static String text(Header h) {
        return h == null || h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long number(Header h) {
        try {
            return Long.parseLong(text(h).strip());
        } catch (NumberFormatException e) {
            return -1;
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

    /** The value is not needed: nothing is copied out of the fetch buffer. */
    private static final class Skip implements Deserializer<Void> {
        @Override
        public Void deserialize(String topic, byte[] data) {
            return null;
        }

        @Override
        public Void deserialize(String topic, Headers headers, ByteBuffer data) {
            return null;
        }
    }
}
