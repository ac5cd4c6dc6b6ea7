package io.vggstream.topics.deadletter;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a {@link DeadLetter}: the original value as the value, the original headers, then
 * {@code error}, {@code error.kind} and {@code source.*}. An original header with one of our
 * names (a frame dead-lettered twice) is replaced, so each of ours appears once.
 */
public final class DeadLetterSerializer implements Serializer<DeadLetter> {

    @Override
    public byte[] serialize(String topic, DeadLetter letter) {
        if (letter == null) {
            return null;
        }
        throw new SerializationException("cannot write a dead letter for topic " + topic
            + " without record headers: the reason and source travel as headers");
    }

    @Override
    public byte[] serialize(String topic, Headers headers, DeadLetter letter) {
        if (letter == null) {
            return null;
        }
        if (letter.error().isBlank()) {
            throw new SerializationException("invalid dead letter for topic " + topic + ": 'error' must say what went wrong");
        }
        if (letter.sourcePartition() < 0 || letter.sourceOffset() < 0) {
            throw new SerializationException("invalid dead letter for topic " + topic + ": 'source.partition' and 'source.offset' must not be negative");
        }
        for (Header h : letter.originalHeaders()) {
            if (!DeadLetterHeaders.isOurs(h.key())) {
                headers.add(h.key(), h.value());
            }
        }
        put(headers, DeadLetterHeaders.ERROR, letter.error());
        put(headers, DeadLetterHeaders.ERROR_KIND, letter.kind().code());
        put(headers, DeadLetterHeaders.SOURCE_TOPIC, letter.sourceTopic());
        put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(letter.sourcePartition()));
        put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(letter.sourceOffset()));
        return letter.value();
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
