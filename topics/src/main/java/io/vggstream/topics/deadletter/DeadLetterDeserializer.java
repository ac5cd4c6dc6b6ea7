package io.vggstream.topics.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads a dead-letter record back into a {@link DeadLetter}; the key (the original one) is the record's. */
public final class DeadLetterDeserializer implements Deserializer<DeadLetter> {

    @Override
    public DeadLetter deserialize(String topic, byte[] data) {
        throw new SerializationException("cannot read a dead letter on topic " + topic
            + " without its headers: the reason and source travel as headers");
    }

    @Override
    public DeadLetter deserialize(String topic, Headers headers, byte[] data) {
        String error = required(topic, headers, DeadLetterHeaders.ERROR);
        String kindCode = required(topic, headers, DeadLetterHeaders.ERROR_KIND);
        ErrorKind kind = ErrorKind.fromCode(kindCode).orElseThrow(() -> new SerializationException(
            "invalid dead letter on topic " + topic + ": header 'error.kind' has an unknown code '" + kindCode + "'"));
        String sourceTopic = required(topic, headers, DeadLetterHeaders.SOURCE_TOPIC);
        int partition;
        long offset;
        try {
            partition = Integer.parseInt(required(topic, headers, DeadLetterHeaders.SOURCE_PARTITION));
            offset = Long.parseLong(required(topic, headers, DeadLetterHeaders.SOURCE_OFFSET));
        } catch (NumberFormatException e) {
            throw new SerializationException("invalid dead letter on topic " + topic
                + ": headers 'source.partition' and 'source.offset' must be decimal integers", e);
        }
        List<Header> original = new ArrayList<>();
        for (Header h : headers) {
            if (!DeadLetterHeaders.isOurs(h.key())) {
                original.add(new RecordHeader(h.key(), h.value()));
            }
        }
        return new DeadLetter(kind, error, sourceTopic, partition, offset, original, data);
    }

    private static String required(String topic, Headers headers, String name) {
        Header h = headers.lastHeader(name);
        if (h == null || h.value() == null) {
            throw new SerializationException("invalid dead letter on topic " + topic + ": header '" + name + "' is missing");
        }
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
