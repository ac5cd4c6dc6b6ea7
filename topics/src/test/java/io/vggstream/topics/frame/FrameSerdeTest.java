package io.vggstream.topics.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.topics.deadletter.ErrorKind;
import io.vggstream.topics.testing.Images;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class FrameSerdeTest {

    private static final String TOPIC = "vggstream.frames";
    private final byte[] jpeg = Images.jpeg(64, 48);

    @Test
    void shouldRoundTripFrameWithAllHeaders() {
        Frame frame = Frame.of(42, 1_700_000_000_123L, jpeg).withLabel("Sneaker").withContentType("image/jpeg");
        Headers headers = new RecordHeaders();
        byte[] value = new FrameSerializer().serialize(TOPIC, headers, frame);

        assertThat(value).isEqualTo(jpeg);
        assertThat(text(headers, "seq")).isEqualTo("42");
        assertThat(text(headers, "ts")).isEqualTo("1700000000123");
        assertThat(text(headers, "label")).isEqualTo("Sneaker");
        assertThat(text(headers, "content-type")).isEqualTo("image/jpeg");
        assertThat(new FrameDeserializer().deserialize(TOPIC, headers, value)).isEqualTo(frame);
    }

    @Test
    void shouldRoundTripFrameWithoutOptionalHeaders() {
        Frame frame = Frame.of(0, 0, jpeg);
        Headers headers = new RecordHeaders();
        byte[] value = new FrameSerializer().serialize(TOPIC, headers, frame);

        assertThat(headers.lastHeader("label")).isNull();
        Frame back = new FrameDeserializer().deserialize(TOPIC, headers, value);
        assertThat(back.label()).isEmpty();
        assertThat(back.contentType()).isEmpty();
        assertThat(back).isEqualTo(frame);
    }

    @Test
    void shouldReplaceStaleContractHeadersWhenSerializing() {
        Headers headers = new RecordHeaders().add("seq", bytes("7")).add("other", bytes("kept"));
        new FrameSerializer().serialize(TOPIC, headers, Frame.of(8, 9, jpeg));
        assertThat(headers.headers("seq")).hasSize(1);
        assertThat(text(headers, "seq")).isEqualTo("8");
        assertThat(text(headers, "other")).isEqualTo("kept");
    }

    @Test
    void shouldRejectNonNumericSeqNamingTheHeaderAndTopic() {
        Headers h = headers("12a", "5");
        assertThatThrownBy(() -> new FrameDeserializer().deserialize(TOPIC, h, jpeg))
            .isInstanceOf(InvalidFrameException.class)
            .hasMessageContaining(TOPIC)
            .hasMessageContaining("'seq'")
            .hasMessageContaining("12a")
            .satisfies(e -> assertThat(((InvalidFrameException) e).kind()).isEqualTo(ErrorKind.BAD_HEADER));
    }

    @Test
    void shouldRejectNonNumericTsNamingTheHeader() {
        assertThatThrownBy(() -> new FrameDeserializer().deserialize(TOPIC, headers("1", "yesterday"), jpeg))
            .isInstanceOf(InvalidFrameException.class)
            .hasMessageContaining("'ts'")
            .satisfies(e -> assertThat(((InvalidFrameException) e).field()).isEqualTo("ts"));
    }

    @Test
    void shouldRejectMissingSeq() {
        Headers h = new RecordHeaders().add("ts", bytes("5"));
        assertThatThrownBy(() -> new FrameDeserializer().deserialize(TOPIC, h, jpeg))
            .hasMessageContaining("header 'seq' is missing");
    }

    @Test
    void shouldRejectNegativeSeq() {
        assertThatThrownBy(() -> new FrameDeserializer().deserialize(TOPIC, headers("-1", "5"), jpeg))
            .hasMessageContaining("'seq' is negative");
    }

    @Test
    void shouldRejectEmptyValueAsEmpty() {
        assertThatThrownBy(() -> new FrameDeserializer().deserialize(TOPIC, headers("1", "2"), new byte[0]))
            .isInstanceOf(InvalidFrameException.class)
            .hasMessageContaining("value")
            .satisfies(e -> assertThat(((InvalidFrameException) e).kind()).isEqualTo(ErrorKind.EMPTY));
    }

    @Test
    void shouldRejectOversizedValueBeforeAnythingElse() {
        FrameDeserializer d = new FrameDeserializer(1000);
        assertThatThrownBy(() -> d.deserialize(TOPIC, headers("1", "2"), new byte[1001]))
            .isInstanceOf(InvalidFrameException.class)
            .hasMessageContaining("1001 bytes")
            .hasMessageContaining("max-frame-bytes")
            .satisfies(e -> assertThat(((InvalidFrameException) e).kind()).isEqualTo(ErrorKind.TOO_LARGE));
    }

    @Test
    void shouldTakeTheLimitFromConsumerConfig() {
        FrameDeserializer d = new FrameDeserializer();
        d.configure(java.util.Map.of(FrameSerializer.MAX_FRAME_BYTES_CONFIG, "10"), false);
        assertThatThrownBy(() -> d.deserialize(TOPIC, headers("1", "2"), new byte[11])).hasMessageContaining("at most 10 bytes");
    }

    @Test
    void shouldRejectContentTypeThatIsNotAnImage() {
        Headers h = headers("1", "2").add("content-type", bytes("text/plain"));
        assertThatThrownBy(() -> new FrameDeserializer().deserialize(TOPIC, h, jpeg)).hasMessageContaining("'content-type'");
    }

    @Test
    void shouldRejectHeaderThatIsNotUtf8() {
        Headers h = new RecordHeaders().add("seq", new byte[] {(byte) 0xff, (byte) 0xfe}).add("ts", bytes("2"));
        assertThatThrownBy(() -> new FrameDeserializer().deserialize(TOPIC, h, jpeg)).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void shouldRefuseToSerializeFrameThatConsumersWouldReject() {
        assertThatThrownBy(() -> new FrameSerializer().serialize(TOPIC, new RecordHeaders(), Frame.of(-3, 0, jpeg)))
            .isInstanceOf(InvalidFrameException.class)
            .hasMessageContaining("'seq'");
        assertThatThrownBy(() -> new FrameSerializer(10).serialize(TOPIC, new RecordHeaders(), Frame.of(1, 0, jpeg)))
            .hasMessageContaining("too-large");
    }

    @Test
    void shouldRejectRecordWithoutKeyAsNoKey() {
        FrameRecords.Parsed p = FrameRecords.parse(record(null, headers("1", "2"), jpeg), 1 << 20);
        assertThat(p).isInstanceOfSatisfying(FrameRecords.Parsed.Invalid.class, i -> {
            assertThat(i.kind()).isEqualTo(ErrorKind.NO_KEY);
            assertThat(i.field()).isEqualTo("key");
            assertThat(i.reason()).contains("stream id");
        });
    }

    @Test
    void shouldRejectBlankKey() {
        FrameRecords.Parsed p = FrameRecords.parse(record(bytes("  "), headers("1", "2"), jpeg), 1 << 20);
        assertThat(p).isInstanceOfSatisfying(FrameRecords.Parsed.Invalid.class, i -> assertThat(i.kind()).isEqualTo(ErrorKind.BAD_KEY));
    }

    @Test
    void shouldParseValidRecordWithItsCoordinates() {
        FrameRecords.Parsed p = FrameRecords.parse(record(bytes("cam-1"), headers("3", "4").add("label", bytes("7")), jpeg), 1 << 20);
        assertThat(p).isInstanceOfSatisfying(FrameRecords.Parsed.Valid.class, v -> {
            assertThat(v.frame().stream()).isEqualTo("cam-1");
            assertThat(v.frame().offset()).isEqualTo(99);
            assertThat(v.frame().partition()).isEqualTo(2);
            assertThat(v.frame().frame().label()).isEqualTo(Optional.of("7"));
        });
    }

    @Test
    void shouldKeyProducerRecordsByStreamAndStampThemWithCaptureTime() {
        var r = FrameRecords.record(TOPIC, "cam-9", Frame.of(1, 1234, jpeg));
        assertThat(r.key()).isEqualTo("cam-9");
        assertThat(r.timestamp()).isEqualTo(1234L);
        assertThatThrownBy(() -> FrameRecords.record(TOPIC, "", Frame.of(1, 1234, jpeg))).hasMessageContaining("stream id");
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] key, Headers headers, byte[] value) {
        return new ConsumerRecord<>(TOPIC, 2, 99, 0L, TimestampType.CREATE_TIME, key == null ? -1 : key.length,
            value.length, key, value, headers, Optional.empty());
    }

    private static Headers headers(String seq, String ts) {
        return new RecordHeaders().add("seq", bytes(seq)).add("ts", bytes(ts));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Headers h, String name) {
        return new String(h.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
