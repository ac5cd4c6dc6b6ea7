package io.vggstream.topics.frame;

import io.vggstream.topics.TopicsSettings;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a frame's value and headers, validating them; a broken record fails with an
 * {@link InvalidFrameException} that names the topic, the field and the reason. The stream id is
 * the record key (read it with a {@code StringDeserializer}); {@link FrameRecords#parse} checks
 * key and value together.
 */
public final class FrameDeserializer implements Deserializer<Frame> {

    private int maxFrameBytes = TopicsSettings.DEFAULT_MAX_FRAME_BYTES;

    public FrameDeserializer() {
    }

    public FrameDeserializer(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object v = configs.get(FrameSerializer.MAX_FRAME_BYTES_CONFIG);
        if (v != null) {
            maxFrameBytes = Integer.parseInt(v.toString());
        }
    }

    @Override
    public Frame deserialize(String topic, byte[] data) {
        return deserialize(topic, new RecordHeaders(), data);
    }

    @Override
    public Frame deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        FrameRecords.Value v = FrameRecords.readValue(headers, data, maxFrameBytes);
        if (v.invalid() != null) {
            throw new InvalidFrameException(topic, v.invalid());
        }
        return v.frame();
    }
}
