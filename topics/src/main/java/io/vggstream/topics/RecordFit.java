package io.vggstream.topics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Makes a record the engine writes fit its topic: a record whose serialized size could exceed the
 * limit (the topic's {@code max.message.bytes}, the producer's {@code max.request.size}) would fail
 * the producer, hence the stream, and its input would be delivered again for ever. Such a record
 * carries its value's SHA-256 and size instead of the value, with headers saying so; if that is
 * still too large, the record's other headers and then its key are left out too.
 */
public final class RecordFit {

    /** Present when the value was left out: why, in a sentence. */
    public static final String VALUE_OMITTED = "value.omitted";
    /** The left-out value's SHA-256, 64 lower-case hex digits. */
    public static final String VALUE_SHA256 = "value.sha256";
    /** The left-out value's size in bytes, decimal. */
    public static final String VALUE_SIZE = "value.size";
    /** Present when the record's own headers were left out too: how many, decimal. */
    public static final String HEADERS_OMITTED = "headers.omitted";
    /** Present when the key was left out too: its SHA-256, 64 lower-case hex digits. */
    public static final String KEY_OMITTED = "key.omitted";

    /** Every header this class may add. */
    public static final Set<String> HEADERS = Set.of(VALUE_OMITTED, VALUE_SHA256, VALUE_SIZE, HEADERS_OMITTED, KEY_OMITTED);

    /** Kafka's record batch header (magic v2): a record larger than a batch's free space gets a batch of its own. */
    static final int BATCH_OVERHEAD = 61;
    /** A varint's widest encoding (a length or a count). */
    static final int VARINT = 5;
    /** A record's fixed part at its widest: length, attributes, timestamp delta (a varlong), offset delta. */
    static final int RECORD_OVERHEAD = VARINT + 1 + 10 + VARINT;
    /** Kept headers' values are cut to this many characters in the last resort. */
    static final int LAST_RESORT_HEADER_CHARS = 200;

    private RecordFit() {
    }

    /** What was left out of a value: the contents of {@link #VALUE_SHA256} and {@link #VALUE_SIZE}. */
    public record Digest(String sha256, int size) {
    }

    /**
     * An upper bound of the bytes the record takes in a batch of its own, which is what the
     * producer compares with {@code max.request.size} and the broker with {@code max.message.bytes}:
     * every varint counted at its widest, so the bound never falls short of Kafka's own estimate.
     */
    public static long sizeUpperBound(byte[] key, byte[] value, Iterable<Header> headers) {
        long size = BATCH_OVERHEAD + RECORD_OVERHEAD;
        size += VARINT + (key == null ? 0 : key.length);
        size += VARINT + (value == null ? 0 : value.length);
        size += VARINT;
        for (Header h : headers) {
            size += VARINT + h.key().getBytes(StandardCharsets.UTF_8).length;
            size += VARINT + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    public static long sizeUpperBound(ProducerRecord<byte[], byte[]> record) {
        return sizeUpperBound(record.key(), record.value(), record.headers());
    }

    public static boolean fits(ProducerRecord<byte[], byte[]> record, int limit) {
        return sizeUpperBound(record) <= limit;
    }

    /**
     * The record unchanged when it fits {@code limit}; else, in this order until it fits: the value
     * replaced by {@code stub} of its digest (with {@link #VALUE_OMITTED}, {@link #VALUE_SHA256},
     * {@link #VALUE_SIZE}); the headers not named in {@code keep} left out ({@link #HEADERS_OMITTED});
     * the key left out ({@link #KEY_OMITTED}); the kept headers cut to 200 characters.
     *
     * @param stub the value to write instead of the original (null for none), given its digest
     * @throws IllegalArgumentException when even the last resort does not fit (a limit of a few hundred bytes)
     */
    public static ProducerRecord<byte[], byte[]> fit(ProducerRecord<byte[], byte[]> record, int limit, Set<String> keep,
                                                     Function<Digest, byte[]> stub) {
        if (fits(record, limit)) {
            return record;
        }
        byte[] original = record.value();
        Digest digest = new Digest(sha256(original == null ? new byte[0] : original), original == null ? 0 : original.length);
        byte[] value = stub.apply(digest);
        List<Header> kept = new ArrayList<>();
        List<Header> others = new ArrayList<>();
        for (Header h : record.headers()) {
            if (HEADERS.contains(h.key())) {
                continue;
            }
            (keep.contains(h.key()) ? kept : others).add(new RecordHeader(h.key(), h.value()));
        }
        List<Header> marks = new ArrayList<>(List.of(
            header(VALUE_OMITTED, "the record would have been larger than its topic's limit of " + limit + " bytes:"
                + " its value is left out; value.sha256 and value.size describe it"),
            header(VALUE_SHA256, digest.sha256()),
            header(VALUE_SIZE, Integer.toString(digest.size()))));

        List<Header> headers = new ArrayList<>(others);
        headers.addAll(kept);
        headers.addAll(marks);
        byte[] key = record.key();
        if (sizeUpperBound(key, value, headers) <= limit) {
            return copy(record, key, value, headers);
        }
        marks.add(header(HEADERS_OMITTED, Integer.toString(others.size())));
        headers = new ArrayList<>(kept);
        headers.addAll(marks);
        if (sizeUpperBound(key, value, headers) <= limit) {
            return copy(record, key, value, headers);
        }
        if (key != null) {
            marks.add(header(KEY_OMITTED, sha256(key)));
            key = null;
            headers = new ArrayList<>(kept);
            headers.addAll(marks);
            if (sizeUpperBound(key, value, headers) <= limit) {
                return copy(record, key, value, headers);
            }
        }
        headers = new ArrayList<>();
        for (Header h : kept) {
            headers.add(h.value() == null ? h : header(h.key(), cut(new String(h.value(), StandardCharsets.UTF_8))));
        }
        headers.addAll(marks);
        if (sizeUpperBound(key, value, headers) <= limit) {
            return copy(record, key, value, headers);
        }
        throw new IllegalArgumentException("a record for topic " + record.topic() + " cannot be made to fit a limit of " + limit
            + " bytes even without its value, key and other headers");
    }

    /** SHA-256 in lower-case hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String cut(String s) {
        if (s.length() <= LAST_RESORT_HEADER_CHARS) {
            return s;
        }
        int end = LAST_RESORT_HEADER_CHARS;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "...";
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static ProducerRecord<byte[], byte[]> copy(ProducerRecord<byte[], byte[]> r, byte[] key, byte[] value, List<Header> headers) {
        return new ProducerRecord<>(r.topic(), r.partition(), r.timestamp(), key, value, headers);
    }
}
