package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.deadletter.DeadLetter;
import io.vggstream.topics.deadletter.DeadLetterDeserializer;
import io.vggstream.topics.deadletter.ErrorKind;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * With max-frame-age on, a frame whose ts lies an hour in the future (a producer clock far ahead)
 * is answered with a "dropped" dead letter that says so, like a stale one; frames captured now
 * are predicted.
 */
@ExtendWith(KafkaBrokerExtension.class)
class FutureFrameIT {

    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    Path dir;

    @Test
    void shouldDropFramesFromBeyondTheClockSkewAndPredictTheRest(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        int n = 12;
        try (KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            for (int i = 0; i < n; i++) {
                long ts = i % 3 == 0 ? System.currentTimeMillis() + 3_600_000 : System.currentTimeMillis();
                p.send(FrameRecords.record(topics.frames().name(), "cam-" + (i % 2), Frame.of(i, ts, Frames.jpeg(48, 40, i))));
            }
            p.flush();
        }
        int future = n / 3;
        List<ConsumerRecord<String, Prediction>> predictions;
        List<ConsumerRecord<byte[], DeadLetter>> letters;
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            // An age limit far beyond this test's run: only the clock-skew rule can drop a frame here.
            EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model.dir())).withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))))
                .withGroupId(kafka.uniqueName("g")).withMaxFrameAge(Duration.ofMinutes(30));
            try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics)) {
                predictions = StreamingIT.consume(kafka, topics.predictions().name(), new StringDeserializer(), new PredictionDeserializer(),
                    n - future);
                letters = StreamingIT.consume(kafka, topics.deadLetter().name(), new ByteArrayDeserializer(), new DeadLetterDeserializer(), future);
            }
        }
        assertThat(predictions).hasSize(n - future).allSatisfy(r -> assertThat(r.value().seq() % 3).isNotZero());
        assertThat(letters).hasSize(future).allSatisfy(r -> {
            assertThat(r.value().kind()).isEqualTo(ErrorKind.DROPPED);
            assertThat(r.value().error()).contains("in the future", "max-clock-skew");
        });
        System.out.printf("frames from the future: %d of %d dropped (ts an hour ahead), %d predicted%n", letters.size(), n, predictions.size());
    }
}
