package io.vggstream.topics.prediction;

import org.apache.kafka.common.serialization.Serializer;

/** Writes a {@link Prediction} as the contract's JSON, refusing one that breaks the contract. Key: the stream id. */
public final class PredictionSerializer implements Serializer<Prediction> {

    @Override
    public byte[] serialize(String topic, Prediction prediction) {
        return prediction == null ? null : PredictionCodec.write(topic, prediction);
    }
}
