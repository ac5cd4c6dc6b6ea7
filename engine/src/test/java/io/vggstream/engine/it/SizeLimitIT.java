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
import io.vggstream.topics.RecordFit;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.deadletter.DeadLetter;
import io.vggstream.topics.deadletter.DeadLetterDeserializer;
import io.vggstream.topics.deadletter.ErrorKind;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record at the size limit (the bad-input corpus's "record at the size limit"): a frame whose
 * record is exactly as large as the frames topic accepts is over {@code max-frame-bytes}, and its
 * dead letter (the value plus the reason and source headers) would be over the dead-letter topic's
 * limit. It is dead-lettered with its value's digest instead of the value, the real broker takes
 * that dead letter, and the stream goes on: the good frames around it are predicted.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SizeLimitIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int MAX_FRAME = 256 * 1024;
    private static final int OVERHEAD = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldDeadLetterAFrameAtTheTopicLimitWithItsDigestAndGoOn(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings d = TopicsSettings.from(CONFIG).withNames(kafka.uniqueName("frames"), kafka.uniqueName("predictions"),
            kafka.uniqueName("dlq"));
        TopicsSettings topics = TestTopics.ensured(k, new TopicsSettings(d.frames(), d.predictions(), d.deadLetter(), (short) 1,
            MAX_FRAME, OVERHEAD));
        int limit = topics.maxRecordBytes();

        byte[] atLimit = atTheLimit(limit);
        byte[] justOver = random(MAX_FRAME + 1, 12);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new ByteArraySerializer(),
            new ByteArraySerializer())) {
            send(p, topics, "good", Frames.jpeg(48, 40, 1), 0);
            // The broker and a producer limited to the topic's max.message.bytes take it: RecordFit's bound is not too tight.
            send(p, topics, "cam", atLimit, 1);
            send(p, topics, "good", Frames.jpeg(48, 40, 2), 2);
            send(p, topics, "cam", justOver, 3);
            send(p, topics, "good", Frames.jpeg(48, 40, 3), 4);
        }

        List<ConsumerRecord<String, Prediction>> predictions;
        List<ConsumerRecord<byte[], byte[]>> letters;
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model.dir()))
                .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu")))).withGroupId(kafka.uniqueName("g"));
            try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics)) {
                predictions = StreamingIT.consume(kafka, topics.predictions().name(), new StringDeserializer(),
                    new PredictionDeserializer(), 3);
                letters = StreamingIT.consume(kafka, topics.deadLetter().name(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer(), 2);
            }
        }

        assertThat(predictions).as("the good frames around the large ones").hasSize(3)
            .allSatisfy(r -> assertThat(r.key()).isEqualTo("good"));
        assertThat(letters).hasSize(2);
        ConsumerRecord<byte[], byte[]> big = letters.stream().filter(r -> offset(r) == 1).findFirst().orElseThrow();
        ConsumerRecord<byte[], byte[]> over = letters.stream().filter(r -> offset(r) == 3).findFirst().orElseThrow();

        DeadLetter bigLetter = new DeadLetterDeserializer().deserialize(big.topic(), big.headers(), big.value());
        assertThat(bigLetter.kind()).isEqualTo(ErrorKind.TOO_LARGE);
        assertThat(big.value()).as("the value left out").isNull();
        assertThat(text(big, RecordFit.VALUE_SHA256)).isEqualTo(RecordFit.sha256(atLimit));
        assertThat(text(big, RecordFit.VALUE_SIZE)).isEqualTo(Integer.toString(atLimit.length));
        assertThat(text(big, RecordFit.VALUE_OMITTED)).contains(Integer.toString(limit));
        assertThat(big.key()).isEqualTo(utf8("cam"));
        assertThat(text(big, "seq")).as("the frame's own headers kept").isEqualTo("1");

        // A frame just over max-frame-bytes has room for its dead letter: kept whole, no digest.
        assertThat(over.value()).isEqualTo(justOver);
        assertThat(over.headers().lastHeader(RecordFit.VALUE_OMITTED)).isNull();
        System.out.printf("size limit: a %d-byte frame (record bound %d = the topic's limit %d) dead-lettered with its digest;"
            + " a %d-byte frame dead-lettered whole; %d good frames predicted%n", atLimit.length, limit, limit, justOver.length,
            predictions.size());
    }

    /** A value whose record (key "cam", seq and ts headers) is exactly {@code limit} bytes by RecordFit's bound. */
    private static byte[] atTheLimit(int limit) {
        long rest = RecordFit.sizeUpperBound(utf8("cam"), new byte[0], headers(1));
        byte[] value = random((int) (limit - rest), 11);
        assertThat(RecordFit.sizeUpperBound(utf8("cam"), value, headers(1))).isEqualTo(limit);
        assertThat(value.length).isGreaterThan(MAX_FRAME);
        return value;
    }

    private static void send(KafkaProducer<byte[], byte[]> p, TopicsSettings topics, String key, byte[] value, int seq) throws Exception {
        p.send(new ProducerRecord<>(topics.frames().name(), 0, utf8(key), value, headers(seq))).get();
    }

    private static List<Header> headers(int seq) {
        // A fixed-width ts keeps the record's size independent of the clock.
        String ts = String.format("%013d", System.currentTimeMillis());
        return List.of(new RecordHeader("seq", utf8(Integer.toString(seq))), new RecordHeader("ts", utf8(ts)));
    }

    private static long offset(ConsumerRecord<byte[], byte[]> r) {
        return Long.parseLong(text(r, "source.offset"));
    }

    private static String text(ConsumerRecord<byte[], byte[]> r, String header) {
        Header h = r.headers().lastHeader(header);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
