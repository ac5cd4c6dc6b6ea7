package io.vggstream.topics.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.config.StrictConfig;
import io.vggstream.topics.deadletter.DeadLetter;
import io.vggstream.topics.deadletter.DeadLetterDeserializer;
import io.vggstream.topics.deadletter.DeadLetterSerializer;
import io.vggstream.topics.deadletter.ErrorKind;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameDeserializer;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import io.vggstream.topics.testing.Images;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class FrameRoundTripIT {

    private static final TopicsSettings TOPICS = TopicsSettings.from(StrictConfig.load(Optional.empty()));

    @Test
    void shouldReadFrameProducedByPlainKafkaClientsThroughOurDeserializer(LocalKafka kafka) {
        String topic = kafka.createTopic("frames", 1, TOPICS.topicConfigs(TOPICS.frames()));
        byte[] jpeg = Images.jpeg(640, 480);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
            producerProps(kafka), new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, "cam-1", jpeg);
            r.headers().add("seq", utf8("17")).add("ts", utf8("1700000000042")).add("label", utf8("Ankle boot"))
                .add("content-type", utf8("image/jpeg"));
            producer.send(r);
            producer.flush();
        }
        List<ConsumerRecord<String, Frame>> got = consume(kafka, topic, new StringDeserializer(), new FrameDeserializer(), 1);

        assertThat(got).hasSize(1);
        assertThat(got.get(0).key()).isEqualTo("cam-1");
        Frame f = got.get(0).value();
        assertThat(f.seq()).isEqualTo(17);
        assertThat(f.ts()).isEqualTo(1_700_000_000_042L);
        assertThat(f.label()).contains("Ankle boot");
        assertThat(f.contentType()).contains("image/jpeg");
        assertThat(f.image()).isEqualTo(jpeg);
    }

    @Test
    void shouldCarryAnEightMebibyteFrameWithTheContractLimits(LocalKafka kafka) {
        String topic = kafka.createTopic("frames", 1, TOPICS.topicConfigs(TOPICS.frames()));
        byte[] big = new byte[TOPICS.maxFrameBytes()];
        new Random(7).nextBytes(big);
        Frame frame = Frame.of(1, 2, big);
        try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(
            producerProps(kafka), new StringSerializer(), new FrameSerializer())) {
            producer.send(FrameRecords.record(topic, "big", frame));
            producer.flush();
        }
        List<ConsumerRecord<String, Frame>> got = consume(kafka, topic, new StringDeserializer(), new FrameDeserializer(), 1);
        assertThat(got.get(0).value()).isEqualTo(frame);
    }

    @Test
    void shouldDeadLetterABrokenFrameWithItsSourceOffsetAndOriginalBytes(LocalKafka kafka) {
        String frames = kafka.createTopic("frames", 1, TOPICS.topicConfigs(TOPICS.frames()));
        String dlq = kafka.createTopic("dlq", 1, TOPICS.topicConfigs(TOPICS.deadLetter()));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
            producerProps(kafka), new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> ok = new ProducerRecord<>(frames, utf8("s"), Images.png(8, 8));
            ok.headers().add("seq", utf8("1")).add("ts", utf8("2"));
            ProducerRecord<byte[], byte[]> bad = new ProducerRecord<>(frames, utf8("s"), utf8("junk"));
            bad.headers().add("seq", utf8("two")).add("ts", utf8("2"));
            producer.send(ok);
            producer.send(bad);
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> raw = consume(kafka, frames, new ByteArrayDeserializer(), new ByteArrayDeserializer(), 2);
        assertThat(FrameRecords.parse(raw.get(0), TOPICS.maxFrameBytes())).isInstanceOf(FrameRecords.Parsed.Valid.class);
        var invalid = (FrameRecords.Parsed.Invalid) FrameRecords.parse(raw.get(1), TOPICS.maxFrameBytes());

        try (KafkaProducer<byte[], DeadLetter> producer = new KafkaProducer<>(
            producerProps(kafka), new ByteArraySerializer(), new DeadLetterSerializer())) {
            producer.send(DeadLetter.of(raw.get(1), invalid).toRecord(dlq, raw.get(1).key()));
            producer.flush();
        }
        List<ConsumerRecord<byte[], DeadLetter>> letters = consume(kafka, dlq, new ByteArrayDeserializer(), new DeadLetterDeserializer(), 1);
        DeadLetter letter = letters.get(0).value();
        assertThat(letters.get(0).key()).isEqualTo(utf8("s"));
        assertThat(letter.kind()).isEqualTo(ErrorKind.BAD_HEADER);
        assertThat(letter.error()).contains("'seq'");
        assertThat(letter.sourceTopic()).isEqualTo(frames);
        assertThat(letter.sourceOffset()).isEqualTo(1);
        assertThat(letter.value()).isEqualTo(utf8("junk"));
        assertThat(letter.originalHeaders()).extracting(h -> h.key()).containsExactly("seq", "ts");
    }

    private static Map<String, Object> producerProps(LocalKafka kafka) {
        return KafkaLimits.producer(new KafkaSettings(kafka.bootstrapServers(), Map.of()), TOPICS);
    }

    static <K, V> List<ConsumerRecord<K, V>> consume(LocalKafka kafka, String topic, Deserializer<K> k, Deserializer<V> v, int n) {
        Map<String, Object> props = new HashMap<>(KafkaLimits.consumer(new KafkaSettings(kafka.bootstrapServers(), Map.of()), TOPICS));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, k, v)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
