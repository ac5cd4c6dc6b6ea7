package io.vggstream.engine.actors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.settings.EnrichSettings;
import io.vggstream.topics.RecordFit;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.pekko.NotUsed;
import org.apache.pekko.kafka.ProducerMessage;
import org.junit.jupiter.api.Test;

/** An enriched output at exactly its topic's limit goes out whole; one byte over, it carries its digest. */
class EnricherOutputTest {

    private static final int LIMIT = 50_000;
    private static final EnrichSettings SETTINGS = EnrichSettings.from(ConfigFactory.load()).withTopics("events", "enriched");

    private static ConsumerRecord<byte[], byte[]> event() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("events", 0, 7, 0L, TimestampType.CREATE_TIME, -1, -1, "sensor-1".getBytes(StandardCharsets.UTF_8),
            new byte[0], headers, Optional.empty());
    }

    /** An enriched value whose output record is {@code size} bytes by RecordFit's bound. */
    private static byte[] valueFor(long size) {
        ConsumerRecord<byte[], byte[]> in = event();
        long rest = RecordFit.sizeUpperBound(in.key(), new byte[0], in.headers());
        String padding = "x".repeat((int) (size - rest) - "{\"p\":\"\"}".length());
        return ("{\"p\":\"" + padding + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static ProducerRecord<byte[], byte[]> out(byte[] value) {
        ProducerMessage.Envelope<byte[], byte[], NotUsed> e = Enricher.out(SETTINGS, LIMIT, event(), value, null);
        return ((ProducerMessage.Message<byte[], byte[], NotUsed>) e).record();
    }

    @Test
    void shouldWriteAnEnrichedEventOfExactlyTheLimitWhole() {
        byte[] value = valueFor(LIMIT);
        ProducerRecord<byte[], byte[]> r = out(value);
        assertThat(RecordFit.sizeUpperBound(r)).isEqualTo(LIMIT);
        assertThat(r.value()).isEqualTo(value);
        assertThat(r.headers().lastHeader(RecordFit.VALUE_OMITTED)).isNull();
    }

    @Test
    void shouldWriteTheDigestAsJsonWhenOneByteOver() throws Exception {
        byte[] value = valueFor(LIMIT + 1);
        ProducerRecord<byte[], byte[]> r = out(value);
        assertThat(RecordFit.sizeUpperBound(r)).isLessThanOrEqualTo(LIMIT);
        JsonNode json = new ObjectMapper().readTree(r.value());
        assertThat(json.at("/vgg/kind").asText()).isEqualTo(Enricher.TOO_LARGE_KIND);
        assertThat(json.at("/vgg/sha256").asText()).isEqualTo(RecordFit.sha256(value));
        assertThat(json.at("/vgg/size").asInt()).isEqualTo(value.length);
        assertThat(new String(r.headers().lastHeader(RecordFit.VALUE_SHA256).value(), StandardCharsets.UTF_8)).isEqualTo(RecordFit.sha256(value));
        assertThat(new String(r.headers().lastHeader("trace").value(), StandardCharsets.UTF_8)).isEqualTo("t-1");
        assertThat(r.key()).isEqualTo("sensor-1".getBytes(StandardCharsets.UTF_8));
        assertThat(r.topic()).isEqualTo("enriched");
    }
}
