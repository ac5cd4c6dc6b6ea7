package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.testing.DeliveryChecker;
import io.vggstream.engine.testing.EngineMain;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the engine process mid-stream, then a restart: at least once by default (every input
 * offset answered, duplicates counted), exactly once with transactions (every input offset
 * answered once, for read-committed consumers); per-stream order kept either way.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CrashIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int STREAMS = 6;
    private static final int PER_STREAM = 12;

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void shouldAnswerEveryFrameAtLeastOnceAfterKillNine(LocalKafka kafka) throws Exception {
        DeliveryChecker.Report r = crashAndRecover(kafka, "at-least-once");
        assertThat(r.missing()).as(r.toString()).isZero();
        assertThat(r.inStreamOrder()).as("first answers of each stream in seq order").isTrue();
        System.out.println("at-least-once after kill -9: " + r);
    }

    @Test
    void shouldAnswerEveryFrameExactlyOnceAfterKillNineWithTransactions(LocalKafka kafka) throws Exception {
        DeliveryChecker.Report r = crashAndRecover(kafka, "exactly-once");
        assertThat(r.missing()).as(r.toString()).isZero();
        assertThat(r.duplicates()).as(r.toString()).isZero();
        assertThat(r.inStreamOrder()).isTrue();
        System.out.println("exactly-once after kill -9: " + r);
    }

    private DeliveryChecker.Report crashAndRecover(LocalKafka kafka, String delivery) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        boolean eos = delivery.equals("exactly-once");
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"));
             KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            produce(p, topics, 0, PER_STREAM);
            List<String> args = List.of(kafka.bootstrapServers(), topics.frames().name(), topics.predictions().name(),
                topics.deadLetter().name(), kafka.uniqueName("engine"), model.dir().toString(),
                // dense+crops: 156 variants a frame keeps the engine busy long enough to be killed mid-stream.
                "dense+crops", delivery, kafka.uniqueName("txn"));
            Process first = start(args);
            awaitAnswers(kafka, topics, eos, STREAMS * PER_STREAM / 4, Duration.ofSeconds(120));
            // However fast the machine worked off the first frames, these are not all answered a moment later.
            produce(p, topics, PER_STREAM, PER_STREAM + PER_STREAM / 4);
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
            DeliveryChecker.Report atKill = DeliveryChecker.check(kafka.bootstrapServers(), topics.frames().name(),
                topics.frames().partitions(), topics.predictions().name(), topics.deadLetter().name(), eos);
            assertThat(atKill.missing()).as("the kill came mid-stream: %s", atKill).isPositive();

            Process second = start(args);
            DeliveryChecker.Report r = awaitAll(kafka, topics, eos, Duration.ofSeconds(180));
            second.destroy();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("SIGTERM drains and exits").isTrue();
            return DeliveryChecker.check(kafka.bootstrapServers(), topics.frames().name(), topics.frames().partitions(),
                topics.predictions().name(), topics.deadLetter().name(), eos);
        }
    }

    private static void produce(KafkaProducer<String, Frame> p, TopicsSettings topics, int fromSeq, int toSeq) {
        for (int seq = fromSeq; seq < toSeq; seq++) {
            for (int s = 0; s < STREAMS; s++) {
                p.send(FrameRecords.record(topics.frames().name(), "cam-" + s,
                    Frame.of(seq, System.currentTimeMillis(), Frames.jpeg(48, 40, seq * 7L + s))));
            }
        }
        p.flush();
    }

    private Process start(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
            "-cp", System.getProperty("java.class.path"), EngineMain.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            seen.append(line).append('\n');
        }
        assertThat(line).as("engine process did not start:\n%s", seen).isEqualTo("READY");
        // Keep draining its output so it never blocks on a full pipe.
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "engine-output");
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    private static void awaitAnswers(LocalKafka kafka, TopicsSettings topics, boolean eos, long atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            DeliveryChecker.Report r = DeliveryChecker.check(kafka.bootstrapServers(), topics.frames().name(), topics.frames().partitions(),
                topics.predictions().name(), topics.deadLetter().name(), eos);
            if (r.answered() >= atLeast) {
                return;
            }
        }
        throw new AssertionError("fewer than " + atLeast + " frames answered within " + timeout);
    }

    private static DeliveryChecker.Report awaitAll(LocalKafka kafka, TopicsSettings topics, boolean eos, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        DeliveryChecker.Report r = null;
        while (System.nanoTime() < deadline) {
            r = DeliveryChecker.check(kafka.bootstrapServers(), topics.frames().name(), topics.frames().partitions(),
                topics.predictions().name(), topics.deadLetter().name(), eos);
            if (r.missing() == 0) {
                return r;
            }
        }
        throw new AssertionError("not every frame answered within " + timeout + ": " + r);
    }
}
