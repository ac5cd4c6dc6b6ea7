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
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.deadletter.DeadLetter;
import io.vggstream.topics.deadletter.DeadLetterDeserializer;
import io.vggstream.topics.deadletter.ErrorKind;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Kafka in, engine, Kafka out: a real broker, a real exported model, the contract end to end. */
@ExtendWith(KafkaBrokerExtension.class)
class StreamingIT {

    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    static Path dir;

    private static TestModels.Exported model;

    @BeforeAll
    static void exportModel() {
        model = TestModels.export(dir.resolve("fmnist-a"));
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void shouldAnswerEveryFrameOnceInStreamOrderAndCommitItsOffsetWithNoDuplicateUntilTheEnd(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        int perStream = 15;
        List<String> streams = List.of("cam-1", "cam-2", "cam-3");
        long t0 = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaLimits.producer(k, topics),
            new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int seq = 0; seq < perStream; seq++) {
                for (String s : streams) {
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.frames().name(), utf8(s),
                        Frames.jpeg(48, 40, seq * 31L + s.hashCode()));
                    r.headers().add("seq", utf8(Integer.toString(seq))).add("ts", utf8(Long.toString(t0 + seq)))
                        .add("label", utf8(Integer.toString(seq % TestModels.CLASSES)));
                    producer.send(r);
                }
            }
            ProducerRecord<byte[], byte[]> garbled = new ProducerRecord<>(topics.frames().name(), utf8("cam-1"), utf8("garbage"));
            garbled.headers().add("seq", utf8("99")).add("ts", utf8("1"));
            producer.send(garbled);
            ProducerRecord<byte[], byte[]> noSeq = new ProducerRecord<>(topics.frames().name(), utf8("cam-2"), Frames.jpeg(40, 40, 1));
            noSeq.headers().add("ts", utf8("1"));
            producer.send(noSeq);
            producer.flush();
        }
        int good = perStream * streams.size();

        EngineSettings settings = EngineSettings.from(CONFIG)
            .withModels(List.of(model.dir()))
            .withProtocol(Protocol.parse("single"))
            .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))))
            .withGroupId(kafka.uniqueName("engine"));
        List<ConsumerRecord<String, Prediction>> predictions;
        List<ConsumerRecord<byte[], DeadLetter>> letters;
        try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics)) {
            consume(kafka, topics.predictions().name(), new StringDeserializer(), new PredictionDeserializer(), good);
            consume(kafka, topics.deadLetter().name(), new ByteArrayDeserializer(), new DeadLetterDeserializer(), 2);
            assertThat(running.engine().metrics().predictions()).isEqualTo(good);
        }
        // The engine has drained and stopped: everything it will ever write is in the topics. Reading them to their end
        // offsets finds a duplicate however late it was written, not only within a time window.
        predictions = readToEnd(kafka, topics.predictions().name(), new StringDeserializer(), new PredictionDeserializer());
        letters = readToEnd(kafka, topics.deadLetter().name(), new ByteArrayDeserializer(), new DeadLetterDeserializer());

        assertThat(predictions).hasSize(good);
        Map<String, List<Prediction>> byStream = predictions.stream().map(ConsumerRecord::value)
            .collect(Collectors.groupingBy(Prediction::stream));
        assertThat(byStream.keySet()).containsExactlyInAnyOrderElementsOf(streams);
        for (String s : streams) {
            assertThat(byStream.get(s)).extracting(Prediction::seq).as("stream %s in seq order, each once", s)
                .containsExactly(java.util.stream.LongStream.range(0, perStream).boxed().toArray(Long[]::new));
        }
        for (ConsumerRecord<String, Prediction> r : predictions) {
            Prediction p = r.value();
            assertThat(r.key()).isEqualTo(p.stream());
            assertThat(p.ts()).isEqualTo(t0 + p.seq());
            assertThat(p.label()).contains(Long.toString(p.seq() % TestModels.CLASSES));
            assertThat(p.source().topic()).isEqualTo(topics.frames().name());
            assertThat(p.top()).hasSize(5);
            assertThat(p.top().get(0).p()).isGreaterThanOrEqualTo(p.top().get(4).p());
            assertThat(p.top().get(0).label()).isEqualTo("class" + p.top().get(0).index());
            assertThat(p.models()).containsExactly("fmnist-a");
            assertThat(p.protocol().scales()).containsExactly(37);
            assertThat(p.protocol().flips()).isTrue();
            assertThat(p.protocol().crops()).isZero();
            assertThat(p.latencyMs().engine()).isPositive();
            assertThat(p.partial()).isFalse();
            // The video-level result is fused in stream order: frame n rests on n + 1 frames.
            assertThat(p.video()).hasValueSatisfying(v -> {
                assertThat(v.method()).isEqualTo("ema");
                assertThat(v.frames()).isEqualTo(p.seq() + 1);
                assertThat(v.top()).hasSize(5);
            });
            if (p.seq() == 0) {
                assertThat(p.video().get().top()).isEqualTo(p.top());
            }
        }
        assertThat(predictions.stream().map(r -> r.value().source().partition() + "@" + r.value().source().offset()).distinct())
            .as("one prediction per source offset").hasSize(good);

        assertThat(letters).extracting(r -> r.value().kind()).containsExactlyInAnyOrder(ErrorKind.DECODE, ErrorKind.BAD_HEADER);
        DeadLetter decode = letters.stream().map(ConsumerRecord::value).filter(l -> l.kind() == ErrorKind.DECODE).findFirst().orElseThrow();
        assertThat(decode.value()).isEqualTo(utf8("garbage"));
        assertThat(decode.sourceTopic()).isEqualTo(topics.frames().name());
        assertThat(decode.originalHeaders()).extracting(h -> h.key()).contains("seq", "ts");

        // Every offset was committed after its answer: the group's position is the end of each partition.
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(settings.groupId())
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < topics.frames().partitions(); p++) {
                latest.put(new TopicPartition(topics.frames().name(), p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            for (var e : ends.entrySet()) {
                if (e.getValue().offset() > 0) {
                    assertThat(committed.get(e.getKey())).as("committed offset of %s", e.getKey()).isNotNull();
                    assertThat(committed.get(e.getKey()).offset()).as("committed offset of %s", e.getKey()).isEqualTo(e.getValue().offset());
                }
            }
        }
    }

    /**
     * Reads {@code topic} from the beginning until {@code n} records (and a moment more, so that
     * any beyond n, a duplicate, shows). Assigned partitions, no group: a reader starved of CPU
     * cannot be rebalanced into reading records twice.
     */
    static <K, V> List<ConsumerRecord<K, V>> consume(LocalKafka kafka, String topic, Deserializer<K> kd, Deserializer<V> vd, int n) {
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> c = TestTopics.fromStart(kafka.bootstrapServers(), topic, kd, vd)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            c.poll(Duration.ofMillis(1500)).forEach(out::add);
        }
        return out;
    }

    /**
     * Reads every record of {@code topic}, from its start to the end offsets it has now: for after the
     * writer has stopped, when those are all it will ever hold.
     */
    static <K, V> List<ConsumerRecord<K, V>> readToEnd(LocalKafka kafka, String topic, Deserializer<K> kd, Deserializer<V> vd) {
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> c = TestTopics.fromStart(kafka.bootstrapServers(), topic, kd, vd)) {
            Map<TopicPartition, Long> ends = c.endOffsets(c.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ends.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue()) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            assertThat(ends).as("%s read to its end offsets", topic).allSatisfy((tp, end) -> assertThat(c.position(tp)).isEqualTo(end));
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
