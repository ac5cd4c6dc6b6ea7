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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the engine process mid-stream, then a restart: at least once by default (every input
 * offset predicted, duplicates counted), exactly once with transactions (every input offset
 * predicted once, for read-committed consumers), also when the restart comes under another host name
 * with the default transactional id, and when the old instance is not dead but a zombie; per-stream
 * order kept on the predictions either way, the first answer after the restart included.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CrashIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int STREAMS = 6;
    private static final int PER_STREAM = 12;
    private static final int ALL = STREAMS * (PER_STREAM + PER_STREAM / 4);
    private static final String CLIENTS = "vggstream.kafka.clients.";

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        children.forEach(p -> {
            if (p.isAlive()) {
                // A stopped zombie would not die of SIGKILL until continued.
                signal(p, "CONT");
                p.destroyForcibly();
            }
        });
    }

    @Test
    void shouldPredictEveryFrameAtLeastOnceAfterKillNine(LocalKafka kafka) throws Exception {
        DeliveryChecker.Report r = crashAndRecover(kafka, "at-least-once", kafka.uniqueName("txn"), Map.of(), Map.of());
        System.out.println("at-least-once after kill -9: " + r);
        // The restarted engine starts again at the last committed offset: each stream may go back once.
        assertEveryFramePredictedInOrder(r, 1);
    }

    @Test
    void shouldPredictEveryFrameExactlyOnceAfterKillNineWithTransactions(LocalKafka kafka) throws Exception {
        DeliveryChecker.Report r = crashAndRecover(kafka, "exactly-once", kafka.uniqueName("txn"), Map.of(), Map.of());
        System.out.println("exactly-once after kill -9: " + r);
        assertThat(r.duplicates()).as(r.toString()).isZero();
        assertEveryFramePredictedInOrder(r, 0);
    }

    /**
     * A pod restarted by Kubernetes comes back under another name: with the default transactional id
     * ({@code <group>-<host name>}) the new instance does not share the killed one's id, so it cannot
     * abort that one's open transaction; that transaction must still never be seen, and nothing twice.
     */
    @Test
    void shouldPredictEveryFrameExactlyOnceWhenRestartedUnderAnotherHostNameWithTheDefaultTransactionalId(LocalKafka kafka)
        throws Exception {
        DeliveryChecker.Report r = crashAndRecover(kafka, "exactly-once", "default", Map.of("HOSTNAME", "pod-a"),
            Map.of("HOSTNAME", "pod-b"));
        System.out.println("exactly-once after kill -9 and a restart under another host name: " + r);
        assertThat(r.duplicates()).as(r.toString()).isZero();
        assertEveryFramePredictedInOrder(r, 0);
    }

    /**
     * Two engines alive at once: the first is stopped (SIGSTOP, as a long GC pause or a partitioned
     * network would) with frames in flight and an open transaction; the group drops it, the second
     * (another pod, default transactional id) takes every partition and answers the frames; then the
     * first resumes and tries to commit what it had. It must be fenced: nothing answered twice for
     * read-committed readers.
     */
    @Test
    void shouldFenceALiveZombieSoThatNoFrameIsAnsweredTwice(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        String group = kafka.uniqueName("engine");
        // The group drops a silent member after session.timeout.ms: the broker's least, so the test waits little. The
        // transactions never time out here (the broker's most, 15 min): the zombie's open one is not aborted by the
        // coordinator while it is stopped, so only the group can fence it.
        Map<String, String> props = Map.of(CLIENTS + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000",
            CLIENTS + ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000", CLIENTS + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000");
        // The first commits every 500 ms, not every 100 ms: it is stopped just after its first commit, far from its next
        // one. Stopped between sending its offsets and committing them, it would hold them pending, and the second
        // engine's read-committed offset fetch would wait for them for as long as it stays stopped.
        Map<String, String> zombieProps = new java.util.HashMap<>(props);
        zombieProps.put("pekko.kafka.producer.eos-commit-interval", "500ms");
        // One worker of all the cores, as before workers-per-device = auto: split into one worker per core, this small
        // model answered all 90 frames before that first commit in a CI run, and nothing was left in flight to fence.
        zombieProps.put("vggstream.engine.inference.workers-per-device", "1");
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"));
             Admin admin = kafka.admin();
             KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            produce(p, topics, 0, PER_STREAM + PER_STREAM / 4);
            List<String> args = List.of(kafka.bootstrapServers(), topics.frames().name(), topics.predictions().name(),
                topics.deadLetter().name(), group, model.dir().toString(), "dense+crops", "exactly-once", "default");
            Child zombie = start(args, Map.of("HOSTNAME", "pod-a"), zombieProps);
            // Stopped at its first commit: with every frame there to consume, it holds max-in-flight of them in the engine
            // then, and answering them all takes far longer than one more look at the group's offsets.
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (committed(admin, group, topics) == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            signal(zombie.process(), "STOP");
            long committedAtStop = committed(admin, group, topics);
            assertThat(committedAtStop).as("the premise: frames were left to answer when the first engine stopped").isLessThan(ALL);

            Child second = start(args, Map.of("HOSTNAME", "pod-b"), props);
            assertThat(second.transactionalId()).isEqualTo(group + "-pod-b").isNotEqualTo(zombie.transactionalId());
            // The second has taken every partition and committed every frame (the first holds none of them any more).
            deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (committed(admin, group, topics) < ALL && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(committed(admin, group, topics)).as("the second engine committed every frame").isEqualTo(ALL);

            signal(zombie.process(), "CONT");
            // The zombie's next commit is refused (its generation is gone) and its stream fails; wait for that, not a time.
            java.util.Optional<String> refused = zombie.find(l -> l.contains("the Kafka stream failed"), Duration.ofSeconds(120));
            System.out.println("the zombie, resumed: " + refused.orElse("(never refused)"));
            second.process().destroy();
            assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).as("SIGTERM drains and exits").isTrue();
            zombie.process().destroyForcibly();
            DeliveryChecker.Report r = DeliveryChecker.check(kafka.bootstrapServers(), topics.frames().name(), topics.frames().partitions(),
                topics.predictions().name(), topics.deadLetter().name(), true);
            System.out.println("exactly-once with a live zombie: " + r + "; " + committedAtStop + " committed when the first stopped");
            assertThat(r.duplicates()).as(r.toString()).isZero();
            assertThat(refused).as("the zombie's commit refused by the group coordinator, not fenced otherwise")
                .hasValueSatisfying(l -> assertThat(l).contains("CommitFailedException"));
            assertEveryFramePredictedInOrder(r, 0);
        }
    }

    private DeliveryChecker.Report crashAndRecover(LocalKafka kafka, String delivery, String txn, Map<String, String> firstEnv,
                                                   Map<String, String> secondEnv) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        boolean eos = delivery.equals("exactly-once");
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"));
             KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            produce(p, topics, 0, PER_STREAM);
            String group = kafka.uniqueName("engine");
            List<String> args = List.of(kafka.bootstrapServers(), topics.frames().name(), topics.predictions().name(),
                topics.deadLetter().name(), group, model.dir().toString(),
                // dense+crops: 156 variants a frame keeps the engine busy long enough to be killed mid-stream.
                "dense+crops", delivery, txn);
            Child first = start(args, firstEnv, Map.of());
            awaitAnswers(kafka, topics, eos, STREAMS * PER_STREAM / 4, Duration.ofSeconds(120));
            // However fast the machine worked off the first frames, these are not all answered a moment later.
            produce(p, topics, PER_STREAM, PER_STREAM + PER_STREAM / 4);
            first.process().destroyForcibly();
            assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.process().exitValue()).as("killed by SIGKILL").isEqualTo(137);
            DeliveryChecker.Report atKill = DeliveryChecker.check(kafka.bootstrapServers(), topics.frames().name(),
                topics.frames().partitions(), topics.predictions().name(), topics.deadLetter().name(), eos);
            assertThat(atKill.missing()).as("the kill came mid-stream: %s", atKill).isPositive();

            Child second = start(args, secondEnv, Map.of());
            if (!secondEnv.equals(firstEnv)) {
                assertThat(second.transactionalId()).as("the premise: another transactional id").isNotEqualTo(first.transactionalId());
            }
            long t0 = System.nanoTime();
            awaitAll(kafka, topics, eos, Duration.ofSeconds(180));
            System.out.printf("%s: %s at the kill; every frame answered %.1f s after the restart (transactional ids %s, %s)%n", delivery,
                atKill, (System.nanoTime() - t0) / 1e9, first.transactionalId(), second.transactionalId());
            second.process().destroy();
            assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).as("SIGTERM drains and exits").isTrue();
            return DeliveryChecker.check(kafka.bootstrapServers(), topics.frames().name(), topics.frames().partitions(),
                topics.predictions().name(), topics.deadLetter().name(), eos);
        }
    }

    /** Every good frame predicted (none dead-lettered), and each stream's predictions in seq order from its first frame. */
    private static void assertEveryFramePredictedInOrder(DeliveryChecker.Report r, int rewinds) {
        assertThat(r.inputs()).isEqualTo(ALL);
        assertThat(r.missing()).as(r.toString()).isZero();
        assertThat(r.deadLettered()).as("good frames dead-lettered: %s", r).isZero();
        assertThat(r.predicted()).as(r.toString()).isEqualTo(ALL);
        assertThat(r.seqs()).as("streams").hasSize(STREAMS);
        assertThat(r.orderProblems(0, rewinds)).as("per-stream order of the predictions: %s", r.seqs()).isEmpty();
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

    /** A child engine, its transactional id, and what it printed (kept, so a test can wait for a line). */
    private record Child(Process process, String transactionalId, BlockingQueue<String> lines) {
        /** The first line it prints from now on that matches, within {@code timeout}; empty if none. */
        java.util.Optional<String> find(java.util.function.Predicate<String> line, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String l = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (l != null && line.test(l)) {
                    return java.util.Optional.of(l);
                }
            }
            return java.util.Optional.empty();
        }
    }

    /** @param props system properties of the child, settings it reads through its config (kafka-clients ones under {@link #CLIENTS}) */
    private Child start(List<String> args, Map<String, String> env, Map<String, String> props) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        props.forEach((key, value) -> cmd.add("-D" + key + "=" + value));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EngineMain.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        String txn = null;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            seen.append(line).append('\n');
            if (line.startsWith("TXN ")) {
                txn = line.substring(4);
            }
        }
        assertThat(line).as("engine process did not start:\n%s", seen).isEqualTo("READY");
        // Keep draining its output so it never blocks on a full pipe.
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        // Also echoed, prefixed, so that a failing run shows what the engines said.
        Thread drain = new Thread(() -> out.lines().forEach(l -> {
            lines.add(l);
            System.out.println("[engine " + p.pid() + "] " + l);
        }), "engine-output");
        drain.setDaemon(true);
        drain.start();
        return new Child(p, txn, lines);
    }

    /** Sends a signal to a child (STOP and CONT have no Java API). */
    private static void signal(Process p, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The group's committed offsets over the frames topic, summed: how many frames it has finished. */
    private static long committed(Admin admin, String group, TopicsSettings topics) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topics.frames().name()) && e.getValue() != null)
            .mapToLong(e -> e.getValue().offset()).sum();
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
