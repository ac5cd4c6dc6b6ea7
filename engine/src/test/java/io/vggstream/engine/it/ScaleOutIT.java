package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.ops.EngineStatus;
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
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engine processes in one consumer group on a 4-partition frames topic: both take partitions
 * and every frame is answered once; then one is stopped (SIGTERM) and the other takes its
 * partitions over, and nothing is lost.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ScaleOutIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int PARTITIONS = 4;
    private static final int STREAMS = 8;
    private static final int PER_STREAM = 6;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    /** An engine child and its ops port. */
    private record Child(Process process, int opsPort, StringBuffer log) {
    }

    @AfterEach
    void killLeftovers() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void shouldShareThePartitionsAndTakeOverWithoutLossWhenOneOfTwoInstancesStops(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG, PARTITIONS);
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            List<String> args = List.of(kafka.bootstrapServers(), topics.frames().name(), topics.predictions().name(),
                topics.deadLetter().name(), kafka.uniqueName("engine"), model.dir().toString(), "single", "at-least-once", "", "ops");
            Child a = start(args);
            Child b = start(args);
            // Both ready (warm) and each holding partitions; together all four. (Ready alone does not wait for the second
            // instance's rebalance: a warm spare is ready with none.)
            await(() -> ready(a) && ready(b) && assigned(a) >= 1 && assigned(b) >= 1 && assigned(a) + assigned(b) == PARTITIONS,
                Duration.ofSeconds(120),
                "both instances to hold partitions; a said:\n" + a.log() + "\nb said:\n" + b.log());
            assertThat(assigned(a)).isBetween(1.0, PARTITIONS - 1.0);
            assertThat(assigned(b)).isBetween(1.0, PARTITIONS - 1.0);

            produce(k, topics, 0);
            DeliveryChecker.Report shared = awaitAll(kafka, topics, STREAMS * PER_STREAM, Duration.ofSeconds(180));
            assertThat(shared.missing()).as(shared.toString()).isZero();
            assertThat(shared.duplicates()).as("each frame predicted once: %s", shared).isZero();
            assertThat(shared.predictions()).isEqualTo(STREAMS * PER_STREAM);
            double inA = metric(a, "vggstream_frames_in_total");
            double inB = metric(b, "vggstream_frames_in_total");
            assertThat(inA).as("instance a worked").isPositive();
            assertThat(inB).as("instance b worked").isPositive();
            assertThat(inA + inB).isEqualTo(STREAMS * PER_STREAM);

            // Stop a (SIGTERM drains it); b takes every partition over.
            long t0 = System.nanoTime();
            a.process().destroy();
            assertThat(a.process().waitFor(90, TimeUnit.SECONDS)).as("SIGTERM drains and exits").isTrue();
            System.out.println("a exited " + a.process().exitValue() + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            await(() -> assigned(b) == PARTITIONS, Duration.ofSeconds(120), "b to hold all partitions");

            produce(k, topics, PER_STREAM);
            DeliveryChecker.Report after = awaitAll(kafka, topics, 2 * STREAMS * PER_STREAM, Duration.ofSeconds(180));
            assertThat(after.missing()).as(after.toString()).isZero();
            assertThat(after.duplicates()).as("a drained before it left: nothing answered twice: %s", after).isZero();
            assertThat(metric(b, "vggstream_frames_in_total")).as("b answered every frame after the stop").isEqualTo(inB + STREAMS * PER_STREAM);
            System.out.println("scale-out: shared " + shared + " (a " + inA + ", b " + inB + "); after the stop " + after);

            b.process().destroy();
            assertThat(b.process().waitFor(90, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** PER_STREAM frames for each stream from {@code firstSeq}, stream s on partition s % 4, so that every partition has work. */
    private static void produce(KafkaSettings k, TopicsSettings topics, int firstSeq) {
        try (KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            for (int seq = firstSeq; seq < firstSeq + PER_STREAM; seq++) {
                for (int s = 0; s < STREAMS; s++) {
                    ProducerRecord<String, Frame> r = FrameRecords.record(topics.frames().name(), "cam-" + s,
                        Frame.of(seq, System.currentTimeMillis(), Frames.jpeg(48, 40, seq * 7L + s)));
                    p.send(new ProducerRecord<>(r.topic(), s % PARTITIONS, r.timestamp(), r.key(), r.value(), r.headers()));
                }
            }
            p.flush();
        }
    }

    private Child start(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx768m", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
            "-cp", System.getProperty("java.class.path"), EngineMain.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        int port = -1;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            if (line.startsWith("OPS ")) {
                port = Integer.parseInt(line.substring(4).trim());
            }
            seen.append(line).append('\n');
        }
        assertThat(line).as("engine process did not start:\n%s", seen).isEqualTo("READY");
        assertThat(port).as("ops port printed").isPositive();
        StringBuffer log = new StringBuffer(seen);
        Thread drain = new Thread(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    log.append(l).append('\n');
                }
            } catch (IOException e) {
                // Process.destroy closes the pipe (the child's output after SIGTERM is not seen): the log ends here.
            }
        }, "engine-output");
        drain.setDaemon(true);
        drain.start();
        return new Child(p, port, log);
    }

    private static boolean ready(Child c) {
        return get(c, "/health/ready").statusCode() == 200;
    }

    private static double assigned(Child c) {
        return metric(c, "vggstream_consumer_assigned_partitions");
    }

    private static double metric(Child c, String name) {
        return EngineStatus.parseMetrics(get(c, "/metrics").body()).getOrDefault(name, Double.NaN);
    }

    private static HttpResponse<String> get(Child c, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.opsPort() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier done, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + within + " for " + what);
            }
            Thread.sleep(250);
        }
    }

    private static DeliveryChecker.Report awaitAll(LocalKafka kafka, TopicsSettings topics, long inputs, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        DeliveryChecker.Report r = null;
        while (System.nanoTime() < deadline) {
            r = DeliveryChecker.check(kafka.bootstrapServers(), topics.frames().name(), PARTITIONS,
                topics.predictions().name(), topics.deadLetter().name(), false);
            if (r.inputs() == inputs && r.missing() == 0) {
                return r;
            }
        }
        throw new AssertionError("not every frame answered within " + timeout + ": " + r);
    }
}
