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
import io.vggstream.engine.api.Classification;
import io.vggstream.engine.eval.Evaluation;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The same image through classify, evaluate and the streaming path gives the same posterior. */
@ExtendWith(KafkaBrokerExtension.class)
class SamePosteriorIT {

    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    Path dir;

    @Test
    void shouldGiveTheSamePosteriorThroughClassifyEvaluateAndStreaming(LocalKafka kafka) throws Exception {
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            List<byte[]> images = List.of(Frames.jpeg(64, 48, 1), Frames.jpeg(40, 56, 2), Frames.png(33, 33, 3));
            Protocol protocol = Protocol.parse("multi-scale");
            EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model.dir())).withProtocol(protocol)
                .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu")))).withGroupId(kafka.uniqueName("g"));

            double[][] classify = new double[images.size()][];
            try (Engine e = Engine.start(settings, CONFIG)) {
                for (int i = 0; i < images.size(); i++) {
                    classify[i] = ((Classification.Ok) e.classify(images.get(i)).toCompletableFuture().get(60, TimeUnit.SECONDS)).posterior();
                }
            }

            Evaluation.Samples samples = new Evaluation.Samples() {
                public int size() {
                    return images.size();
                }

                public Evaluation.Sample get(int i) {
                    return new Evaluation.Sample(images.get(i), 0);
                }

                public String name() {
                    return "three";
                }
            };
            Evaluation.Run run = Evaluation.run(CONFIG, settings, model.dir(), protocol, samples, i -> { });

            KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
            TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
            try (KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
                for (int i = 0; i < images.size(); i++) {
                    p.send(FrameRecords.record(topics.frames().name(), "s", Frame.of(i, System.currentTimeMillis(), images.get(i))));
                }
                p.flush();
            }
            List<ConsumerRecord<String, Prediction>> streamed;
            try (StreamingEngine s = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics)) {
                streamed = StreamingIT.consume(kafka, topics.predictions().name(), new StringDeserializer(), new PredictionDeserializer(), 3);
            }

            assertThat(streamed).hasSize(3);
            for (ConsumerRecord<String, Prediction> r : streamed) {
                int i = (int) r.value().seq();
                assertThat(run.posteriors()[i]).as("evaluate vs classify, image %d", i)
                    .containsExactly(classify[i], org.assertj.core.data.Offset.offset(1e-6));
                for (Prediction.Ranked top : r.value().top()) {
                    assertThat(top.p()).as("streaming vs classify, image %d class %d", i, top.index())
                        .isCloseTo(classify[i][top.index()], org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
    }
}
