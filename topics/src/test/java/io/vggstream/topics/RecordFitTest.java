package io.vggstream.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.Test;

class RecordFitTest {

    private static final int LIMIT = 100_000;
    private static final Set<String> KEEP = Set.of("error", "error.kind");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(ProducerRecord<byte[], byte[]> r, String header) {
        Header h = r.headers().lastHeader(header);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<Header> headers() {
        return List.of(new RecordHeader("seq", b("1")), new RecordHeader("ts", b("1700000000000")),
            new RecordHeader("error", b("the value is over max-frame-bytes")), new RecordHeader("error.kind", b("too-large")));
    }

    /** A record whose size bound is exactly {@code size}. */
    private static ProducerRecord<byte[], byte[]> recordOf(long size) {
        long rest = RecordFit.sizeUpperBound(b("cam-1"), new byte[0], headers());
        byte[] value = new byte[(int) (size - rest)];
        new Random(7).nextBytes(value);
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("dlq", null, b("cam-1"), value, headers());
        assertThat(RecordFit.sizeUpperBound(r)).isEqualTo(size);
        return r;
    }

    @Test
    void shouldNeverEstimateBelowKafkasOwnUpperBound() {
        Random random = new Random(3);
        for (int n = 0; n < 200; n++) {
            byte[] key = random.nextBoolean() ? null : new byte[random.nextInt(400)];
            byte[] value = random.nextInt(10) == 0 ? null : new byte[random.nextInt(300_000)];
            Header[] hs = new Header[random.nextInt(6)];
            for (int i = 0; i < hs.length; i++) {
                hs[i] = new RecordHeader("h" + "x".repeat(random.nextInt(200)), random.nextBoolean() ? null : new byte[random.nextInt(70_000)]);
            }
            // What the producer compares with max.request.size (record format v2, no compression).
            int kafka = AbstractRecords.estimateSizeInBytesUpperBound((byte) 2, CompressionType.NONE, key, value, hs);
            assertThat(RecordFit.sizeUpperBound(key, value, List.of(hs))).isGreaterThanOrEqualTo(kafka);
        }
    }

    @Test
    void shouldKeepARecordOfExactlyTheLimitWhole() {
        ProducerRecord<byte[], byte[]> r = recordOf(LIMIT);
        assertThat(RecordFit.fit(r, LIMIT, KEEP, d -> null)).isSameAs(r);
    }

    @Test
    void shouldCarryTheDigestAndSizeInsteadOfTheValueWhenOneByteOverTheLimit() {
        ProducerRecord<byte[], byte[]> r = recordOf(LIMIT + 1);
        ProducerRecord<byte[], byte[]> out = RecordFit.fit(r, LIMIT, KEEP, d -> null);
        assertThat(out.value()).isNull();
        assertThat(RecordFit.sizeUpperBound(out)).isLessThanOrEqualTo(LIMIT);
        assertThat(s(out, RecordFit.VALUE_SHA256)).isEqualTo(RecordFit.sha256(r.value())).hasSize(64);
        assertThat(s(out, RecordFit.VALUE_SIZE)).isEqualTo(Integer.toString(r.value().length));
        assertThat(s(out, RecordFit.VALUE_OMITTED)).contains("limit of " + LIMIT + " bytes");
        // Everything else as it was: key, the record's own headers, in order, then the marks.
        assertThat(out.key()).isEqualTo(b("cam-1"));
        assertThat(out.topic()).isEqualTo("dlq");
        assertThat(out.headers().toArray()).extracting(Header::key).containsExactly(
            "seq", "ts", "error", "error.kind", RecordFit.VALUE_OMITTED, RecordFit.VALUE_SHA256, RecordFit.VALUE_SIZE);
        assertThat(out.headers().lastHeader(RecordFit.HEADERS_OMITTED)).isNull();
    }

    @Test
    void shouldWriteTheStubGivenTheDigest() {
        ProducerRecord<byte[], byte[]> r = recordOf(LIMIT + 1);
        ProducerRecord<byte[], byte[]> out = RecordFit.fit(r, LIMIT, KEEP, d -> b("{\"size\":" + d.size() + "}"));
        assertThat(new String(out.value(), StandardCharsets.UTF_8)).isEqualTo("{\"size\":" + r.value().length + "}");
    }

    @Test
    void shouldLeaveOutOtherHeadersWhenTheyAloneAreOverTheLimit() {
        List<Header> hs = List.of(new RecordHeader("big", new byte[LIMIT]), new RecordHeader("error", b("bad header")),
            new RecordHeader("error.kind", b("bad-header")));
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("dlq", null, b("cam"), b("small"), hs);
        ProducerRecord<byte[], byte[]> out = RecordFit.fit(r, LIMIT, KEEP, d -> null);
        assertThat(RecordFit.sizeUpperBound(out)).isLessThanOrEqualTo(LIMIT);
        assertThat(out.headers().lastHeader("big")).isNull();
        assertThat(s(out, "error.kind")).isEqualTo("bad-header");
        assertThat(s(out, RecordFit.HEADERS_OMITTED)).isEqualTo("1");
        assertThat(out.key()).isEqualTo(b("cam"));
    }

    @Test
    void shouldLeaveOutTheKeyLastAndCutKeptHeadersOnlyAsALastResort() {
        int small = 2048;
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("dlq", null, new byte[5000], new byte[5000],
            List.of(new RecordHeader("error", b("e".repeat(3000))), new RecordHeader("error.kind", b("bad-key"))));
        ProducerRecord<byte[], byte[]> out = RecordFit.fit(r, small, KEEP, d -> null);
        assertThat(RecordFit.sizeUpperBound(out)).isLessThanOrEqualTo(small);
        assertThat(out.key()).isNull();
        assertThat(s(out, RecordFit.KEY_OMITTED)).isEqualTo(RecordFit.sha256(new byte[5000]));
        assertThat(s(out, "error")).startsWith("eee").hasSizeLessThan(300);
        assertThat(s(out, "error.kind")).isEqualTo("bad-key");
    }
}
