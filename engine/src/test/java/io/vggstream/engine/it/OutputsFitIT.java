package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.kafka.OutputLimits;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.RecordFit;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters fit the dead-letter topic as it really is: a topic created with a {@code max.message.bytes}
 * far under the contract's limit (which the producer's {@code max.request.size} follows) is read at start,
 * and a dead letter is fitted to it. The same bad frame is answered three times, by three groups into three
 * dead-letter topics: under the contract's limit (its dead letter whole: its size by RecordFit's bound is B),
 * with the topic's limit exactly B (still whole, and the broker takes it) and with B - 1 (its digest instead
 * of its value). Each time the stream goes on: the good frames around it are predicted.
 */
@ExtendWith(KafkaBrokerExtension.class)
class OutputsFitIT {

    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    Path dir;

    @Test
    void shouldFitADeadLetterToTheDeadLetterTopicsOwnLimitExactlyAtItAndOneByteOver(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        // Not an image: a dead letter carrying the frame's 20,000 bytes, far under the contract's limit.
        byte[] bad = new byte[20_000];
        new Random(16).nextBytes(bad);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new ByteArraySerializer(),
                 new ByteArraySerializer())) {
            send(p, topics, Frames.jpeg(48, 40, 0), 0);
            send(p, topics, bad, 1);
            send(p, topics, Frames.jpeg(48, 40, 2), 2);
        }
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            ConsumerRecord<byte[], byte[]> whole = answer(kafka, k, topics, topics.deadLetter().name(), "contract", model);
            assertThat(whole.value()).as("under the contract's limit: whole").isEqualTo(bad);
            long b = RecordFit.sizeUpperBound(whole.key(), whole.value(), whole.headers());

            String atLimit = deadLetterTopic(kafka, k, "dlq-at", b);
            assertThat(OutputLimits.read(k, topics, List.of(atLimit, topics.predictions().name())).limit(atLimit))
                .as("the topic's own limit, read from the cluster").isEqualTo(b);
            ConsumerRecord<byte[], byte[]> at = answer(kafka, k, topics, atLimit, "at", model);
            assertThat(at.value()).as("exactly at the topic's limit: whole, and the broker took it").isEqualTo(bad);
            assertThat(RecordFit.sizeUpperBound(at.key(), at.value(), at.headers())).isEqualTo(b);

            String overLimit = deadLetterTopic(kafka, k, "dlq-over", b - 1);
            ConsumerRecord<byte[], byte[]> over = answer(kafka, k, topics, overLimit, "over", model);
            assertThat(over.value()).as("one byte over the topic's limit: the value left out").isNull();
            assertThat(text(over, RecordFit.VALUE_SHA256)).isEqualTo(RecordFit.sha256(bad));
            assertThat(text(over, RecordFit.VALUE_SIZE)).isEqualTo(Integer.toString(bad.length));
            assertThat(text(over, RecordFit.VALUE_OMITTED)).contains(Long.toString(b - 1));
            assertThat(RecordFit.sizeUpperBound(over.key(), over.value(), over.headers())).isLessThanOrEqualTo(b - 1);
            System.out.printf("outputs fit: a dead letter of %d bytes (bound) whole in a topic of max.message.bytes %d, with its digest"
                + " (%d bytes) in one of %d; the contract's limit is %d%n", b, b, RecordFit.sizeUpperBound(over.key(), over.value(),
                over.headers()), b - 1, topics.maxRecordBytes());
        }
    }

    /**
     * Runs the engine on the frames into {@code deadLetters}, under a group and predictions topic of the run's own: the bad
     * frame's dead letter, once the good ones are predicted.
     */
    private static ConsumerRecord<byte[], byte[]> answer(LocalKafka kafka, KafkaSettings k, TopicsSettings topics, String deadLetters,
                                                         String run, TestModels.Exported model) throws Exception {
        TopicsSettings these = topics.withNames(topics.frames().name(), topic(k, kafka.uniqueName("predictions-" + run), null), deadLetters);
        EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model.dir()))
            .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu")))).withGroupId(kafka.uniqueName("g-" + run));
        try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, these)) {
            assertThat(StreamingIT.consume(kafka, these.predictions().name(), new StringDeserializer(), new PredictionDeserializer(), 2))
                .as("the good frames around the bad one").hasSize(2);
            List<ConsumerRecord<byte[], byte[]>> letters = StreamingIT.consume(kafka, deadLetters, new ByteArrayDeserializer(),
                new ByteArrayDeserializer(), 1);
            assertThat(letters).hasSize(1);
            return letters.get(0);
        }
    }

    /** A dead-letter topic created with {@code max.message.bytes} = {@code limit}. */
    private static String deadLetterTopic(LocalKafka kafka, KafkaSettings k, String name, long limit) throws Exception {
        return topic(k, kafka.uniqueName(name), limit);
    }

    /** Creates a topic of one partition, with {@code max.message.bytes} = {@code limit} when given. */
    private static String topic(KafkaSettings k, String topic, Long limit) throws Exception {
        try (Admin admin = Admin.create(KafkaLimits.admin(k))) {
            NewTopic t = new NewTopic(topic, 1, (short) 1);
            if (limit != null) {
                t.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(limit)));
            }
            admin.createTopics(List.of(t)).all().get(60, TimeUnit.SECONDS);
        }
        return topic;
    }

    private static void send(KafkaProducer<byte[], byte[]> p, TopicsSettings topics, byte[] value, int seq) throws Exception {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.frames().name(), 0, utf8("cam"), value);
        r.headers().add("seq", utf8(Integer.toString(seq)));
        // A fixed ts keeps the dead letter's size the same in every run.
        r.headers().add("ts", utf8("1700000000000"));
        p.send(r).get();
    }

    private static String text(ConsumerRecord<byte[], byte[]> r, String header) {
        Header h = r.headers().lastHeader(header);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
