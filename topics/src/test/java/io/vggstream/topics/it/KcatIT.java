package io.vggstream.topics.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.config.StrictConfig;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameDeserializer;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionSerializer;
import io.vggstream.topics.testing.Images;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The contract as any client speaks it: the real kcat binary on one side, our serdes on the other. */
@ExtendWith(KafkaBrokerExtension.class)
class KcatIT {

    private static final TopicsSettings TOPICS = TopicsSettings.from(StrictConfig.load(Optional.empty()));
    private static String kcat;

    @BeforeAll
    static void findKcat() {
        kcat = List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
            .map(d -> Path.of(d, "kcat")).filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
        assumeTrue(kcat != null, "kcat is not on PATH: install it (apt-get install kcat) to run the kcat contract tests");
    }

    @Test
    void shouldReadJpegProducedByKcatWithHeadersThroughOurDeserializer(LocalKafka kafka, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("frames", 1, TOPICS.topicConfigs(TOPICS.frames()));
        byte[] jpeg = Images.jpeg(320, 240);
        Path file = dir.resolve("frame.jpg");
        Files.write(file, jpeg);

        // The README's example, verbatim but for broker and topic: one file is one message.
        Result r = run(List.of(kcat, "-b", kafka.bootstrapServers(), "-t", topic, "-P", "-k", "cam-1",
            "-H", "seq=7", "-H", "ts=1700000000000", "-H", "label=Sneaker", file.toString()));
        assertThat(r.code()).as("kcat -P failed: %s", r.output()).isZero();

        List<ConsumerRecord<String, Frame>> got = FrameRoundTripIT.consume(kafka, topic, new StringDeserializer(), new FrameDeserializer(), 1);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).key()).isEqualTo("cam-1");
        Frame f = got.get(0).value();
        assertThat(f.seq()).isEqualTo(7);
        assertThat(f.ts()).isEqualTo(1_700_000_000_000L);
        assertThat(f.label()).contains("Sneaker");
        assertThat(f.image()).isEqualTo(jpeg);
    }

    @Test
    void shouldLetKcatReadPredictionWrittenByOurSerializer(LocalKafka kafka) throws Exception {
        String topic = kafka.createTopic("predictions", 1, TOPICS.topicConfigs(TOPICS.predictions()));
        Prediction p = new Prediction("cam-1", 7, 1_700_000_000_000L, new Prediction.Source("vggstream.frames", 0, 41),
            List.of(new Prediction.Ranked(7, "Sneaker", 0.93), new Prediction.Ranked(9, "Ankle boot", 0.05)),
            List.of("vgg-a"), new Prediction.Protocol("single", List.of(64), true, 0), new Prediction.Latency(8.5, 30.0),
            Optional.of("Sneaker"), false);
        try (KafkaProducer<String, Prediction> producer = new KafkaProducer<>(
            KafkaLimits.producer(new KafkaSettings(kafka.bootstrapServers(), Map.of()), TOPICS),
            new StringSerializer(), new PredictionSerializer())) {
            producer.send(new ProducerRecord<>(topic, p.stream(), p)).get(30, TimeUnit.SECONDS);
        }

        Result r = run(List.of(kcat, "-b", kafka.bootstrapServers(), "-t", topic, "-C", "-o", "beginning", "-c", "1", "-e",
            "-f", "%k\t%s\n"));
        assertThat(r.code()).as("kcat -C failed: %s", r.output()).isZero();
        String[] line = r.output().strip().split("\t", 2);
        assertThat(line[0]).isEqualTo("cam-1");
        JsonNode json = new ObjectMapper().readTree(line[1]);
        assertThat(json.get("seq").asLong()).isEqualTo(7);
        assertThat(json.at("/top/0/label").asText()).isEqualTo("Sneaker");
        assertThat(json.at("/top/0/p").asDouble()).isEqualTo(0.93);
        assertThat(json.at("/source/offset").asLong()).isEqualTo(41);
        assertThat(json.at("/latency_ms/capture").asDouble()).isEqualTo(30.0);
    }

    record Result(int code, String output) {
    }

    private static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + out);
        }
        return new Result(p.exitValue(), out);
    }
}
