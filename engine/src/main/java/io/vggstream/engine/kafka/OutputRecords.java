package io.vggstream.engine.kafka;

import io.vggstream.engine.api.Classification;
import io.vggstream.engine.api.Served;
import io.vggstream.engine.fusion.Fusion;
import io.vggstream.topics.RecordFit;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.deadletter.DeadLetter;
import io.vggstream.topics.deadletter.DeadLetterHeaders;
import io.vggstream.topics.deadletter.DeadLetterSerializer;
import io.vggstream.topics.frame.StreamFrame;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionSerializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What the engine writes for one frame, as raw records: the prediction (contract JSON, key = the
 * stream id) or the dead letter (the frame's key, value and headers as received, plus the reason
 * and source; the value's SHA-256 and size instead of the value when the record would not fit the
 * dead-letter topic, see {@link RecordFit}).
 */
public final class OutputRecords {

    /** A dead letter's own headers: what is kept when a record must shrink to fit its topic. */
    private static final Set<String> DEAD_LETTER_HEADERS = Set.of(DeadLetterHeaders.ERROR, DeadLetterHeaders.ERROR_KIND,
        DeadLetterHeaders.SOURCE_TOPIC, DeadLetterHeaders.SOURCE_PARTITION, DeadLetterHeaders.SOURCE_OFFSET);

    private final TopicsSettings topics;
    private final int deadLetterLimit;
    private List<String> classes;
    private Served served;
    private final PredictionSerializer predictions = new PredictionSerializer();
    private final DeadLetterSerializer deadLetters = new DeadLetterSerializer();
    private List<String> modelNames;
    private List<Prediction.Protocol> protocols;

    /**
     * Not thread-safe: used by one stage of one stream (its answers, in order).
     *
     * @param served the models, classes and protocol levels a prediction names until an answer describes others (a hot swap)
     */
    public OutputRecords(TopicsSettings topics, Served served) {
        this(topics, served, topics.maxRecordBytes());
    }

    /** @param deadLetterLimit the most bytes a dead letter may take (the dead-letter topic's, see {@link OutputLimits}) */
    public OutputRecords(TopicsSettings topics, Served served, int deadLetterLimit) {
        this.topics = topics;
        this.deadLetterLimit = deadLetterLimit;
        describe(served);
    }

    private void describe(Served s) {
        if (s == served) {
            return;
        }
        served = s;
        classes = s.classes();
        modelNames = s.models();
        protocols = new ArrayList<>();
        for (Served.Level level : s.levels()) {
            var p = level.protocol();
            protocols.add(new Prediction.Protocol(p.toString(), level.scales(), p.flips(), p.cropsPerScale()));
        }
    }

    /**
     * @param consumedNanos {@link System#nanoTime()} when the frame was consumed
     */
    public Prediction prediction(StreamFrame frame, Classification.Ok c, long consumedNanos) {
        describe(c.served());
        List<Prediction.Ranked> top = ranked(c.top());
        double engineMs = (System.nanoTime() - consumedNanos) / 1e6;
        double captureMs = Math.max(0, System.currentTimeMillis() - frame.frame().ts());
        return new Prediction(frame.stream(), frame.frame().seq(), frame.frame().ts(),
            new Prediction.Source(frame.topic(), frame.partition(), frame.offset()), top, modelNames, protocols.get(c.level()),
            new Prediction.Latency(round(engineMs), round(captureMs)), frame.frame().label(), c.partial());
    }

    /** The video-level result for a stream's fused posterior. */
    public Prediction.Video video(io.vggstream.engine.fusion.TemporalFusion.Method method,
                                  io.vggstream.engine.fusion.TemporalFusion.Fused fused, int k) {
        return new Prediction.Video(method.name().toLowerCase(java.util.Locale.ROOT), fused.frames(), ranked(Fusion.top(fused.posterior(), k)));
    }

    private List<Prediction.Ranked> ranked(List<Fusion.Ranked> top) {
        List<Prediction.Ranked> out = new ArrayList<>();
        for (Fusion.Ranked r : top) {
            // Float noise can push a fused sum a hair over 1.
            out.add(new Prediction.Ranked(r.index(), classes.get(r.index()), Math.min(1.0, Math.max(0.0, r.p()))));
        }
        return out;
    }

    public ProducerRecord<byte[], byte[]> predictionRecord(Prediction p) {
        String topic = topics.predictions().name();
        return new ProducerRecord<>(topic, p.stream().getBytes(StandardCharsets.UTF_8), predictions.serialize(topic, p));
    }

    public ProducerRecord<byte[], byte[]> deadLetterRecord(ConsumerRecord<byte[], byte[]> source, DeadLetter letter) {
        String topic = topics.deadLetter().name();
        RecordHeaders headers = new RecordHeaders();
        byte[] value = deadLetters.serialize(topic, headers, letter);
        // A frame near the frames topic's limit plus our headers can be over the dead-letter topic's:
        // the producer would fail the stream and the frame come back for ever. Then the value's digest goes instead.
        return RecordFit.fit(new ProducerRecord<>(topic, null, source.key(), value, headers), deadLetterLimit,
            DEAD_LETTER_HEADERS, digest -> null);
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
