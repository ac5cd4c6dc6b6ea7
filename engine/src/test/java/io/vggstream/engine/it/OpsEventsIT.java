package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.ops.EngineStatus;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.ops.EngineStatus;
import io.vggstream.engine.ops.OpsServer;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What an operator sees besides the meters, on a real broker with a real model: an instance that
 * is warm but holds no partition is ready and says it holds none, and the engine's notable events are one log line
 * each, with their fields.
 */
@ExtendWith(KafkaBrokerExtension.class)
class OpsEventsIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
    void shouldStayReadyWhenWarmButHoldingNoPartitionAndReportThePartitionsItHolds(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG, 1);
        String group = kafka.uniqueName("engine");
        EngineSettings settings = settings(group);

        // Two instances of one group on a topic of one partition: one works, the other is a warm spare. A spare is
        // ready (a rollout's surge pod at the top of the replica range must not stall the rollout); the partitions
        // it holds are reported, not a condition.
        try (OpsServer opsA = OpsServer.start(0); OpsServer opsB = OpsServer.start(0)) {
            StreamingEngine a = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics);
            StreamingEngine b = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics);
            try {
                opsA.attach(a);
                opsB.attach(b);
                // The group has settled: both are members, and the one partition is with one of them.
                await(() -> stableWithMembers(kafka, group, 2), Duration.ofSeconds(120), () -> "the group to be stable with both instances");
                await(() -> assigned(opsA) + assigned(opsB) == 1 && assigned(opsA) >= 0 && assigned(opsB) >= 0, Duration.ofSeconds(60),
                    () -> "exactly one instance to hold the partition: a " + get(opsA, "/health/ready").body() + ", b "
                        + get(opsB, "/health/ready").body());
                OpsServer busy = assigned(opsA) == 1 ? opsA : opsB;
                OpsServer idle = busy == opsA ? opsB : opsA;
                StreamingEngine busyEngine = busy == opsA ? a : b;

                HttpResponse<String> idleReady = get(idle, "/health/ready");
                assertThat(idleReady.statusCode()).isEqualTo(200);
                assertThat(idleReady.body()).contains("status: ready").contains("warm: yes").contains("assigned-partitions: 0");
                assertThat(get(idle, "/health/live").statusCode()).isEqualTo(200);
                assertThat(get(idle, "/health/started").statusCode()).isEqualTo(200);
                HttpResponse<String> busyReady = get(busy, "/health/ready");
                assertThat(busyReady.statusCode()).isEqualTo(200);
                assertThat(busyReady.body()).contains("status: ready").contains("assigned-partitions: 1");

                // The working instance leaves: the spare takes the partition over.
                busyEngine.close();
                await(() -> assigned(idle) == 1, Duration.ofSeconds(120), () -> "the spare to take the partition over: "
                    + get(idle, "/health/ready").body());
                assertThat(get(idle, "/health/ready").body()).contains("assigned-partitions: 1");
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void shouldLogStartModelLoadProviderAssignmentSlowBatchAndRevocationOneLineEach(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG, 1);
        String group = kafka.uniqueName("engine");
        int frames = 6;
        try (KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            for (int seq = 0; seq < frames; seq++) {
                p.send(FrameRecords.record(topics.frames().name(), "cam-1", Frame.of(seq, System.currentTimeMillis(), Frames.jpeg(48, 40, 31L * seq))));
            }
            p.flush();
        }
        // Every batch is slow at 0 ms: each one must give its warning.
        EngineSettings base = settings(group);
        EngineSettings settings = base.withInference(base.inference().withSlowBatch(Duration.ZERO));
        String partition = topics.frames().name() + "-0";

        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger vggstream = context.getLogger("io.vggstream");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        vggstream.addAppender(captured);
        long batches;
        try {
            StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics);
            try {
                await(() -> running.engine().metrics().predictions() >= frames, Duration.ofSeconds(120), () -> "the frames to be predicted");
            } finally {
                running.close();
            }
            batches = running.engine().metrics().batches();
        } finally {
            vggstream.detachAppender(captured);
            captured.stop();
        }
        List<ILoggingEvent> events = new ArrayList<>(captured.list);
        for (ILoggingEvent e : events) {
            if (fields(e).containsKey("event")) {
                assertThat(e.getFormattedMessage()).as("one line per event").doesNotContain("\n");
            }
        }

        ILoggingEvent start = only(events, "engine-start");
        assertThat(start.getLevel()).isEqualTo(Level.INFO);
        assertThat(fields(start)).containsEntry("bootstrap", kafka.bootstrapServers()).containsEntry("group", group)
            .containsEntry("frames_topic", topics.frames().name()).containsEntry("predictions_topic", topics.predictions().name())
            .containsEntry("dead_letter_topic", topics.deadLetter().name()).containsEntry("protocol", "single")
            .containsEntry("devices", "[cpu]").containsEntry("models", "[fmnist-a (config A)]").containsEntry("delivery", "at-least-once");
        assertThat(start.getFormattedMessage()).contains("engine started").contains(kafka.bootstrapServers()).contains(topics.frames().name());

        ILoggingEvent loaded = only(events, "model-loaded");
        assertThat(loaded.getLevel()).isEqualTo(Level.INFO);
        Map<String, String> lf = fields(loaded);
        // workers-per-device = auto chose the workers, said once; each worker's session says its provider once.
        ILoggingEvent chosen = only(events, "workers-chosen");
        String workers = fields(chosen).get("workers_per_device");
        assertThat(Integer.parseInt(workers)).isBetween(1, Runtime.getRuntime().availableProcessors());
        assertThat(fields(chosen)).containsKey("threads_per_worker");
        assertThat(chosen.getFormattedMessage()).contains("inference workers (auto)").contains("lone frame");
        assertThat(lf).containsEntry("model", "fmnist-a").containsEntry("config", "A").containsEntry("classes", "10")
            .containsEntry("workers", workers).containsEntry("file", model.dir().resolve("model.onnx").toAbsolutePath().normalize().toString());
        assertThat(Long.parseLong(lf.get("load_ms"))).isNotNegative();
        assertThat(Long.parseLong(lf.get("warmup_ms"))).isNotNegative();
        assertThat(loaded.getFormattedMessage()).contains("model loaded: fmnist-a").contains("warm-up");

        List<ILoggingEvent> providers = all(events, "provider-chosen");
        assertThat(providers).hasSize(Integer.parseInt(workers));
        for (ILoggingEvent provider : providers) {
            assertThat(fields(provider)).containsEntry("model", "fmnist-a").containsEntry("device", "cpu").containsEntry("provider", "CPU");
        }

        ILoggingEvent assigned = only(events, "partitions-assigned");
        assertThat(fields(assigned)).containsEntry("partitions", "[" + partition + "]").containsEntry("holding", "[" + partition + "]")
            .containsEntry("group", group);
        assertThat(assigned.getFormattedMessage()).contains("partitions assigned: [" + partition + "]");

        // Drained and stopped: the partition is given back, said once.
        ILoggingEvent revoked = only(events, "partitions-revoked");
        assertThat(fields(revoked)).containsEntry("partitions", "[" + partition + "]").containsEntry("holding", "[]")
            .containsEntry("reason", "stop");
        assertThat(events.indexOf(revoked)).isGreaterThan(events.indexOf(assigned));

        List<ILoggingEvent> slow = all(events, "slow-batch");
        assertThat(slow).hasSize((int) batches);
        int inputs = 0;
        for (ILoggingEvent e : slow) {
            Map<String, String> f = fields(e);
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(f).containsEntry("model", "fmnist-a").containsEntry("provider", "CPU").containsEntry("threshold_ms", "0");
            // single: one dense input at Q 37 of a 48x40 frame, and its flip.
            assertThat(f.get("shape")).isEqualTo("[" + f.get("batch_size") + ",3,37,44]");
            assertThat(Long.parseLong(f.get("ms"))).isNotNegative();
            assertThat(e.getFormattedMessage()).startsWith("slow batch: fmnist-a ran " + f.get("batch_size") + " inputs of shape");
            inputs += Integer.parseInt(f.get("batch_size"));
        }
        assertThat(inputs).as("every input of every batch").isEqualTo(frames * 2);
    }

    private static EngineSettings settings(String group) {
        return EngineSettings.from(CONFIG)
            .withModels(List.of(model.dir()))
            .withProtocol(Protocol.parse("single"))
            .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))))
            .withGroupId(group);
    }

    private static boolean stableWithMembers(LocalKafka kafka, String group, int members) {
        try {
            ConsumerGroupDescription d = kafka.admin().describeConsumerGroups(List.of(group)).all().get().get(group);
            return d.groupState() == GroupState.STABLE && d.members().size() == members
                && d.members().stream().mapToInt(m -> assignedTo(m)).sum() == 1;
        } catch (Exception e) {
            return false;
        }
    }

    private static int assignedTo(MemberDescription m) {
        return m.assignment().topicPartitions().size();
    }

    /** The event's SLF4J key-values, values as strings. */
    private static Map<String, String> fields(ILoggingEvent e) {
        Map<String, String> f = new LinkedHashMap<>();
        if (e.getKeyValuePairs() != null) {
            e.getKeyValuePairs().forEach(kv -> f.put(kv.key, String.valueOf(kv.value)));
        }
        return f;
    }

    private static List<ILoggingEvent> all(List<ILoggingEvent> events, String event) {
        return events.stream().filter(e -> event.equals(fields(e).get("event"))).toList();
    }

    private static ILoggingEvent only(List<ILoggingEvent> events, String event) {
        List<ILoggingEvent> found = all(events, event);
        assertThat(found).as("the %s events among %s", event, events.stream().map(ILoggingEvent::getFormattedMessage).toList()).hasSize(1);
        return found.get(0);
    }

    private static int assigned(OpsServer ops) {
        return EngineStatus.parseMetrics(get(ops, "/metrics").body()).getOrDefault("vggstream_consumer_assigned_partitions", -1.0).intValue();
    }

    private static HttpResponse<String> get(OpsServer ops, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code done} until it holds (the state is observed, not waited for blindly), failing after {@code within}. */
    private static void await(BooleanSupplier done, Duration within, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + within + " for " + what.get());
            }
            Thread.sleep(200);
        }
    }
}
