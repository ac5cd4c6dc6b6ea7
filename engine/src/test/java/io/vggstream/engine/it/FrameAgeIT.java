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
 * Frames older than max-frame-age are answered with a "dropped" dead letter, not inferred, and
 * counted; fresh ones are predicted; the engine never holds more than max-in-flight frames.
 */
@ExtendWith(KafkaBrokerExtension.class)
class FrameAgeIT {

    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    Path dir;

    @Test
    void shouldDropFramesOlderThanMaxFrameAgeAndPredictTheRest(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        int n = 60;
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            for (int i = 0; i < n; i++) {
                // Every third frame was captured an hour ago: far behind any live stream.
                long ts = i % 3 == 0 ? now - 3_600_000 : System.currentTimeMillis();
                p.send(FrameRecords.record(topics.frames().name(), "cam-" + (i % 4), Frame.of(i, ts, Frames.jpeg(48, 40, i))));
            }
            p.flush();
        }
        int old = n / 3;
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model.dir())).withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))))
                .withGroupId(kafka.uniqueName("g")).withMaxFrameAge(Duration.ofMinutes(10));
            List<ConsumerRecord<String, Prediction>> predictions;
            List<ConsumerRecord<byte[], DeadLetter>> letters;
            long maxInFlight;
            long dropped;
            try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics)) {
                predictions = StreamingIT.consume(kafka, topics.predictions().name(), new StringDeserializer(), new PredictionDeserializer(), n - old);
                letters = StreamingIT.consume(kafka, topics.deadLetter().name(), new ByteArrayDeserializer(), new DeadLetterDeserializer(), old);
                maxInFlight = running.engine().metrics().maxInFlightSeen();
                dropped = running.engine().metrics().dropped();
            }
            assertThat(predictions).hasSize(n - old);
            assertThat(predictions).allSatisfy(r -> assertThat(r.value().seq() % 3).isNotZero());
            assertThat(letters).hasSize(old);
            assertThat(letters).allSatisfy(r -> {
                assertThat(r.value().kind()).isEqualTo(ErrorKind.DROPPED);
                assertThat(r.value().error()).contains("max-frame-age");
            });
            assertThat(dropped).isEqualTo(old);
            assertThat(maxInFlight).isLessThanOrEqualTo(settings.maxInFlight());
        }
    }
}
