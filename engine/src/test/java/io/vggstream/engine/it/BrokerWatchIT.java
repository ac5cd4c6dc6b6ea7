package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.ops.BrokerWatch;
import io.vggstream.engine.ops.EngineStatus;
import io.vggstream.engine.ops.OpsServer;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * A broker that cannot be used is said at once, where and why: in the log at WARN (then at a bounded
 * rate), on /health/ready and by {@code vggstream status}; a usable one turns the watch connected.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BrokerWatchIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldWarnOnceWithAddressAndReasonAndTurnNotReadyWhenNothingListensAtTheBootstrapAddress() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + closed;
        ListAppender<ILoggingEvent> log = capture();
        try (OpsServer ops = OpsServer.start(0);
             BrokerWatch watch = BrokerWatch.start(new KafkaSettings(bootstrap, Map.of()), "vggstream.frames",
                 Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMinutes(10))) {
            ops.watch(watch);
            await(() -> watch.checks() >= 5, Duration.ofSeconds(30), () -> "five checks, now " + watch.state());

            assertThat(watch.state().status()).isEqualTo(BrokerWatch.Status.FAILING);
            assertThat(watch.state().reason()).contains(bootstrap).containsIgnoringCase("connection refused")
                .contains("vggstream.kafka.bootstrap-servers");
            // Five failed checks, one warning: repeated only every warnEvery (10 minutes here).
            List<ILoggingEvent> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN
                && e.getLoggerName().equals(BrokerWatch.class.getName())).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).getFormattedMessage()).contains(bootstrap).containsIgnoringCase("connection refused");

            HttpResponse<String> ready = get(ops.port(), "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("status: not-ready").contains("kafka: failing").contains(bootstrap);
            assertThat(get(ops.port(), "/health/started").statusCode()).as("no engine yet: still warming up").isEqualTo(503);
            assertThat(EngineStatus.parseMetrics(get(ops.port(), "/metrics").body())).containsEntry("vggstream_kafka_connected", 0.0);

            StringWriter out = new StringWriter();
            EngineStatus.Result status = EngineStatus.run(new EngineStatus.Options("127.0.0.1", ops.port(), Duration.ofSeconds(5)),
                new PrintWriter(out));
            assertThat(status.ready()).isFalse();
            assertThat(out.toString()).contains("NOT READY").contains("kafka: failing").containsIgnoringCase("connection refused");
        } finally {
            release(log);
        }
    }

    @Test
    void shouldSayTheTopicIsMissingWhenTheBrokerAnswersWithoutIt(LocalKafka kafka) throws Exception {
        String topic = kafka.uniqueName("absent");
        try (BrokerWatch watch = BrokerWatch.start(new KafkaSettings(kafka.bootstrapServers(), Map.of()), topic,
            Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMinutes(10))) {
            await(() -> watch.state().status() == BrokerWatch.Status.FAILING, Duration.ofSeconds(30), () -> "a failure, now " + watch.state());
            assertThat(watch.state().reason()).contains(kafka.bootstrapServers()).contains("topic " + topic + " does not exist");
        }
    }

    @Test
    void shouldPointAtTheSecurityProtocolWhenTlsIsSpokenToAPlaintextListener(LocalKafka kafka) throws Exception {
        // The broker drops the connection; kafka-clients retries it until the call times out, so the reason is the silence.
        KafkaSettings tls = new KafkaSettings(kafka.bootstrapServers(), Map.of("security.protocol", "SSL"));
        try (BrokerWatch watch = BrokerWatch.start(tls, "vggstream.frames", Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMinutes(10))) {
            await(() -> watch.state().status() == BrokerWatch.Status.FAILING, Duration.ofSeconds(30), () -> "a failure, now " + watch.state());
            assertThat(watch.state().reason()).contains(kafka.bootstrapServers()).contains("no Kafka answer").contains("security.protocol");
        }
    }

    @Test
    void shouldTurnConnectedWhenTheBrokerServesTheFramesTopic(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, ConfigFactory.load());
        try (OpsServer ops = OpsServer.start(0);
             BrokerWatch watch = BrokerWatch.start(k, topics.frames().name(), Duration.ofMillis(200), Duration.ofSeconds(5),
                 Duration.ofMinutes(10))) {
            ops.watch(watch);
            await(() -> watch.state().connected(), Duration.ofSeconds(30), () -> "connected, now " + watch.state());
            assertThat(EngineStatus.parseMetrics(get(ops.port(), "/metrics").body())).containsEntry("vggstream_kafka_connected", 1.0);
            // Connected but not warm (no engine attached): not ready yet.
            HttpResponse<String> ready = get(ops.port(), "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("warm: no").contains("kafka: connected");
        }
    }

    private static ListAppender<ILoggingEvent> capture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        context.getLogger("io.vggstream").addAppender(captured);
        return captured;
    }

    private static void release(ListAppender<ILoggingEvent> captured) {
        Logger vggstream = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.vggstream");
        vggstream.detachAppender(captured);
        captured.stop();
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
            Thread.sleep(100);
        }
    }
}
