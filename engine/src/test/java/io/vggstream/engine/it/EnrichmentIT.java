package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.settings.EnrichSettings;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.actors.Enricher;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** JSON events in, the same events with a "vgg" object out: base64, file and URL images, and events without. */
@ExtendWith(KafkaBrokerExtension.class)
class EnrichmentIT {

    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    static Path dir;

    private static TestModels.Exported model;

    @BeforeAll
    static void exportModel() {
        model = TestModels.export(dir.resolve("m"));
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void shouldEnrichEventsWithImagesAndPassTheOthersThroughFlagged(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        String in = kafka.createTopic("events", 2);
        String out = kafka.createTopic("enriched", 2);
        byte[] jpeg = Frames.jpeg(64, 48, 11);
        Path file = dir.resolve("cam.jpg");
        Files.write(file, jpeg);
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/frame.jpg", ex -> {
            ex.sendResponseHeaders(200, jpeg.length);
            ex.getResponseBody().write(jpeg);
            ex.close();
        });
        http.start();
        try {
            String b64 = Base64.getEncoder().encodeToString(jpeg);
            List<String> events = List.of(
                "{\"id\":\"b64\",\"image\":\"" + b64 + "\"}",
                "{\"id\":\"none\",\"temperature\":21.5}",
                "not json at all",
                "{\"id\":\"junk\",\"image\":\"" + Base64.getEncoder().encodeToString("junk".getBytes()) + "\"}");
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new ByteArraySerializer(),
                new ByteArraySerializer())) {
                for (String e : events) {
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(in, "sensor-1".getBytes(), e.getBytes(StandardCharsets.UTF_8));
                    r.headers().add("trace", "t-1".getBytes());
                    p.send(r);
                }
                p.flush();
            }
            EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model.dir()))
                .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu")))).withGroupId(kafka.uniqueName("frames-group"));
            EnrichSettings base64 = EnrichSettings.from(CONFIG).enabled(true).withTopics(in, out).withGroupId(kafka.uniqueName("enricher"));
            List<ConsumerRecord<byte[], byte[]>> got;
            try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics, java.util.Optional.of(base64))) {
                got = StreamingIT.consume(kafka, out, new ByteArrayDeserializer(), new ByteArrayDeserializer(), events.size());
                // What the status line and /metrics show: each event counted once, by how it was answered, and none as a frame.
                EngineMetrics m = running.engine().metrics();
                assertThat(List.of(m.eventsIn(), m.eventsEnriched(), m.eventsSkipped(), m.eventsFailed())).containsExactly(4L, 1L, 2L, 1L);
                assertThat(m.framesIn()).isZero();
            }
            assertThat(got).hasSize(events.size());
            Map<String, ConsumerRecord<byte[], byte[]>> byId = new HashMap<>();
            ObjectMapper json = new ObjectMapper();
            for (ConsumerRecord<byte[], byte[]> r : got) {
                assertThat(r.key()).isEqualTo("sensor-1".getBytes());
                assertThat(new String(r.headers().lastHeader("trace").value())).isEqualTo("t-1");
                String v = new String(r.value(), StandardCharsets.UTF_8);
                byId.put(v.startsWith("{") ? json.readTree(v).get("id").asText() : v, r);
            }
            JsonNode enriched = json.readTree(byId.get("b64").value());
            assertThat(enriched.get("image").asText()).isEqualTo(b64);
            assertThat(enriched.at("/vgg/top")).hasSize(5);
            assertThat(enriched.at("/vgg/top/0/label").asText()).startsWith("class");
            assertThat(enriched.at("/vgg/models/0").asText()).isEqualTo("m");
            assertThat(enriched.at("/vgg/protocol/scales/0").asInt()).isEqualTo(37);
            assertThat(byId.get("b64").headers().lastHeader(Enricher.SKIPPED_HEADER)).isNull();

            ConsumerRecord<byte[], byte[]> none = byId.get("none");
            assertThat(new String(none.value(), StandardCharsets.UTF_8)).isEqualTo(events.get(1));
            assertThat(new String(none.headers().lastHeader(Enricher.SKIPPED_HEADER).value())).contains("no image at /image");
            assertThat(new String(byId.get("not json at all").headers().lastHeader(Enricher.SKIPPED_HEADER).value())).contains("not JSON");
            assertThat(json.readTree(byId.get("junk").value()).at("/vgg/kind").asText()).isEqualTo("decode");

            // The same image by path and by URL gives the same answer as by base64.
            for (String[] c : new String[][] {{"path", file.toString()}, {"url", "http://127.0.0.1:" + http.getAddress().getPort() + "/frame.jpg"}}) {
                String in2 = kafka.createTopic("events-" + c[0], 1);
                String out2 = kafka.createTopic("enriched-" + c[0], 1);
                try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                    p.send(new ProducerRecord<>(in2, null, ("{\"id\":\"x\",\"src\":\"" + c[1] + "\"}").getBytes(StandardCharsets.UTF_8)));
                    p.flush();
                }
                // The file's folder as the root; the loopback server as an allowed host, private addresses allowed.
                EnrichSettings other = EnrichSettings.from(ConfigFactory.parseString(
                        "vggstream.engine.enrich { image-field = \"/src\", image-encoding = " + c[0] + ", path-root = \"" + dir
                            + "\", url-allowed-hosts = [\"127.0.0.1\"], url-allow-private = on }").withFallback(CONFIG))
                    .enabled(true).withTopics(in2, out2).withGroupId(kafka.uniqueName("enricher-" + c[0]));
                List<ConsumerRecord<byte[], byte[]>> r;
                try (StreamingEngine running = StreamingEngine.start(Engine.start(settings.withGroupId(kafka.uniqueName("g-" + c[0])), CONFIG),
                    k, topics, java.util.Optional.of(other))) {
                    r = StreamingIT.consume(kafka, out2, new ByteArrayDeserializer(), new ByteArrayDeserializer(), 1);
                }
                assertThat(r).hasSize(1);
                assertThat(json.readTree(r.get(0).value()).at("/vgg/top")).as(c[0]).isEqualTo(enriched.at("/vgg/top"));
            }
        } finally {
            http.stop(0);
        }
    }
}
