package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.kafka.ConsumerMetrics;
import io.vggstream.engine.model.Model;
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
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.model.VggConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inference slower than {@code max.poll.interval.ms} must not cost the consumer its group
 * membership: the Kafka stage pauses partitions and keeps polling while the inference
 * dispatcher works, so the group rebalances once (the first assignment) and never again.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SlowInferenceIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int MAX_POLL_INTERVAL_MS = 2000;

    @TempDir
    Path dir;

    @Test
    void shouldNotRebalanceWhenOneInferenceBatchOutlastsMaxPollInterval(LocalKafka kafka) throws Exception {
        // A classic consumer that is not polled within max.poll.interval.ms leaves its group.
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(),
            Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Integer.toString(MAX_POLL_INTERVAL_MS)));
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        int n = 8;
        try (KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            for (int i = 0; i < n; i++) {
                p.send(FrameRecords.record(topics.frames().name(), "cam-" + (i % 2), Frame.of(i, System.currentTimeMillis(),
                    Frames.jpeg(320, 240, i))));
            }
            p.flush();
        }
        // Full-width VGG-A on scales of 448 pixels or more: a batch of 8 takes about 3 s at 448 on a quiet 2-core CPU. The
        // scale is calibrated so that a batch takes about three poll intervals on whatever machine runs the test.
        try (TestModels.Exported model = TestModels.export(VggConfig.A, 1.0, 256, 5, dir.resolve("m"), new TrainScale(37, 37))) {
            int q = slowScale(model.dir(), 3 * MAX_POLL_INTERVAL_MS);
            EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model.dir()))
                .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))).withMaxBatchSize(8)
                    .withMaxDelay(Duration.ofMillis(200)))
                .withProtocol(Protocol.parse("single,scales=" + q))
                .withGroupId(kafka.uniqueName("g"))
                // On a loaded machine a batch can take longer than the default 30 s frame-deadline, and the frames would come
                // out as deadline dead letters: this test is about the group, not the deadline.
                .withFrameDeadline(Duration.ofMinutes(10));
            AtomicLong slowestBatchNanos = new AtomicLong();
            List<ConsumerRecord<String, Prediction>> predictions;
            double rebalances;
            try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics)) {
                running.engine().metrics().listener(new EngineMetrics.Listener() {
                    @Override
                    public void latency(EngineMetrics.Stage stage, long nanos) {
                        if (stage == EngineMetrics.Stage.INFERENCE_BATCH) {
                            slowestBatchNanos.accumulateAndGet(nanos, Math::max);
                        }
                    }
                });
                predictions = StreamingIT.consume(kafka, topics.predictions().name(), new StringDeserializer(), new PredictionDeserializer(), n);
                rebalances = metric(running.consumerMetrics(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS),
                    "rebalance-total");
            }
            assertThat(slowestBatchNanos.get()).as("the premise: one batch took longer than max.poll.interval.ms")
                .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(MAX_POLL_INTERVAL_MS));
            assertThat(predictions).hasSize(n);
            assertThat(predictions.stream().map(r -> r.value().seq()).distinct()).hasSize(n);
            assertThat(predictions).allSatisfy(r -> assertThat(r.value().partial()).isFalse());
            assertThat(rebalances).as("rebalances of the frames consumer: the first assignment only").isEqualTo(1.0);
        }
    }

    /**
     * The smallest test scale, from 448 in steps of 32 up to 896, at which one batch of 8 frames of 320x240 (a 4:3
     * input) should take {@code targetMs}: one batch at 448 is timed after a warm-up, and time grows with the area.
     */
    private static int slowScale(Path modelDir, long targetMs) throws Exception {
        int q = 448;
        int w = q * 4 / 3;
        List<float[]> batch = java.util.Collections.nCopies(8, new float[3 * q * w]);
        long nanos;
        try (OrtModel probe = OrtModel.open(Model.load(modelDir), Device.parse("cpu"), Runtime.getRuntime().availableProcessors())) {
            probe.run(batch, q, w, false);
            long t0 = System.nanoTime();
            probe.run(batch, q, w, false);
            nanos = System.nanoTime() - t0;
        }
        double scale = Math.sqrt(TimeUnit.MILLISECONDS.toNanos(targetMs) / (double) nanos);
        int calibrated = Math.min(896, Math.max(448, (int) Math.ceil(q * scale / 32) * 32));
        System.out.printf("SlowInferenceIT: a batch of 8 at Q=448 took %d ms; testing at Q=%d%n", nanos / 1_000_000, calibrated);
        return calibrated;
    }

    private static double metric(Map<MetricName, Metric> metrics, String name) {
        return ConsumerMetrics.coordinator(metrics, name).map(ConsumerMetrics.Reading::value)
            .orElseThrow(() -> new AssertionError("the consumer reports no " + name + ": " + metrics.keySet()));
    }
}
