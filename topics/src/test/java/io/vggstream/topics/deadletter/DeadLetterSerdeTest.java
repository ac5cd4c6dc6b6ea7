package io.vggstream.topics.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.topics.frame.FrameRecords;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterSerdeTest {

    private static final String DLQ = "vggstream.frames.dlq";

    private static ConsumerRecord<byte[], byte[]> frameRecord(byte[] key, Headers headers, byte[] value) {
        return new ConsumerRecord<>("vggstream.frames", 4, 1234, 0L, TimestampType.CREATE_TIME, -1, -1, key, value, headers, Optional.empty());
    }

    @Test
    void shouldKeepValueAndOriginalHeadersAndAddReasonAndSource() {
        Headers original = new RecordHeaders().add("seq", b("x1")).add("ts", b("5")).add("trace", b("abc"));
        ConsumerRecord<byte[], byte[]> r = frameRecord(b("cam-1"), original, b("not an image"));
        FrameRecords.Parsed.Invalid invalid = (FrameRecords.Parsed.Invalid) FrameRecords.parse(r, 1 << 20);
        DeadLetter letter = DeadLetter.of(r, invalid);

        Headers out = new RecordHeaders();
        byte[] value = new DeadLetterSerializer().serialize(DLQ, out, letter);

        assertThat(value).isEqualTo(b("not an image"));
        assertThat(s(out, "error")).contains("'seq'");
        assertThat(s(out, "error.kind")).isEqualTo("bad-header");
        assertThat(s(out, "source.topic")).isEqualTo("vggstream.frames");
        assertThat(s(out, "source.partition")).isEqualTo("4");
        assertThat(s(out, "source.offset")).isEqualTo("1234");
        assertThat(s(out, "trace")).isEqualTo("abc");
        assertThat(s(out, "seq")).isEqualTo("x1");

        DeadLetter back = new DeadLetterDeserializer().deserialize(DLQ, out, value);
        assertThat(back).isEqualTo(letter);
        assertThat(letter.toRecord(DLQ, b("cam-1")).key()).isEqualTo(b("cam-1"));
    }

    @Test
    void shouldReplaceOurHeadersWhenAFrameIsDeadLetteredTwice() {
        Headers original = new RecordHeaders().add("error", b("old")).add("error.kind", b("decode")).add("seq", b("1"));
        DeadLetter letter = DeadLetter.of(frameRecord(null, original, null), ErrorKind.NO_KEY, "no key");
        Headers out = new RecordHeaders();
        new DeadLetterSerializer().serialize(DLQ, out, letter);
        assertThat(out.headers("error")).hasSize(1);
        assertThat(s(out, "error")).isEqualTo("no key");
        assertThat(s(out, "error.kind")).isEqualTo("no-key");
    }

    @Test
    void shouldRejectDeadLetterWithoutErrorHeaderNamingIt() {
        Headers h = new RecordHeaders().add("error.kind", b("decode"));
        assertThatThrownBy(() -> new DeadLetterDeserializer().deserialize(DLQ, h, b("x")))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining(DLQ)
            .hasMessageContaining("header 'error' is missing");
    }

    @Test
    void shouldRejectUnknownErrorKind() {
        Headers h = new RecordHeaders().add("error", b("e")).add("error.kind", b("gremlins"))
            .add("source.topic", b("t")).add("source.partition", b("0")).add("source.offset", b("1"));
        assertThatThrownBy(() -> new DeadLetterDeserializer().deserialize(DLQ, h, b("x"))).hasMessageContaining("gremlins");
    }

    @Test
    void shouldRejectNonNumericSourceOffset() {
        Headers h = new RecordHeaders().add("error", b("e")).add("error.kind", b("decode"))
            .add("source.topic", b("t")).add("source.partition", b("0")).add("source.offset", b("one"));
        assertThatThrownBy(() -> new DeadLetterDeserializer().deserialize(DLQ, h, b("x"))).hasMessageContaining("source.offset");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(Headers h, String name) {
        return new String(h.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
