package io.vggstream.topics.frame;

import java.util.Objects;

/** A validated frame with its stream id (the record key) and where it was read from. */
public record StreamFrame(String stream, Frame frame, String topic, int partition, long offset) {
    public StreamFrame {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(frame, "frame");
    }
}
