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
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stuck in native code (the test hook: a frame whose run never ends) is seen: after
 * {@code inference.stall-timeout} the liveness probe answers 503 naming the run, readiness too, and
 * the stall is logged at ERROR; with {@code stall-exit} off the process stays up for its supervisor
 * to restart. (With it on, PoisonPillIT's stall test: the process ends with 87 and the frame is
 * dead-lettered as poison after two stalls.)
 */
@ExtendWith(KafkaBrokerExtension.class)
class StallIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void shouldAnswerLivenessWith503NamingTheRunWhenARunStalls(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG, 1);
        TestModels.Exported model = TestModels.export(dir.resolve("m"));
        model.close();
        List<String> args = List.of(kafka.bootstrapServers(), topics.frames().name(), topics.predictions().name(),
            topics.deadLetter().name(), kafka.uniqueName("engine"), model.dir().toString(), "single", "at-least-once",
            kafka.uniqueName("txn"), "ops");
        List<String> jvm = List.of("-D" + KafkaPipe.KILL_HOOK + "=true", "-Dvggstream.engine.inference.stall-timeout=3s");
        try (ChildEngine engine = ChildEngine.start(dir.resolve("logs"), dir.resolve("work"), jvm, args)) {
            int port = engine.log().lines().filter(l -> l.startsWith("OPS ")).mapToInt(l -> Integer.parseInt(l.substring(4).trim()))
                .findFirst().orElseThrow();
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            try (KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(),
                     new FrameSerializer())) {
                ProducerRecord<String, Frame> r = FrameRecords.record(topics.frames().name(), "cam-0",
                    Frame.of(0, System.currentTimeMillis(), Frames.jpeg(48, 40, 0)));
                r.headers().add(KafkaPipe.STALL_HEADER, "1".getBytes(StandardCharsets.UTF_8));
                p.send(r).get();
            }
            engine.awaitLog("carries " + KafkaPipe.STALL_HEADER, Duration.ofSeconds(120));
            // Polled, not slept on: the watch looks every 750 ms once the run is 3 s old.
            HttpResponse<String> live = get(port, "/health/live");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (live.statusCode() == 200 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                live = get(port, "/health/live");
            }
            assertThat(live.statusCode()).as(engine.log()).isEqualTo(503);
            assertThat(live.body()).startsWith("stalled: an inference run of test-stall@hook has been in progress for")
                .contains("inference.stall-timeout, 3 s");
            assertThat(get(port, "/health/ready").statusCode()).isEqualTo(503);
            engine.awaitLog("ERROR i.v.engine.infer.StallWatch - inference stalled", Duration.ofSeconds(10));
            assertThat(engine.log()).contains("/health/live answers 503 until the process is restarted");
            assertThat(engine.process().isAlive()).as("stall-exit off: the supervisor restarts it").isTrue();
            System.out.println("stall: /health/live " + live.statusCode() + " " + live.body().trim());
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
