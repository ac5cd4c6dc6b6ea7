package io.vggstream.topics.deadletter;

import io.vggstream.topics.frame.FrameRecords;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A frame the engine could not use, kept whole with the reason: the value of a record on the
 * dead-letter topic, whose key is the original key unchanged.
 *
 * @param kind the short reason code ({@code error.kind})
 * @param error a sentence a person can act on ({@code error})
 * @param sourceTopic where the frame was read
 * @param sourcePartition its partition
 * @param sourceOffset its offset
 * @param originalHeaders the frame record's own headers, in order
 * @param value the frame record's value as received (may be null)
 */
public record DeadLetter(
    ErrorKind kind,
    String error,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    List<Header> originalHeaders,
    byte[] value) {

    public DeadLetter {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        originalHeaders = List.copyOf(originalHeaders);
    }

    /** The dead letter for a record that {@link FrameRecords#parse} refused. */
    public static DeadLetter of(ConsumerRecord<byte[], byte[]> record, FrameRecords.Parsed.Invalid invalid) {
        return of(record, invalid.kind(), invalid.reason());
    }

    /** The dead letter for a record, with a reason found later (decoding, inference). */
    public static DeadLetter of(ConsumerRecord<byte[], byte[]> record, ErrorKind kind, String error) {
        List<Header> headers = Arrays.stream(record.headers().toArray())
            .map(h -> (Header) new RecordHeader(h.key(), h.value()))
            .toList();
        return new DeadLetter(kind, error, record.topic(), record.partition(), record.offset(), headers, record.value());
    }

    /** The record to produce with {@link DeadLetterSerializer}: the original key, unchanged. */
    public ProducerRecord<byte[], DeadLetter> toRecord(String topic, byte[] key) {
        return new ProducerRecord<>(topic, key, this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && kind == d.kind && error.equals(d.error) && sourceTopic.equals(d.sourceTopic)
            && sourcePartition == d.sourcePartition && sourceOffset == d.sourceOffset
            && originalHeaders.equals(d.originalHeaders) && Arrays.equals(value, d.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, error, sourceTopic, sourcePartition, sourceOffset, originalHeaders, Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        return "DeadLetter[" + kind + " at " + sourceTopic + "-" + sourcePartition + "@" + sourceOffset + ": " + error
            + ", " + originalHeaders.size() + " headers, " + (value == null ? "null" : value.length + " bytes") + "]";
    }
}
