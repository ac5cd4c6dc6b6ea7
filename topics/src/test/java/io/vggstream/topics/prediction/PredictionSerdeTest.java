package io.vggstream.topics.prediction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class PredictionSerdeTest {

    private static final String TOPIC = "vggstream.predictions";

    static Prediction sample(Optional<String> label) {
        return new Prediction("cam-1", 42, 1_700_000_000_000L,
            new Prediction.Source("vggstream.frames", 3, 1234),
            List.of(new Prediction.Ranked(7, "Sneaker", 0.91), new Prediction.Ranked(5, "Sandal", 0.06)),
            List.of("vgg-a-w8-fmnist"),
            new Prediction.Protocol("multi-scale", List.of(32, 48, 64), true, 0),
            new Prediction.Latency(12.5, 40.25), label, false);
    }

    @Test
    void shouldRoundTripPrediction() throws Exception {
        Prediction p = sample(Optional.of("7"));
        byte[] json = new PredictionSerializer().serialize(TOPIC, p);
        assertThat(new PredictionDeserializer().deserialize(TOPIC, json)).isEqualTo(p);
    }

    @Test
    void shouldReadBackEveryProbabilityAndLatencyBitForBitAndAsAnyJsonReaderDoes() throws Exception {
        // Jackson's own double writer and parser stand in for the JDK's: the values must not move by an ulp, for this
        // reader or for a plain one (which parses with the JDK).
        java.util.Random random = new java.util.Random(13);
        for (int i = 0; i < 2_000; i++) {
            double a = random.nextDouble();
            double b = a * Math.pow(10, -random.nextInt(12));
            double ms = random.nextDouble() * Math.pow(10, random.nextInt(6));
            Prediction p = new Prediction("cam-1", i, 1_700_000_000_000L, new Prediction.Source("vggstream.frames", 0, i),
                List.of(new Prediction.Ranked(1, "a", Math.max(a, b)), new Prediction.Ranked(2, "b", Math.min(a, b))),
                List.of("m"), new Prediction.Protocol("single", List.of(224), true, 0), new Prediction.Latency(ms, ms * 3),
                Optional.empty(), false);
            byte[] json = new PredictionSerializer().serialize(TOPIC, p);
            assertThat(new PredictionDeserializer().deserialize(TOPIC, json)).isEqualTo(p);
            JsonNode n = new ObjectMapper().readTree(json);
            assertThat(n.at("/top/0/p").asDouble()).isEqualTo(Math.max(a, b));
            assertThat(n.at("/top/1/p").asDouble()).isEqualTo(Math.min(a, b));
            assertThat(n.at("/latency_ms/engine").asDouble()).isEqualTo(ms);
        }
    }

    @Test
    void shouldWriteTheContractFieldNames() throws Exception {
        JsonNode n = new ObjectMapper().readTree(new PredictionSerializer().serialize(TOPIC, sample(Optional.of("7"))));
        assertThat(n.get("stream").asText()).isEqualTo("cam-1");
        assertThat(n.get("seq").asLong()).isEqualTo(42);
        assertThat(n.get("ts").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(n.at("/source/topic").asText()).isEqualTo("vggstream.frames");
        assertThat(n.at("/source/partition").asInt()).isEqualTo(3);
        assertThat(n.at("/source/offset").asLong()).isEqualTo(1234);
        assertThat(n.at("/top/0/index").asInt()).isEqualTo(7);
        assertThat(n.at("/top/0/label").asText()).isEqualTo("Sneaker");
        assertThat(n.at("/top/0/p").asDouble()).isEqualTo(0.91);
        assertThat(n.at("/models/0").asText()).isEqualTo("vgg-a-w8-fmnist");
        assertThat(n.at("/protocol/scales/2").asInt()).isEqualTo(64);
        assertThat(n.at("/protocol/flips").asBoolean()).isTrue();
        assertThat(n.at("/protocol/crops").asInt()).isZero();
        assertThat(n.at("/latency_ms/engine").asDouble()).isEqualTo(12.5);
        assertThat(n.at("/latency_ms/capture").asDouble()).isEqualTo(40.25);
        assertThat(n.get("label").asText()).isEqualTo("7");
    }

    @Test
    void shouldRoundTripTheVideoLevelResult() throws Exception {
        Prediction p = sample(Optional.of("7")).withVideo(new Prediction.Video("ema", 12, List.of(new Prediction.Ranked(7, "Sneaker", 0.8))));
        byte[] json = new PredictionSerializer().serialize(TOPIC, p);
        assertThat(new ObjectMapper().readTree(json).at("/video/top/0/label").asText()).isEqualTo("Sneaker");
        assertThat(new PredictionDeserializer().deserialize(TOPIC, json)).isEqualTo(p);
        assertThat(new ObjectMapper().readTree(new PredictionSerializer().serialize(TOPIC, sample(Optional.empty()))).has("video")).isFalse();
    }

    @Test
    void shouldOmitLabelWhenTheFrameHadNone() throws Exception {
        byte[] json = new PredictionSerializer().serialize(TOPIC, sample(Optional.empty()));
        assertThat(new ObjectMapper().readTree(json).has("label")).isFalse();
        assertThat(new PredictionDeserializer().deserialize(TOPIC, json).label()).isEmpty();
    }

    @Test
    void shouldIgnoreFieldsAddedByNewerEngines() {
        String json = new String(new PredictionSerializer().serialize(TOPIC, sample(Optional.empty())), StandardCharsets.UTF_8)
            .replaceFirst("\\{", "{\"future_field\":{\"x\":[1]},");
        assertThat(new PredictionDeserializer().deserialize(TOPIC, json.getBytes(StandardCharsets.UTF_8)).stream()).isEqualTo("cam-1");
    }

    @Test
    void shouldRejectTopThatIsNotSortedBestFirst() {
        Prediction p = sample(Optional.empty());
        Prediction unsorted = new Prediction(p.stream(), p.seq(), p.ts(), p.source(),
            List.of(new Prediction.Ranked(1, "a", 0.1), new Prediction.Ranked(2, "b", 0.8)),
            p.models(), p.protocol(), p.latencyMs(), p.label(), p.partial());
        assertThatThrownBy(() -> new PredictionSerializer().serialize(TOPIC, unsorted))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining(TOPIC)
            .hasMessageContaining("'top' must be sorted best first");
    }

    @Test
    void shouldRejectProbabilityOutsideUnitInterval() {
        Prediction p = sample(Optional.empty());
        Prediction bad = new Prediction(p.stream(), p.seq(), p.ts(), p.source(), List.of(new Prediction.Ranked(1, "a", 1.5)),
            p.models(), p.protocol(), p.latencyMs(), p.label(), p.partial());
        assertThatThrownBy(() -> new PredictionSerializer().serialize(TOPIC, bad)).hasMessageContaining("'top[].p'");
    }

    @Test
    void shouldRejectJsonMissingARequiredFieldNamingIt() {
        String json = "{\"stream\":\"s\",\"seq\":1,\"ts\":2,\"top\":[{\"index\":0,\"label\":\"x\",\"p\":1.0}],"
            + "\"models\":[\"m\"],\"protocol\":{\"name\":\"single\",\"scales\":[224],\"flips\":false,\"crops\":0},"
            + "\"latency_ms\":{\"engine\":1,\"capture\":2}}";
        assertThatThrownBy(() -> new PredictionDeserializer().deserialize(TOPIC, json.getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining(TOPIC)
            .hasMessageContaining("source");
    }

    @Test
    void shouldRejectGarbageWithTheTopicInTheMessage() {
        assertThatThrownBy(() -> new PredictionDeserializer().deserialize(TOPIC, "not json".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining("cannot read a prediction on topic " + TOPIC);
    }

    @Test
    void shouldPassNullThrough() {
        assertThat(new PredictionSerializer().serialize(TOPIC, null)).isNull();
        assertThat(new PredictionDeserializer().deserialize(TOPIC, null)).isNull();
    }
}
