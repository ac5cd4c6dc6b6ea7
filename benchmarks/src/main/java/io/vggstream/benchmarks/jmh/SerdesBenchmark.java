package io.vggstream.benchmarks.jmh;

import io.vggstream.benchmarks.frames.SyntheticFrames;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import io.vggstream.topics.prediction.PredictionSerializer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The contract's serdes on the hot path: a producer's frame serializer (headers and checks), the
 * engine's parse of a consumed frame record, and a prediction's JSON both ways.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SerdesBenchmark {

    private static final String TOPIC = "vggstream.frames";

    private final FrameSerializer frameSerializer = new FrameSerializer();
    private final PredictionSerializer predictionSerializer = new PredictionSerializer();
    private final PredictionDeserializer predictionDeserializer = new PredictionDeserializer();
    private Frame frame;
    private ConsumerRecord<byte[], byte[]> consumed;
    private Prediction prediction;
    private byte[] predictionJson;

    @Setup
    public void setUp() {
        byte[] jpeg = SyntheticFrames.jpeg(640, 480, 11);
        frame = Frame.of(1234, 1_700_000_000_000L, jpeg).withLabel("n01440764").withContentType("image/jpeg");
        RecordHeaders headers = new RecordHeaders();
        frameSerializer.serialize(TOPIC, headers, frame);
        consumed = new ConsumerRecord<>(TOPIC, 0, 42L, frame.ts(), TimestampType.CREATE_TIME, 6, jpeg.length,
            "cam-1".getBytes(java.nio.charset.StandardCharsets.UTF_8), jpeg, headers, Optional.empty());
        List<Prediction.Ranked> top = IntStream.range(0, 5).mapToObj(i -> new Prediction.Ranked(i * 37, "class " + i, 0.5 / (i + 1))).toList();
        prediction = new Prediction("cam-1", 1234, frame.ts(), new Prediction.Source(TOPIC, 0, 42L), top, List.of("vgg16"),
            new Prediction.Protocol("single", List.of(224), true, 0), new Prediction.Latency(12.5, 30.25), Optional.of("n01440764"), false)
            .withVideo(new Prediction.Video("ema", 12, top));
        predictionJson = predictionSerializer.serialize("vggstream.predictions", prediction);
    }

    /** What a camera-side producer pays per frame. */
    @Benchmark
    public byte[] frameSerialize() {
        return frameSerializer.serialize(TOPIC, new RecordHeaders(), frame);
    }

    /** What the engine pays per consumed frame record before the actors see it. */
    @Benchmark
    public FrameRecords.Parsed frameParse() {
        return FrameRecords.parse(consumed, TopicsSettings.DEFAULT_MAX_FRAME_BYTES);
    }

    @Benchmark
    public byte[] predictionSerialize() {
        return predictionSerializer.serialize("vggstream.predictions", prediction);
    }

    @Benchmark
    public Prediction predictionDeserialize() {
        return predictionDeserializer.deserialize("vggstream.predictions", predictionJson);
    }
}
