package io.vggstream.video.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionSerializer;
import io.vggstream.video.testing.Predictions;
import io.vggstream.video.testing.Topics;
import io.vggstream.video.watch.WatchOptions;
import io.vggstream.video.watch.WatchSummary;
import io.vggstream.video.watch.Watcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** watch over predictions on the real broker. */
@ExtendWith(KafkaBrokerExtension.class)
class WatchIT {

    private static KafkaProducer<String, Prediction> producer(LocalKafka kafka, TopicsSettings topics) {
        return new KafkaProducer<>(KafkaLimits.producer(Topics.kafka(kafka), topics), new StringSerializer(), new PredictionSerializer());
    }

    @Test
    void shouldReportAccuracyAndLatencyPercentilesWhenPredictionsCarryLabels(LocalKafka kafka) {
        TopicsSettings topics = Topics.create(kafka, 3);
        String t = topics.predictions().name();
        try (KafkaProducer<String, Prediction> p = producer(kafka, topics)) {
            // cam-1: 10 labelled by index, 8 right. cam-2: 10 labelled by name, 7 right. Latencies 1..20 ms.
            for (int i = 0; i < 10; i++) {
                p.send(new ProducerRecord<>(t, "cam-1", Predictions.of("cam-1", i, 1000 + i, 7, "Sneaker", 0.9, i + 1,
                    Optional.of(i < 8 ? "7" : "5"))));
                p.send(new ProducerRecord<>(t, "cam-2", Predictions.of("cam-2", i, 1000 + i, 5, "Sandal", 0.7, i + 11,
                    Optional.of(i < 7 ? "sandal" : "Sneaker"))));
            }
        }
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(KafkaLimits.producer(Topics.kafka(kafka), topics),
            new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(t, "junk".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8)));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        WatchSummary s;
        try (Watcher w = Watcher.open(WatchOptions.defaults().withTopic(t).withFromBeginning(true).withLimit(20), Topics.kafka(kafka), topics)) {
            s = w.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }

        assertThat(s.frames()).isEqualTo(20);
        assertThat(s.labelled()).isEqualTo(20);
        assertThat(s.correct()).isEqualTo(15);
        assertThat(s.accuracy().getAsDouble()).isCloseTo(0.75, within(1e-12));
        assertThat(s.latencyP50()).hasValue(10);
        assertThat(s.latencyP99()).hasValue(20);
        assertThat(s.streams()).extracting(WatchSummary.StreamSummary::stream).containsExactly("cam-1", "cam-2");
        assertThat(s.streams().get(0).accuracy().getAsDouble()).isCloseTo(0.8, within(1e-12));
        assertThat(s.streams().get(1).latencyP50()).hasValue(15);
        assertThat(s.summary()).startsWith("watched 20 predictions of 2 streams in ").contains("accuracy 75.0% (15 of 20 labelled)",
            "latency p50 10 ms, p99 20 ms");
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("cam-1 seq=9 top1=Sneaker p=90.0%", "accuracy=80.0% of 10", "cam-2 seq=9 top1=Sandal")
            .doesNotContain("\033[");
    }

    @Test
    void shouldSeeOnlyWhatComesAfterOpeningWhenNotReadingFromTheBeginning(LocalKafka kafka) {
        TopicsSettings topics = Topics.create(kafka, 2);
        String t = topics.predictions().name();
        try (KafkaProducer<String, Prediction> p = producer(kafka, topics)) {
            for (int i = 0; i < 5; i++) {
                p.send(new ProducerRecord<>(t, "old", Predictions.of("old", i, 0, 1, "a", 0.5, 1, Optional.empty())));
            }
            p.flush();
            try (Watcher w = Watcher.open(WatchOptions.defaults().withTopic(t).withLimit(3).withView(WatchOptions.View.NONE),
                Topics.kafka(kafka), topics)) {
                for (int i = 0; i < 3; i++) {
                    p.send(new ProducerRecord<>(t, "new", Predictions.of("new", i, 0, 1, "a", 0.5, 1, Optional.empty())));
                }
                p.flush();
                WatchSummary s = w.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

                assertThat(s.frames()).isEqualTo(3);
                assertThat(s.streams()).extracting(WatchSummary.StreamSummary::stream).containsExactly("new");
                assertThat(s.accuracy()).isEmpty();
                assertThat(s.summary()).contains(": no labels");
            }
        }
    }

    @Test
    void shouldEndWithAnEmptySummaryWhenTheDurationPassesWithoutPredictions(LocalKafka kafka) {
        TopicsSettings topics = Topics.create(kafka, 1);

        try (Watcher w = Watcher.open(WatchOptions.defaults().withDuration(Duration.ofMillis(300)).withView(WatchOptions.View.NONE),
            Topics.kafka(kafka), topics)) {
            WatchSummary s = w.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

            assertThat(s.frames()).isZero();
            assertThat(s.seconds()).isGreaterThanOrEqualTo(0.3);
            assertThat(s.latencyP50()).isEmpty();
        }
    }
}
