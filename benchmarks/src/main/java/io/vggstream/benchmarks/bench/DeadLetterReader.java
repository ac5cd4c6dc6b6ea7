package io.vggstream.benchmarks.bench;

import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.deadletter.DeadLetterHeaders;
import io.vggstream.topics.deadletter.ErrorKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
final class DeadLetterReader extends TopicTail<byte[], Void> {

    private final AnswerLedger ledger;
    private volatile long records;

    DeadLetterReader(KafkaSettings kafka, TopicsSettings topics, AnswerLedger ledger) {
        super(kafka, topics, topics.deadLetter().name(), "dlq", new ByteArrayDeserializer(), new Skip());
        this.ledger = ledger;
    }

    DeadLetterReader start() {
        startReading();
        return this;
    }

    @Override
    void record(ConsumerRecord<byte[], Void> r) {
        Headers h = r.headers();
        String kind = text(h.lastHeader(DeadLetterHeaders.ERROR_KIND));
        int partition = (int) number(h.lastHeader(DeadLetterHeaders.SOURCE_PARTITION));
        long offset = number(h.lastHeader(DeadLetterHeaders.SOURCE_OFFSET));
        ledger.answer(partition, offset, ErrorKind.DROPPED.code().equals(kind) ? AnswerLedger.Kind.DROPPED
            : AnswerLedger.Kind.DEAD_LETTER);
        records++;
    }

    /** Dead-letter records read so far (duplicates included). */
    long records() {
        checkFailure();
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
