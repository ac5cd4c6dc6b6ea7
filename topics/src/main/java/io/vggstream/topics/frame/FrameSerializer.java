package io.vggstream.topics.frame;

import io.vggstream.topics.TopicsSettings;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a {@link Frame} as the contract says: the image as the value, {@code seq}, {@code ts},
 * {@code label} and {@code content-type} as UTF-8 headers. Refuses a frame a consumer would
 * refuse. Use {@link FrameRecords#record} so the key is the stream id.
 */
public final class FrameSerializer implements Serializer<Frame> {

    /** Config key: the largest image accepted, in bytes (default 8 MiB). */
    public static final String MAX_FRAME_BYTES_CONFIG = "vggstream.max.frame.bytes";

    private int maxFrameBytes = TopicsSettings.DEFAULT_MAX_FRAME_BYTES;

    public FrameSerializer() {
    }

    public FrameSerializer(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object v = configs.get(MAX_FRAME_BYTES_CONFIG);
        if (v != null) {
            maxFrameBytes = Integer.parseInt(v.toString());
        }
    }

    /** Without headers the contract cannot be written: always refuses. */
    @Override
    public byte[] serialize(String topic, Frame frame) {
        if (frame == null) {
            return null;
        }
        throw new org.apache.kafka.common.errors.SerializationException("cannot write a frame for topic " + topic
            + " without record headers: seq and ts travel as headers (kafka-clients passes them to serialize(topic, headers, data))");
    }

    @Override
    public byte[] serialize(String topic, Headers headers, Frame frame) {
        if (frame == null) {
            return null;
        }
        FrameRecords.check(frame, maxFrameBytes).ifPresent(invalid -> {
            throw new InvalidFrameException(topic, invalid);
        });
        FrameRecords.writeHeaders(headers, frame);
        return frame.image();
    }
}
