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
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.testing.DeliveryChecker;
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
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.model.VggConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replacing a model's files while frames stream: the engine switches to the new model once it is
 * loaded and warmed, no frame fails; a corrupt replacement is refused and the model before it
 * keeps serving.
 */
@ExtendWith(KafkaBrokerExtension.class)
class HotSwapIT {

    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    Path dir;

    @Test
    void shouldSwapInAReplacedModelWithoutAFailedFrameAndRefuseACorruptOne(LocalKafka kafka) throws Exception {
        byte[] probe = Frames.jpeg(48, 40, 99);
        try (TestModels.Exported a = TestModels.export(VggConfig.A, 1, dir.resolve("a"), new TrainScale(37, 37));
             TestModels.Exported b = TestModels.export(VggConfig.A, 2, dir.resolve("b"), new TrainScale(37, 37))) {
            EngineSettings base = EngineSettings.from(CONFIG).withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))));
            double pa = topOf(base, a.dir(), probe);
            double pb = topOf(base, b.dir(), probe);
            assertThat(Math.abs(pa - pb)).as("the two models must tell apart").isGreaterThan(1e-3);

            Path serving = dir.resolve("serving");
            Files.createDirectories(serving);
            replace(a.dir(), serving);
            KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
            TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
            EngineSettings settings = base.withModels(List.of(serving)).withGroupId(kafka.uniqueName("g"))
                .withModelWatchInterval(Duration.ofMillis(200));
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.uniqueName("reader"));
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics);
                 KafkaProducer<String, Frame> producer = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(),
                     new FrameSerializer());
                 KafkaConsumer<String, Prediction> reader = new KafkaConsumer<>(props, new StringDeserializer(), new PredictionDeserializer())) {
                reader.subscribe(List.of(topics.predictions().name()));
                long[] seq = {0};
                double[] last = {-1};
                BooleanSupplier step = () -> {
                    producer.send(FrameRecords.record(topics.frames().name(), "cam", Frame.of(seq[0]++, System.currentTimeMillis(), probe)));
                    producer.flush();
                    reader.poll(Duration.ofMillis(100)).forEach(r -> last[0] = r.value().top().get(0).p());
                    return true;
                };
                streamUntil(step, () -> Math.abs(last[0] - pa) < 1e-6, "predictions from model a");

                replace(b.dir(), serving);
                streamUntil(step, () -> Math.abs(last[0] - pb) < 1e-6, "predictions from the replacement b");
                assertThat(running.engine().metrics().modelSwaps()).isEqualTo(1);

                Path corrupt = dir.resolve("corrupt");
                Files.createDirectories(corrupt);
                Files.write(corrupt.resolve("model.onnx"), new byte[] {8, 1, 18, 3, 'b', 'a', 'd'});
                Files.copy(b.dir().resolve("model.json"), corrupt.resolve("model.json"));
                replace(corrupt, serving);
                streamUntil(step, () -> running.engine().metrics().refusedModels() == 1, "the corrupt replacement refused");
                long before = seq[0];
                streamUntil(step, () -> seq[0] >= before + 10, "ten more frames");
                streamUntil(step, () -> running.engine().metrics().predictions() >= seq[0], "every frame predicted");
                assertThat(Math.abs(last[0] - pb)).as("b still serves").isLessThan(1e-6);
                assertThat(running.engine().metrics().deadLetters()).as("no frame failed through the swaps").isZero();
            }
            DeliveryChecker.Report r = DeliveryChecker.check(kafka.bootstrapServers(), topics.frames().name(), topics.frames().partitions(),
                topics.predictions().name(), topics.deadLetter().name(), false);
            assertThat(r.missing()).isZero();
            assertThat(r.deadLetters()).isZero();
            System.out.println("hot swap: " + r);
        }
    }

    @Test
    void shouldDescribeAPredictionWithTheCardOfTheModelSwappedIn(LocalKafka kafka) throws Exception {
        byte[] probe = Frames.jpeg(48, 40, 7);
        // Same crop and classes, another training scale: under `single` the test scale Q is the card's S.
        try (TestModels.Exported a = TestModels.export(VggConfig.A, 1, dir.resolve("a"), new TrainScale(37, 37));
             TestModels.Exported b = TestModels.export(VggConfig.A, 2, dir.resolve("b"), new TrainScale(45, 45))) {
            Path serving = dir.resolve("serving");
            Files.createDirectories(serving);
            replace(a.dir(), serving);
            KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
            TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
            EngineSettings settings = EngineSettings.from(CONFIG).withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu")))).withModels(List.of(serving))
                .withGroupId(kafka.uniqueName("g")).withModelWatchInterval(Duration.ofMillis(200));
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.uniqueName("reader"));
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics);
                 KafkaProducer<String, Frame> producer = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(),
                     new FrameSerializer());
                 KafkaConsumer<String, Prediction> reader = new KafkaConsumer<>(props, new StringDeserializer(), new PredictionDeserializer())) {
                reader.subscribe(List.of(topics.predictions().name()));
                long[] seq = {0};
                Prediction[] last = {null};
                BooleanSupplier step = () -> {
                    producer.send(FrameRecords.record(topics.frames().name(), "cam", Frame.of(seq[0]++, System.currentTimeMillis(), probe)));
                    producer.flush();
                    reader.poll(Duration.ofMillis(100)).forEach(r -> last[0] = r.value());
                    return true;
                };
                streamUntil(step, () -> last[0] != null, "a prediction from model a");
                assertThat(last[0].protocol().scales()).isEqualTo(List.of(37));

                replace(b.dir(), serving);
                streamUntil(step, () -> running.engine().metrics().modelSwaps() == 1, "the replacement b swapped in");
                long swapped = seq[0];
                // A frame sent after the swap is inferred at b's scale, and its prediction must say so.
                streamUntil(step, () -> last[0] != null && last[0].seq() > swapped, "a prediction of a frame sent after the swap");
                assertThat(last[0].protocol().scales()).as("the scales of the model that answered").isEqualTo(List.of(45));
            }
        }
    }

    private static double topOf(EngineSettings base, Path model, byte[] image) throws Exception {
        try (Engine e = Engine.start(base.withModels(List.of(model)).withModelWatchInterval(Duration.ZERO), CONFIG)) {
            return ((Classification.Ok) e.classify(image).toCompletableFuture().get(60, TimeUnit.SECONDS)).top().get(0).p();
        }
    }

    /** Moves a model's files into place the way a deployment should: written beside, then renamed. */
    private static void replace(Path from, Path to) throws Exception {
        // Both copied first, then renamed back to back: a slow copy between the two renames would let the watcher see a
        // new card beside the old graph.
        for (String f : List.of("model.json", "model.onnx")) {
            Files.copy(from.resolve(f), to.resolve(f + ".incoming"), StandardCopyOption.REPLACE_EXISTING);
        }
        for (String f : List.of("model.json", "model.onnx")) {
            Files.move(to.resolve(f + ".incoming"), to.resolve(f), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void streamUntil(BooleanSupplier step, BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 120 s: " + what);
            }
            step.getAsBoolean();
        }
    }
}
