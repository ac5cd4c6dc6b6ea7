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
import io.vggstream.engine.ops.EngineStatus;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.ops.BrokerWatch;
import io.vggstream.engine.ops.EngineStatus;
import io.vggstream.engine.ops.OpsServer;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.deadletter.ErrorKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The ops endpoints of a running engine: /metrics counts what was sent; /health/ready turns 200 only once warm. */
@ExtendWith(KafkaBrokerExtension.class)
class OpsIT {

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
    void shouldCountEveryFrameSentAndTurnReadyOnlyWhenWarm(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        int good = 24;
        int bad = 3;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaLimits.producer(k, topics),
            new ByteArraySerializer(), new ByteArraySerializer())) {
            long t0 = System.currentTimeMillis();
            for (int seq = 0; seq < good; seq++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.frames().name(), utf8("cam-" + seq % 3),
                    Frames.jpeg(48, 40, 7919L * seq));
                r.headers().add("seq", utf8(Integer.toString(seq / 3))).add("ts", utf8(Long.toString(t0 + seq)));
                producer.send(r);
            }
            for (int i = 0; i < bad; i++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.frames().name(), utf8("cam-bad"), utf8("not an image " + i));
                r.headers().add("seq", utf8(Integer.toString(i))).add("ts", utf8(Long.toString(t0)));
                producer.send(r);
            }
            producer.flush();
        }

        EngineSettings settings = EngineSettings.from(CONFIG)
            .withModels(List.of(model.dir()))
            .withProtocol(Protocol.parse("single"))
            .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))))
            .withGroupId(kafka.uniqueName("engine"));
        int port;
        try (OpsServer ops = OpsServer.start(0)) {
            port = ops.port();
            // Before the engine exists (models loading, warm-up): live, not ready.
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> early = get(port, "/health/ready");
            assertThat(early.statusCode()).isEqualTo(503);
            assertThat(early.body()).contains("warm: no");
            assertThat(status(port)).isEqualTo(1);

            try (BrokerWatch watch = BrokerWatch.start(k, topics.frames().name());
                 StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics)) {
                ops.watch(watch);
                ops.attach(running);
                // Ready means warm (no broker watch attached here); the partitions held are reported beside it.
                HttpResponse<String> ready = poll(() -> get(port, "/health/ready"),
                    r -> r.statusCode() == 200 && r.body().matches("(?s).*assigned-partitions: [1-9].*"), Duration.ofSeconds(60));
                // The consumer's getMetrics before its stage is up must not stop the ingest: frames still flow below.
                assertThat(ready.body()).contains("warm: yes").contains("status: ready");
                assertThat(ready.body()).doesNotContain("assigned-partitions: 0").doesNotContain("assigned-partitions: -1");

                // Answered (counted before produce) and produced (the producer's ack came back) for every frame.
                Map<String, Double> m = poll(() -> EngineStatus.parseMetrics(get(port, "/metrics").body()),
                    s -> s.getOrDefault("vggstream_frames_predicted_total", 0.0) + s.getOrDefault("vggstream_frames_dead_lettered_total", 0.0)
                        >= good + bad && s.getOrDefault(count("produce"), 0.0) >= good + bad, Duration.ofSeconds(120));
                assertThat(m.get("vggstream_frames_in_total")).isEqualTo(good + bad);
                assertThat(m.get("vggstream_frames_predicted_total")).isEqualTo(good);
                assertThat(m.get("vggstream_frames_dead_lettered_total")).isEqualTo(bad);
                assertThat(m.get("vggstream_frames_dropped_total")).isZero();
                // By kind: the undecodable images are "decode"; every other kind of the contract is a series at 0.
                assertThat(m.get("vggstream_dead_letters_total{kind=\"decode\"}")).isEqualTo(bad);
                for (ErrorKind kind : ErrorKind.values()) {
                    assertThat(m).as("%s", kind).containsKey("vggstream_dead_letters_total{kind=\"" + kind.code() + "\"}");
                }
                assertThat(m.entrySet()).filteredOn(e -> e.getKey().startsWith("vggstream_dead_letters_total{"))
                    .extracting(Map.Entry::getValue).containsOnly(0.0, (double) bad);
                assertThat(m.get("vggstream_frames_partial_total")).isZero();
                assertThat(m.get("vggstream_frames_in_flight")).isZero();
                // Each good frame is one input to one batch under "single" with flips: 2 variants per frame.
                assertThat(m.get("vggstream_batch_size_inputs_sum")).isEqualTo(good * 2.0);
                assertThat(m.get("vggstream_batch_size_inputs_count")).isEqualTo(m.get("vggstream_batches_total"));
                // Undecodable images pass the contract check and fail in the preprocessor: every frame went consume -> answer.
                assertThat(m.get("vggstream_latency_seconds_count{stage=\"end_to_end\"}")).isEqualTo(good + bad);
                assertThat(m.get("vggstream_latency_seconds_count{stage=\"inference_batch\"}")).isEqualTo(m.get("vggstream_batches_total"));
                // Per stage: decode and preprocess once per frame that decoded, queue once per variant (2 a frame), fusion once
                // per prediction, produce once per output record (predictions and dead letters alike).
                assertThat(m.get(count("decode"))).isEqualTo(good);
                assertThat(m.get(count("preprocess"))).isEqualTo(good);
                assertThat(m.get(count("queue"))).isEqualTo(good * 2.0);
                assertThat(m.get(count("fusion"))).isEqualTo(good);
                assertThat(m.get(count("produce"))).isEqualTo(good + bad);
                for (String stage : List.of("end_to_end", "decode", "preprocess", "queue", "inference_batch", "fusion", "produce")) {
                    assertThat(m.get(sum(stage))).as(stage).isPositive();
                }
                // Decode, preprocess and fusion lie inside a frame's consume-to-answer time, one after the other; so does each
                // variant's wait, two of them a frame (they wait side by side).
                double endToEnd = m.get(sum("end_to_end"));
                assertThat(m.get(sum("decode")) + m.get(sum("preprocess")) + m.get(sum("fusion"))).isLessThan(endToEnd);
                assertThat(m.get(sum("queue"))).isLessThanOrEqualTo(2 * endToEnd);
                // The time-based buckets are cumulative and end at +Inf with every sample.
                assertThat(m.entrySet()).filteredOn(e -> e.getKey().startsWith("vggstream_latency_seconds_bucket{")
                        && e.getKey().contains("stage=\"decode\"") && e.getKey().contains("le=\"+Inf\""))
                    .extracting(Map.Entry::getValue).containsExactly((double) good);
                // As many as workers-per-device = auto chose (one per core for this small model, or one).
                assertThat(m.get("vggstream_workers{model=\"fmnist-a\",provider=\"CPU\"}"))
                    .isEqualTo((double) running.engine().providers().size())
                    .isEqualTo((double) running.engine().settings().inference().workersPerDevice());
                assertThat(m.get("vggstream_consumer_assigned_partitions")).isPositive();
                assertThat(m.keySet()).anyMatch(s -> s.matches("vggstream_consumer_lag_records\\{partition=\"[0-9]+\",topic=\""
                    + java.util.regex.Pattern.quote(topics.frames().name()) + "\"}"));
                assertThat(m).containsKey("vggstream_consumer_lag_max_records");
                assertThat(m.keySet()).anyMatch(s -> s.startsWith("jvm_memory_used_bytes{area=\"heap\""));
                assertThat(m.get("process_resident_memory_bytes")).isPositive();
                assertThat(m.keySet()).noneMatch(s -> s.startsWith("vggstream_process_memory"));

                assertThat(m.get("vggstream_kafka_connected")).isEqualTo(1.0);
                assertThat(m.get("vggstream_ready")).isEqualTo(1.0);
                assertThat(m.get("vggstream_protocol_level")).isZero();
                // The operators' dashboard and alerts query only metrics this scrape has.
                Set<String> exported = new TreeSet<>();
                m.keySet().forEach(sample -> exported.add(sample.contains("{") ? sample.substring(0, sample.indexOf('{')) : sample));
                assertThat(monitoringMetricNames()).isNotEmpty().allSatisfy(name -> assertThat(exported).as("%s, queried in deploy/", name)
                    .contains(name));

                StringWriter out = new StringWriter();
                assertThat(status(port, out)).isEqualTo(0);
                assertThat(out.toString()).contains("READY").contains("frames in " + (good + bad) + ", predicted " + good)
                    .containsPattern("mean ms per stage: decode [0-9.]+, preprocess [0-9.]+, queue [0-9.]+, inference_batch [0-9.]+,"
                        + " fusion [0-9.]+, produce [0-9.]+");
            }
        }
        // Gone: status says so and exits 1.
        assertThat(status(port)).isEqualTo(1);
    }

    /** The metric names that deploy/'s Grafana dashboard and PrometheusRule query. */
    private static Set<String> monitoringMetricNames() throws java.io.IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/k8s"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("deploy/ above the working directory").isNotNull();
        Set<String> names = new TreeSet<>();
        for (Path f : List.of(dir.resolve("deploy/k8s/prometheusrule.yaml"), dir.resolve("deploy/monitoring/grafana/dashboards/vggstream.json"))) {
            java.util.regex.Matcher n = java.util.regex.Pattern.compile("\\b(?:vggstream|process|jvm)_[a-z0-9_]+").matcher(Files.readString(f));
            while (n.find()) {
                names.add(n.group());
            }
        }
        return names;
    }

    private static String count(String stage) {
        return "vggstream_latency_seconds_count{stage=\"" + stage + "\"}";
    }

    private static String sum(String stage) {
        return "vggstream_latency_seconds_sum{stage=\"" + stage + "\"}";
    }

    private static int status(int port) {
        return status(port, new StringWriter());
    }

    private static int status(int port, StringWriter out) {
        PrintWriter w = new PrintWriter(out);
        EngineStatus.Result r = EngineStatus.run(new EngineStatus.Options("127.0.0.1", port, Duration.ofSeconds(5)), w);
        w.flush();
        return r.ready() ? 0 : 1;
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> T poll(java.util.function.Supplier<T> get, java.util.function.Predicate<T> done, Duration within)
        throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        T last = get.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            last = get.get();
        }
        T seen = last;
        assertThat(done.test(last)).as("within %s: %s", within, seen instanceof HttpResponse<?> r ? r.statusCode() + " " + r.body() : seen)
            .isTrue();
        return last;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
