package io.vggstream.topics.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Fuzzes the frame contract's reader: {@link FrameRecords#parse} answers every record with a
 * {@code Valid} frame that keeps the contract or an {@code Invalid} naming a field, and never
 * throws; {@link FrameDeserializer} returns a frame or throws {@link InvalidFrameException} (a
 * {@link SerializationException}), nothing else. docs/fuzzing.md says how to run it.
 *
 * <p>The input is a record in a small binary layout, so that seeds can be written by hand:
 * {@code [key length (0xff = null key)][key][max frame bytes, in KiB][header count]}, then per
 * header {@code [name: 0 seq, 1 ts, 2 label, 3 content-type, else "x"][length (0xff = null)][value]},
 * then the value (the image) is the rest. A missing byte reads as 0.
 */
class FrameRecordsFuzzTest {

    private static final String[] NAMES = {FrameHeaders.SEQ, FrameHeaders.TS, FrameHeaders.LABEL, FrameHeaders.CONTENT_TYPE};

    @FuzzTest
    void parse(byte[] input) {
        Reader in = new Reader(input);
        byte[] key = in.field();
        int maxFrameBytes = 1 + in.u8() * 1024;
        Headers headers = new RecordHeaders();
        for (int n = in.u8(), i = 0; i < n && !in.done(); i++) {
            int name = in.u8();
            headers.add(name < NAMES.length ? NAMES[name] : "x", in.field());
        }
        byte[] value = in.rest();

        FrameRecords.Parsed parsed = FrameRecords.parse(new ConsumerRecord<>("frames", 0, 7L, 0L, TimestampType.CREATE_TIME,
            key == null ? -1 : key.length, value.length, key, value, headers, java.util.Optional.empty()), maxFrameBytes);

        if (parsed instanceof FrameRecords.Parsed.Valid v) {
            StreamFrame f = v.frame();
            assertThat(f.stream()).isNotBlank();
            assertThat(f.stream().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(FrameRecords.MAX_STREAM_ID_BYTES);
            assertThat(f.frame().seq()).isNotNegative();
            assertThat(f.frame().ts()).isNotNegative();
            assertThat(f.frame().image()).isNotEmpty().hasSizeLessThanOrEqualTo(maxFrameBytes);
            assertThat(f.offset()).isEqualTo(7L);
        } else {
            FrameRecords.Parsed.Invalid bad = (FrameRecords.Parsed.Invalid) parsed;
            assertThat(bad.kind()).isNotNull();
            assertThat(bad.field()).isNotBlank();
            assertThat(bad.reason()).isNotBlank();
        }

        // The deserializer reads the same value and headers: a frame, or its one documented exception.
        Frame frame;
        try {
            frame = new FrameDeserializer(maxFrameBytes).deserialize("frames", headers, value);
        } catch (InvalidFrameException e) {
            assertThat(e.getMessage()).contains("frames", e.field());
            return;
        }
        assertThat(frame.image()).isEqualTo(value);
        if (parsed instanceof FrameRecords.Parsed.Valid v) {
            assertThat(frame).isEqualTo(v.frame().frame());
        }
    }

    /** Reads the layout above; past the end every byte is 0 and every field empty. */
    private static final class Reader {
        private final byte[] data;
        private int at;

        Reader(byte[] data) {
            this.data = data;
        }

        boolean done() {
            return at >= data.length;
        }

        int u8() {
            return done() ? 0 : data[at++] & 0xff;
        }

        byte[] field() {
            int n = u8();
            if (n == 0xff) {
                return null;
            }
            byte[] b = Arrays.copyOfRange(data, Math.min(at, data.length), Math.min(at + n, data.length));
            at += n;
            return b;
        }

        byte[] rest() {
            return at >= data.length ? new byte[0] : Arrays.copyOfRange(data, at, data.length);
        }
    }
}
