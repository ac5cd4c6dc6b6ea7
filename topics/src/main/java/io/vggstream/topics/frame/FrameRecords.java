package io.vggstream.topics.frame;

import io.vggstream.topics.deadletter.ErrorKind;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The frame contract's rules in one place: turning a raw record into a {@link StreamFrame} or
 * saying precisely why not ({@link Parsed.Invalid}, which is what the dead-letter record
 * carries), and building records to produce.
 */
public final class FrameRecords {

    /** A stream id is at most this many UTF-8 bytes. */
    public static final int MAX_STREAM_ID_BYTES = 255;
    /** A label is at most this many UTF-8 bytes. */
    public static final int MAX_LABEL_BYTES = 255;

    private FrameRecords() {
    }

    /** The outcome of reading a frame record. */
    public sealed interface Parsed {
        /** A frame that follows the contract. */
        record Valid(StreamFrame frame) implements Parsed {
        }

        /**
         * A record that breaks the contract.
         *
         * @param kind the dead-letter {@code error.kind}
         * @param field the part at fault: {@code key}, {@code value}, or a header name
         * @param reason a sentence a person can act on
         */
        record Invalid(ErrorKind kind, String field, String reason) implements Parsed {
        }
    }

    /** Reads a raw record as a frame, checking the key, the value and the headers. */
    public static Parsed parse(ConsumerRecord<byte[], byte[]> record, int maxFrameBytes) {
        byte[] key = record.key();
        if (key == null) {
            return new Parsed.Invalid(ErrorKind.NO_KEY, "key",
                "the record has no key; the key must be the stream id (UTF-8), e.g. kcat -k cam-1");
        }
        Optional<String> stream = utf8(key);
        if (stream.isEmpty()) {
            return new Parsed.Invalid(ErrorKind.BAD_KEY, "key", "the key is not valid UTF-8; it must be the stream id");
        }
        if (stream.get().isBlank()) {
            return new Parsed.Invalid(ErrorKind.BAD_KEY, "key", "the key is blank; it must be the stream id");
        }
        if (key.length > MAX_STREAM_ID_BYTES) {
            return new Parsed.Invalid(ErrorKind.BAD_KEY, "key",
                "the stream id is " + key.length + " bytes; at most " + MAX_STREAM_ID_BYTES + " are allowed");
        }
        Value v = readValue(record.headers(), record.value(), maxFrameBytes);
        if (v.invalid() != null) {
            return v.invalid();
        }
        return new Parsed.Valid(new StreamFrame(stream.get(), v.frame(), record.topic(), record.partition(), record.offset()));
    }

    /** A value and its headers read as a frame, or why not. */
    record Value(Frame frame, Parsed.Invalid invalid) {
    }

    static Value readValue(Headers headers, byte[] value, int maxFrameBytes) {
        if (value == null || value.length == 0) {
            return bad(ErrorKind.EMPTY, "value", "the record's value is " + (value == null ? "null" : "empty")
                + "; it must be one encoded image (JPEG, PNG, BMP, WebP)");
        }
        if (value.length > maxFrameBytes) {
            return bad(ErrorKind.TOO_LARGE, "value", "the image is " + value.length + " bytes; frames may be at most "
                + maxFrameBytes + " bytes (vggstream.topics.max-frame-bytes)");
        }
        Header seqH = headers.lastHeader(FrameHeaders.SEQ);
        Header tsH = headers.lastHeader(FrameHeaders.TS);
        Object seq = number(seqH, FrameHeaders.SEQ, "the frame number within its stream");
        if (seq instanceof Parsed.Invalid i) {
            return new Value(null, i);
        }
        Object ts = number(tsH, FrameHeaders.TS, "the capture time in epoch milliseconds");
        if (ts instanceof Parsed.Invalid i) {
            return new Value(null, i);
        }
        Optional<String> label = Optional.empty();
        Header labelH = headers.lastHeader(FrameHeaders.LABEL);
        if (labelH != null) {
            Optional<String> l = labelH.value() == null ? Optional.empty() : utf8(labelH.value());
            if (l.isEmpty() || l.get().isBlank() || labelH.value().length > MAX_LABEL_BYTES) {
                return bad(ErrorKind.BAD_HEADER, FrameHeaders.LABEL, "header 'label' must be a class index or name of 1 to "
                    + MAX_LABEL_BYTES + " UTF-8 bytes, or absent");
            }
            label = l;
        }
        Optional<String> contentType = Optional.empty();
        Header ctH = headers.lastHeader(FrameHeaders.CONTENT_TYPE);
        if (ctH != null) {
            Optional<String> ct = ctH.value() == null ? Optional.empty() : utf8(ctH.value());
            if (ct.isEmpty() || !ct.get().startsWith("image/") || ct.get().length() <= "image/".length()) {
                return bad(ErrorKind.BAD_HEADER, FrameHeaders.CONTENT_TYPE,
                    "header 'content-type' must be an image media type such as image/jpeg, or absent");
            }
            contentType = ct;
        }
        return new Value(new Frame((Long) seq, (Long) ts, label, contentType, value), null);
    }

