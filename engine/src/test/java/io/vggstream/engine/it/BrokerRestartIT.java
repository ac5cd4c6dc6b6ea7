package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.KraftBroker;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.testing.DeliveryChecker;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.admin.TopicAdmin;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops mid-stream and comes back on the same data: the engine waits, resumes, and predicts
 * every frame (none dead-lettered), each stream in order, the first answer after the restart included.
 */
class BrokerRestartIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int BURST_END = 660;
    private static final int TOTAL = BURST_END + 30;

    @TempDir
    Path dir;

    @Test
    void shouldPredictEveryFrameInStreamOrderAfterTheBrokerRestarts() throws Exception {
        int port = freePort();
        int controller = freePort();
        KraftBroker.Settings brokerSettings = new KraftBroker.Settings(dir.resolve("kafka"), port, controller, false, Map.of());
        KraftBroker broker = KraftBroker.start(brokerSettings, Duration.ofSeconds(60));
        KafkaSettings k = new KafkaSettings(broker.bootstrapServers(), Map.of());
        TopicsSettings topics = TopicsSettings.from(CONFIG).withNames("frames", "predictions", "dlq");
        try (TopicAdmin admin = TopicAdmin.create(k, topics)) {
            admin.ensure();
        }
        produce(k, topics, 0, 60);
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model.dir())).withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))))
                .withProtocol(Protocol.parse("dense+crops")).withGroupId("engine");
            StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics);
            try {
                await(k, topics, r -> r.answered() >= 10, "10 frames answered before the broker stops");
                // Many more frames just before the stop: however fast the engine (a lone frame no longer waits for a
                // batch), the broker goes away mid-stream.
                produce(k, topics, 60, BURST_END);
                broker.close();
                long during = running.engine().metrics().predictions();
                broker = KraftBroker.start(brokerSettings, Duration.ofSeconds(60));
                produce(k, topics, BURST_END, TOTAL);
                DeliveryChecker.Report r = await(k, topics, x -> x.missing() == 0 && x.inputs() == TOTAL, "every frame answered");
                System.out.printf("broker restart: %s; %d predicted when the broker stopped%n", r, during);
                assertThat(during).as("the premise: frames were still unanswered when the broker stopped").isLessThan(BURST_END);
                assertThat(r.missing()).isZero();
                // Every good frame predicted, not dead-lettered (a frame that timed out while Kafka was away would be).
                assertThat(r.deadLettered()).as("good frames dead-lettered: %s", r).isZero();
                assertThat(r.predicted()).as(r.toString()).isEqualTo(TOTAL);
                assertThat(r.seqs()).as("streams").hasSize(3);
                // At least once: what was answered but not committed when the broker went may be answered again, so a
                // stream may go back once, to its last committed frame, and then on in order; never skip or swap.
                assertThat(r.orderProblems(0, 1)).as("per-stream order of the predictions: %s", r.seqs()).isEmpty();
            } finally {
                running.close();
                broker.close();
            }
        }
    }

    private static void produce(KafkaSettings k, TopicsSettings topics, int from, int to) {
        try (KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            for (int i = from; i < to; i++) {
                p.send(FrameRecords.record(topics.frames().name(), "cam-" + (i % 3), Frame.of(i / 3, System.currentTimeMillis(),
                    Frames.jpeg(48, 40, i))));
            }
            p.flush();
        }
    }

    private static DeliveryChecker.Report await(KafkaSettings k, TopicsSettings topics, java.util.function.Predicate<DeliveryChecker.Report> done,
                                                String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        DeliveryChecker.Report r = null;
        while (System.nanoTime() < deadline) {
            r = DeliveryChecker.check(k.bootstrapServers(), topics.frames().name(), topics.frames().partitions(), topics.predictions().name(),
                topics.deadLetter().name(), false);
            if (done.test(r)) {
                return r;
            }
        }
        throw new AssertionError("not reached within 180 s: " + what + "; " + r);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
