package io.vggstream.topics.frame;

import io.vggstream.topics.deadletter.ErrorKind;
import org.apache.kafka.common.errors.SerializationException;

/** A frame that breaks the contract, naming the topic, the field and the reason. */
public final class InvalidFrameException extends SerializationException {

    private final transient FrameRecords.Parsed.Invalid invalid;

    public InvalidFrameException(String topic, FrameRecords.Parsed.Invalid invalid) {
        super("invalid frame record on topic " + topic + " (" + invalid.kind().code() + ", field '" + invalid.field() + "'): "
            + invalid.reason());
        this.invalid = invalid;
    }

    public ErrorKind kind() {
        return invalid.kind();
    }

    public String field() {
        return invalid.field();
    }
}