    /** A required non-negative decimal header: the number, or an {@link Parsed.Invalid}. */
    private static Object number(Header h, String name, String meaning) {
        if (h == null || h.value() == null) {
            return new Parsed.Invalid(ErrorKind.BAD_HEADER, name, "header '" + name + "' is missing; it must be " + meaning);
        }
        Optional<String> s = utf8(h.value());
        if (s.isEmpty()) {
            return new Parsed.Invalid(ErrorKind.BAD_HEADER, name, "header '" + name + "' is not valid UTF-8; it must be " + meaning);
        }
        String text = s.get().strip();
        try {
            long n = Long.parseLong(text);
            if (n < 0) {
                return new Parsed.Invalid(ErrorKind.BAD_HEADER, name, "header '" + name + "' is negative (" + text + "); it must be " + meaning);
            }
            return n;
        } catch (NumberFormatException e) {
            return new Parsed.Invalid(ErrorKind.BAD_HEADER, name, "header '" + name + "' is not a number: '"
                + abbreviate(text) + "'; it must be " + meaning + " as a decimal integer");
        }
    }

    private static Value bad(ErrorKind kind, String field, String reason) {
        return new Value(null, new Parsed.Invalid(kind, field, reason));
    }

    /** Checks a frame before it is produced, with the same rules a consumer applies. */
    static Optional<Parsed.Invalid> check(Frame frame, int maxFrameBytes) {
        RecordHeaders h = new RecordHeaders();
        writeHeaders(h, frame);
        return Optional.ofNullable(readValue(h, frame.image(), maxFrameBytes).invalid());
    }

    /** Sets the frame's headers on {@code headers}, replacing any of the same names. */
    static void writeHeaders(Headers headers, Frame frame) {
        headers.remove(FrameHeaders.SEQ).remove(FrameHeaders.TS).remove(FrameHeaders.LABEL).remove(FrameHeaders.CONTENT_TYPE);
        headers.add(FrameHeaders.SEQ, bytes(Long.toString(frame.seq())));
        headers.add(FrameHeaders.TS, bytes(Long.toString(frame.ts())));
        frame.label().ifPresent(l -> headers.add(FrameHeaders.LABEL, bytes(l)));
        frame.contentType().ifPresent(c -> headers.add(FrameHeaders.CONTENT_TYPE, bytes(c)));
    }

    /** A record to produce with {@link FrameSerializer} as the value serializer: key = stream id. */
    public static ProducerRecord<String, Frame> record(String topic, String stream, Frame frame) {
        if (stream == null || stream.isBlank()) {
            throw new IllegalArgumentException("a frame record for topic " + topic + " needs a stream id as its key");
        }
        return new ProducerRecord<>(topic, null, frame.ts(), stream, frame);
    }

    static Optional<String> utf8(byte[] b) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(b)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
