package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.infer.StallWatch;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
 * whichever instance gets it next; every other frame, those before it included, is predicted. Under
 * both deliveries: exactly once, the marks travel in the transactions' offset commits, and every frame
 * has exactly one answer for a read-committed reader.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PoisonPillIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int FRAMES = 12;
    private static final long POISON = 5;
    /** The hook on; a dead instance leaves the group after 6 s (the broker's least session timeout), not 45 s. */
    private static final List<String> JVM = List.of("-D" + KafkaPipe.KILL_HOOK + "=true",
        "-Dvggstream.kafka.clients.session.timeout.ms=6000", "-Dvggstream.kafka.clients.heartbeat.interval.ms=1000",
        // Exactly once: a dead instance's open transaction (under another transactional id) holds read-committed readers
        // back until it times out; 10 s, not the producer's 60.
        "-Dvggstream.kafka.clients.transaction.timeout.ms=10000");
    private static final String AT_LEAST_ONCE = "at-least-once";
    private static final String EXACTLY_ONCE = "exactly-once";

    @TempDir
    Path dir;

    private final List<ChildEngine> children = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        children.forEach(ChildEngine::close);
    }

    @Test
    void shouldDeadLetterAFrameThatKilledTheEngineTwiceWhenTheEngineRestarts(LocalKafka kafka) throws Exception {
        restarts(kafka, AT_LEAST_ONCE);
    }

    @Test
    void shouldDeadLetterAFrameThatKilledTheEngineTwiceWhenTheEngineRestartsUnderExactlyOnce(LocalKafka kafka) throws Exception {
        restarts(kafka, EXACTLY_ONCE);
    }

    @Test
    void shouldDeadLetterAFrameThatKilledTwoInstancesWhenAThirdTakesItOver(LocalKafka kafka) throws Exception {
        twoInstancesAndAThird(kafka, AT_LEAST_ONCE);
    }

    @Test
    void shouldDeadLetterAFrameThatKilledTwoInstancesWhenAThirdTakesItOverUnderExactlyOnce(LocalKafka kafka) throws Exception {
        twoInstancesAndAThird(kafka, EXACTLY_ONCE);
    }

    @Test
    void shouldDeadLetterAFrameThatStalledTheEngineTwiceWhenStallExitIsOn(LocalKafka kafka) throws Exception {
        Setup s = setUp(kafka, AT_LEAST_ONCE);
        produce(kafka, s.topics(), KafkaPipe.STALL_HEADER);
        // A run that never ends (the hook), found after 3 s; the process ends itself each time.
        List<String> jvm = new ArrayList<>(JVM);
        jvm.addAll(List.of("-Dvggstream.engine.inference.stall-timeout=3s", "-Dvggstream.engine.inference.stall-exit=on"));
        String txn = kafka.uniqueName("txn");
        ChildEngine first = start(s, "first", txn, jvm);
        assertThat(diedOf(first, StallWatch.EXIT_CODE)).as("first stall, frames in flight: %s", first.log()).isTrue();
        assertThat(first.log()).contains("inference stalled: an inference run of test-stall@hook");
        ChildEngine second = start(s, "second", txn, jvm);
        assertThat(diedOf(second, StallWatch.EXIT_CODE)).as("second stall, the frame alone in probation: %s", second.log()).isTrue();
        // The frames before the stalled one were answered and committed during the stall: the window may start at it.
        assertThat(second.log()).contains("processing offsets ");
        ChildEngine third = start(s, "third", txn, jvm);
        Outcome o = awaitAnswers(kafka, s);
        assertOnlyThePoisonDeadLettered(o, third, s);
        assertThat(third.terminate(120)).as(third.log()).isZero();
        report("stalls, stall-exit on", List.of(first, second, third), o);
    }

    /** One instance restarted on the same transactional id (exactly once), as a Deployment with a stable id would. */
    private void restarts(LocalKafka kafka, String delivery) throws Exception {
        Setup s = setUp(kafka, delivery);
        produce(kafka, s.topics());
        String txn = kafka.uniqueName("txn");
        ChildEngine first = start(s, "first", txn);
        assertThat(diedOfThePoison(first)).as("first death, frames in flight: %s", first.log()).isTrue();
        ChildEngine second = start(s, "second", txn);
        assertThat(diedOfThePoison(second)).as("second death, the poison alone in probation: %s", second.log()).isTrue();
        assertThat(second.log()).contains("processing offsets 0..");
        ChildEngine third = start(s, "third", txn);
        Outcome o = awaitAnswers(kafka, s);
        assertOnlyThePoisonDeadLettered(o, third, s);
        assertThat(third.terminate(120)).as(third.log()).isZero();
        report("restarts, " + delivery, List.of(first, second, third), o);
    }

    /** Each instance with its own transactional id (exactly once), as the default {@code <group>-<host name>} gives. */
    private void twoInstancesAndAThird(LocalKafka kafka, String delivery) throws Exception {
        Setup s = setUp(kafka, delivery);
        // Two instances in one group; the frames topic has one partition: one owns it, the other takes it over when it dies.
        ChildEngine a = start(s, "a", kafka.uniqueName("txn"));
        ChildEngine b = start(s, "b", kafka.uniqueName("txn"));
        // The frames come once the group has settled, so that the first death is the owner's, not one amid a rebalance.
        a.awaitLog("partitions assigned", Duration.ofSeconds(120));
        b.awaitLog("partitions assigned", Duration.ofSeconds(120));
        produce(kafka, s.topics());
        assertThat(a.process().waitFor(180, TimeUnit.SECONDS) && b.process().waitFor(180, TimeUnit.SECONDS))
            .as("both instances died: a %s%nb %s", a.log(), b.log()).isTrue();
        assertThat(List.of(a.process().exitValue(), b.process().exitValue())).containsOnly(KafkaPipe.KILL_EXIT_CODE);
        assertThat(a.log() + b.log()).as("the one that took over put the partition on probation").contains("processing offsets");
        ChildEngine c = start(s, "c", kafka.uniqueName("txn"));
        Outcome o = awaitAnswers(kafka, s);
        assertOnlyThePoisonDeadLettered(o, c, s);
        assertThat(c.log()).contains("poison pill:");
        assertThat(c.terminate(120)).as(c.log()).isZero();
        report("two instances and a third, " + delivery, List.of(a, b, c), o);
    }

    /** What the guard did, from each instance's output. */
    private static void report(String test, List<ChildEngine> engines, Outcome o) {
        System.out.println("poison pill, " + test + ": answers by offset " + o.answers());
        for (int i = 0; i < engines.size(); i++) {
            ChildEngine e = engines.get(i);
            int n = i;
            e.log().lines().filter(l -> l.contains("poison") || l.contains("test hook") || l.contains("stalled"))
                .forEach(l -> System.out.println("  instance " + n + " (exit " + e.process().exitValue() + "): " + l));
        }
    }

    /** The topics, the engine's arguments but the transactional id, and the delivery. */
    private record Setup(TopicsSettings topics, List<String> args, String delivery) {
        boolean exactlyOnce() {
            return delivery.equals(EXACTLY_ONCE);
        }
    }

    /** A frames topic of one partition, a model, the engine's arguments. */
    private Setup setUp(LocalKafka kafka, String delivery) {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG, 1);
        TestModels.Exported model = TestModels.export(dir.resolve("m"));
        model.close();
        List<String> args = List.of(kafka.bootstrapServers(), topics.frames().name(), topics.predictions().name(),
            topics.deadLetter().name(), kafka.uniqueName("engine"), model.dir().toString(), "single", delivery);
        return new Setup(topics, args, delivery);
    }

    /** FRAMES frames of one stream, the one at offset POISON carrying the kill header. */
    private static void produce(LocalKafka kafka, TopicsSettings topics) throws Exception {
        produce(kafka, topics, KafkaPipe.KILL_HEADER);
    }

    /** As {@link #produce(LocalKafka, TopicsSettings)}, the frame at POISON carrying {@code hook}. */
    private static void produce(LocalKafka kafka, TopicsSettings topics, String hook) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        try (KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            for (int seq = 0; seq < FRAMES; seq++) {
                ProducerRecord<String, Frame> r = FrameRecords.record(topics.frames().name(), "cam-0",
                    Frame.of(seq, System.currentTimeMillis(), Frames.jpeg(48, 40, seq)));
                if (seq == POISON) {
                    r.headers().add(hook, "1".getBytes(StandardCharsets.UTF_8));
                }
                p.send(r).get();
            }
        }
    }

    private ChildEngine start(Setup s, String name, String transactionalId) throws Exception {
        return start(s, name, transactionalId, JVM);
    }

    private ChildEngine start(Setup s, String name, String transactionalId, List<String> jvm) throws Exception {
        List<String> args = new ArrayList<>(s.args());
        args.add(transactionalId);
        ChildEngine c = ChildEngine.start(dir.resolve("logs"), dir.resolve("work-" + name), jvm, args);
        children.add(c);
        return c;
    }

    private static boolean diedOfThePoison(ChildEngine c) throws InterruptedException {
        return diedOf(c, KafkaPipe.KILL_EXIT_CODE);
    }

    private static boolean diedOf(ChildEngine c, int exitCode) throws InterruptedException {
        return c.process().waitFor(180, TimeUnit.SECONDS) && c.process().exitValue() == exitCode;
    }

    /** Per input offset, the kinds of its answers: "prediction" or a dead letter's kind. */
    private record Outcome(Map<Long, List<String>> answers) {
    }

    /** Exactly once, as a read-committed reader sees them: a dead instance's aborted outputs are not answers. */
    private static Outcome awaitAnswers(LocalKafka kafka, Setup s) {
        TopicsSettings topics = s.topics();
        Map<Long, List<String>> answers = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> preds = reader(kafka, topics.predictions().name(), s.exactlyOnce());
             KafkaConsumer<byte[], byte[]> letters = reader(kafka, topics.deadLetter().name(), s.exactlyOnce())) {
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

    private static KafkaConsumer<byte[], byte[]> reader(LocalKafka kafka, String topic, boolean readCommitted) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted"),
            new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(60)).stream()
            .map(i -> new TopicPartition(topic, i.partition())).toList();
        c.assign(tps);
        c.seekToBeginning(tps);
        return c;
    }

    private static void assertOnlyThePoisonDeadLettered(Outcome o, ChildEngine last, Setup s) {
        assertThat(o.answers().keySet()).as("every frame answered: %s%n%s", o, last.log())
            .containsExactlyElementsOf(LongStream.range(0, FRAMES).boxed().toList());
        assertThat(o.answers().get(POISON)).as("the poison frame: %s", o).containsOnly(ErrorKind.POISON.code());
        o.answers().forEach((offset, kinds) -> {
            if (offset != POISON) {
                assertThat(kinds).as("offset %d, innocent (before or after the poison): %s", offset, o).containsOnly("prediction");
            }
            if (s.exactlyOnce()) {
                assertThat(kinds).as("offset %d answered exactly once: %s", offset, o).hasSize(1);
            }
        });
    }
}
