package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.kafka.KafkaPipe;
import io.vggstream.engine.testing.ChildEngine;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.deadletter.DeadLetter;
import io.vggstream.topics.deadletter.DeadLetterDeserializer;
import io.vggstream.topics.deadletter.ErrorKind;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison-pill protection with a frame that kills the engine process (the test hook: a header that
 * ends the process when the hook's system property is set): it kills the engine twice (once among
 * many frames in flight, once alone in probation) and is then dead-lettered as {@code poison} by
 * whichever instance gets it next; every other frame, those before it included, is predicted.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PoisonPillIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int FRAMES = 12;
    private static final long POISON = 5;
    /** The hook on; a dead instance leaves the group after 6 s (the broker's least session timeout), not 45 s. */
    private static final List<String> JVM = List.of("-D" + KafkaPipe.KILL_HOOK + "=true",
        "-Dvggstream.kafka.clients.session.timeout.ms=6000", "-Dvggstream.kafka.clients.heartbeat.interval.ms=1000");

    @TempDir
    Path dir;

    private final List<ChildEngine> children = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        children.forEach(ChildEngine::close);
    }

    @Test
    void shouldDeadLetterAFrameThatKilledTheEngineTwiceWhenTheEngineRestarts(LocalKafka kafka) throws Exception {
        Setup s = setUp(kafka);
        produce(kafka, s.topics());
        ChildEngine first = start(s, "first");
        assertThat(diedOfThePoison(first)).as("first death, frames in flight: %s", first.log()).isTrue();
        ChildEngine second = start(s, "second");
        assertThat(diedOfThePoison(second)).as("second death, the poison alone in probation: %s", second.log()).isTrue();
        assertThat(second.log()).contains("processing offsets 0..");
        ChildEngine third = start(s, "third");
        Outcome o = awaitAnswers(kafka, s.topics());
        assertOnlyThePoisonDeadLettered(o, third);
        assertThat(third.terminate(120)).as(third.log()).isZero();
        report("restarts", List.of(first, second, third), o);
    }

    @Test
    void shouldDeadLetterAFrameThatKilledTwoInstancesWhenAThirdTakesItOver(LocalKafka kafka) throws Exception {
        Setup s = setUp(kafka);
        // Two instances in one group; the frames topic has one partition: one owns it, the other takes it over when it dies.
        ChildEngine a = start(s, "a");
        ChildEngine b = start(s, "b");
        // The frames come once the group has settled, so that the first death is the owner's, not one amid a rebalance.
        a.awaitLog("partitions assigned", Duration.ofSeconds(120));
        b.awaitLog("partitions assigned", Duration.ofSeconds(120));
        produce(kafka, s.topics());
        assertThat(a.process().waitFor(180, TimeUnit.SECONDS) && b.process().waitFor(180, TimeUnit.SECONDS))
            .as("both instances died: a %s%nb %s", a.log(), b.log()).isTrue();
        assertThat(List.of(a.process().exitValue(), b.process().exitValue())).containsOnly(KafkaPipe.KILL_EXIT_CODE);
        assertThat(a.log() + b.log()).as("the one that took over put the partition on probation").contains("processing offsets");
        ChildEngine c = start(s, "c");
        Outcome o = awaitAnswers(kafka, s.topics());
        assertOnlyThePoisonDeadLettered(o, c);
        assertThat(c.log()).contains("poison pill:");
        assertThat(c.terminate(120)).as(c.log()).isZero();
        report("two instances and a third", List.of(a, b, c), o);
    }

    /** What the guard did, from each instance's output. */
    private static void report(String test, List<ChildEngine> engines, Outcome o) {
        System.out.println("poison pill, " + test + ": answers by offset " + o.answers());
        for (int i = 0; i < engines.size(); i++) {
            ChildEngine e = engines.get(i);
            int n = i;
            e.log().lines().filter(l -> l.contains("poison") || l.contains("test hook"))
                .forEach(l -> System.out.println("  instance " + n + " (exit " + e.process().exitValue() + "): " + l));
        }
    }

    private record Setup(TopicsSettings topics, List<String> args) {
    }

    /** A frames topic of one partition, a model, the engine's arguments. */
    private Setup setUp(LocalKafka kafka) {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG, 1);
        TestModels.Exported model = TestModels.export(dir.resolve("m"));
        model.close();
        List<String> args = List.of(kafka.bootstrapServers(), topics.frames().name(), topics.predictions().name(),
            topics.deadLetter().name(), kafka.uniqueName("engine"), model.dir().toString(), "single", "at-least-once", kafka.uniqueName("txn"));
        return new Setup(topics, args);
    }

    /** FRAMES frames of one stream, the one at offset POISON carrying the kill header. */
    private static void produce(LocalKafka kafka, TopicsSettings topics) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        try (KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            for (int seq = 0; seq < FRAMES; seq++) {
                ProducerRecord<String, Frame> r = FrameRecords.record(topics.frames().name(), "cam-0",
                    Frame.of(seq, System.currentTimeMillis(), Frames.jpeg(48, 40, seq)));
                if (seq == POISON) {
                    r.headers().add(KafkaPipe.KILL_HEADER, "1".getBytes(StandardCharsets.UTF_8));
                }
                p.send(r).get();
            }
        }
    }

    private ChildEngine start(Setup s, String name) throws Exception {
        ChildEngine c = ChildEngine.start(dir.resolve("logs"), dir.resolve("work-" + name), JVM, s.args());
        children.add(c);
        return c;
    }

    private static boolean diedOfThePoison(ChildEngine c) throws InterruptedException {
        return c.process().waitFor(180, TimeUnit.SECONDS) && c.process().exitValue() == KafkaPipe.KILL_EXIT_CODE;
    }

    /** Per input offset, the kinds of its answers: "prediction" or a dead letter's kind. */
    private record Outcome(Map<Long, List<String>> answers) {
    }

    private static Outcome awaitAnswers(LocalKafka kafka, TopicsSettings topics) {
        Map<Long, List<String>> answers = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> preds = TestTopics.fromStart(kafka.bootstrapServers(), topics.predictions().name(),
                 new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaConsumer<byte[], byte[]> letters = TestTopics.fromStart(kafka.bootstrapServers(), topics.deadLetter().name(),
                 new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (answers.size() < FRAMES && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : preds.poll(Duration.ofMillis(200))) {
                    long at = new PredictionDeserializer().deserialize(r.topic(), r.value()).source().offset();
                    answers.computeIfAbsent(at, x -> new ArrayList<>()).add("prediction");
                }
                for (ConsumerRecord<byte[], byte[]> r : letters.poll(Duration.ofMillis(200))) {
                    DeadLetter d = new DeadLetterDeserializer().deserialize(r.topic(), r.headers(), r.value());
                    answers.computeIfAbsent(d.sourceOffset(), x -> new ArrayList<>()).add(d.kind().code());
                }
            }
        }
        return new Outcome(answers);
    }

    private static void assertOnlyThePoisonDeadLettered(Outcome o, ChildEngine last) {
        assertThat(o.answers().keySet()).as("every frame answered: %s%n%s", o, last.log())
            .containsExactlyElementsOf(LongStream.range(0, FRAMES).boxed().toList());
        assertThat(o.answers().get(POISON)).as("the poison frame: %s", o).containsOnly(ErrorKind.POISON.code());
        o.answers().forEach((offset, kinds) -> {
            if (offset != POISON) {
                assertThat(kinds).as("offset %d, innocent (before or after the poison): %s", offset, o).containsOnly("prediction");
            }
        });
    }
}
