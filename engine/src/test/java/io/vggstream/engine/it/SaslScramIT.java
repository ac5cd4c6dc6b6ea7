package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.KraftBroker;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.ops.BrokerWatch;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine behind a SASL/SCRAM-SHA-512 listener of a real KRaft broker, configured only through
 * {@code vggstream.kafka.clients}: a wrong password is said within seconds with the reason; the
 * right one serves frames (topics created, frames consumed, predictions produced, all over SASL).
 */
class SaslScramIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final String USER = "engine";
    private static final String PASSWORD = "right-password";

    @TempDir
    static Path dir;

    private static KraftBroker broker;
    private static String saslBootstrap;
    private static TestModels.Exported model;

    @BeforeAll
    static void startBrokerWithSaslListener() throws Exception {
        int port = freePort();
        int controller = freePort();
        int sasl = freePort();
        saslBootstrap = "127.0.0.1:" + sasl;
        Map<String, String> overrides = new HashMap<>();
        // PLAINTEXT stays for the broker itself and for creating the user; clients under test use SASL_PLAINTEXT.
        overrides.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + sasl
            + ",CONTROLLER://127.0.0.1:" + controller);
        overrides.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://" + saslBootstrap);
        overrides.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        overrides.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        overrides.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        broker = KraftBroker.start(new KraftBroker.Settings(Files.createTempDirectory(dir, "kafka"), port, controller, true, overrides),
            Duration.ofSeconds(60));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD))).all().get();
        }
        model = TestModels.export(dir.resolve("fmnist-a"));
    }

    @AfterAll
    static void stop() {
        if (model != null) {
            model.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldSayTheLoginFailedWithinSecondsWhenThePasswordIsWrong() throws Exception {
        try (BrokerWatch watch = BrokerWatch.start(sasl("wrong-password"), "vggstream.frames", Duration.ofMillis(200),
            Duration.ofSeconds(5), Duration.ofMinutes(10))) {
            // At the first check (connect, then one describe of at most 5 s), not after a client's retries run out.
            await(() -> watch.state().status() == BrokerWatch.Status.FAILING, Duration.ofSeconds(15), () -> "a failure, now " + watch.state());
            assertThat(watch.state().reason()).contains(saslBootstrap).contains("SASL authentication failed")
                .containsIgnoringCase("invalid credentials").contains("sasl.jaas.config");
        }
    }

    @Test
    void shouldServeFramesOverSaslWhenThePasswordIsRight() throws Exception {
        KafkaSettings k = sasl(PASSWORD);
        TopicsSettings named = TopicsSettings.from(CONFIG).withNames("sasl.frames", "sasl.predictions", "sasl.dlq");
        TopicsSettings topics;
        try (BrokerWatch watch = BrokerWatch.start(k, named.frames().name(), Duration.ofMillis(200), Duration.ofSeconds(5),
            Duration.ofMinutes(10))) {
            // The credential reaches the broker's metadata shortly after the admin call: logged in once the broker answers
            // that the topic is missing.
            await(() -> watch.state().reason().contains("does not exist"), Duration.ofSeconds(30), () -> "logged in, now " + watch.state());
            // Created over SASL, as `topics create` would with these settings.
            topics = TestTopics.ensured(k, named);
            await(() -> watch.state().connected(), Duration.ofSeconds(30), () -> "connected over SASL, now " + watch.state());
        }
        int frames = 6;
        try (KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer())) {
            for (int seq = 0; seq < frames; seq++) {
                p.send(FrameRecords.record(topics.frames().name(), "cam-1", Frame.of(seq, System.currentTimeMillis(), Frames.jpeg(48, 40, 17L * seq))));
            }
            p.flush();
        }
        EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model.dir())).withProtocol(Protocol.parse("single"))
            .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu")))).withGroupId("sasl-engine");
        try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics)) {
            await(() -> running.engine().metrics().predictions() >= frames, Duration.ofSeconds(120), () -> "the frames to be predicted");
        }
        // The predictions are on the broker, read back over SASL.
        Map<String, Object> c = new HashMap<>(KafkaLimits.consumer(k, topics));
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "sasl-reader");
        int read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.predictions().name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read < frames && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
        }
        assertThat(read).isEqualTo(frames);
    }

    private static KafkaSettings sasl(String password) {
        return new KafkaSettings(saslBootstrap, Map.of(
            CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
            SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512",
            SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\";"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code done} until it holds (the state is observed, not waited for blindly), failing after {@code within}. */
    private static void await(BooleanSupplier done, Duration within, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + within + " for " + what.get());
            }
            Thread.sleep(100);
        }
    }
}
