package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.Engine;
import io.vggstream.engine.EngineSettings;
import io.vggstream.engine.StreamingEngine;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Over its latency budget, the engine steps the protocol down the ladder; every prediction names its protocol. */
@ExtendWith(KafkaBrokerExtension.class)
class DegradationIT {

    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    Path dir;

    @Test
    void shouldStepDownTheLadderWhenOverBudgetAndSayWhichProtocolAnswered(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            // A budget no frame can meet: the engine must walk down every rung, one per cooldown.
            EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model.dir())).withDevices(List.of(Device.parse("cpu")))
                .withGroupId(kafka.uniqueName("g")).withProtocol(Protocol.parse("dense+crops"))
                .withDegrade(new EngineSettings.Degrade(true, Duration.ofNanos(1),
                    List.of(Protocol.parse("dense+crops"), Protocol.parse("multi-scale"), Protocol.parse("single"),
                        Protocol.parse("single,flips=off")), Duration.ofMillis(300)));
            List<ConsumerRecord<String, Prediction>> predictions = new ArrayList<>();
            List<Protocol> levels;
            int n = 0;
            try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics);
                 KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer());
                 KafkaConsumer<String, Prediction> c = TestTopics.fromStart(kafka.bootstrapServers(), topics.predictions().name(), new StringDeserializer(), new PredictionDeserializer())) {
                levels = running.engine().levels();
                // One frame at a time, each answered before the next, until the last rung answers: however fast the
                // machine, the engine sees load for as many cooldowns as it needs (a fixed count was too few on a fast
                // one), and each step is taken between two frames, so every rung answers at least one.
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                while (!lastRungAnswered(predictions) && System.nanoTime() < deadline) {
                    p.send(FrameRecords.record(topics.frames().name(), "cam", Frame.of(n, System.currentTimeMillis(), Frames.jpeg(48, 40, n))));
                    p.flush();
                    n++;
                    while (predictions.size() < n && System.nanoTime() < deadline) {
                        c.poll(Duration.ofMillis(200)).forEach(predictions::add);
                    }
                }
            }
            assertThat(levels).extracting(Protocol::toString).containsExactly("dense+crops", "multi-scale", "single", "single,flips=off");
            assertThat(predictions).hasSize(n);
            List<String> used = predictions.stream().map(r -> r.value().protocol().name()).distinct().toList();
            assertThat(used).as("protocols in the order they were used").containsExactly(
                "dense+crops", "multi-scale", "single", "single,flips=off");
            Prediction last = predictions.get(n - 1).value();
            assertThat(last.protocol().flips()).isFalse();
            assertThat(last.protocol().scales()).containsExactly(37);
            assertThat(new LinkedHashSet<>(predictions.stream().map(r -> r.value().protocol().crops()).toList())).containsExactly(25, 0);
        }
    }

    private static boolean lastRungAnswered(List<ConsumerRecord<String, Prediction>> predictions) {
        return !predictions.isEmpty() && predictions.get(predictions.size() - 1).value().protocol().name().equals("single,flips=off");
    }
}
