package io.vggstream.topics.prediction;

import org.apache.kafka.common.serialization.Deserializer;

/** Reads the contract's prediction JSON, failing with a message naming the topic and the fields at fault. */
public final class PredictionDeserializer implements Deserializer<Prediction> {

    @Override
    public Prediction deserialize(String topic, byte[] data) {
        return data == null ? null : PredictionCodec.read(topic, data);
    }
}
