package io.vggstream.topics.frame;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One video frame as the contract carries it: the record's value is {@code image} and the other
 * fields are headers. The stream id is the record's key and so not part of this value type;
 * {@link StreamFrame} pairs the two.
 *
 * @param seq frame number within its stream
 * @param ts capture time, epoch milliseconds
 * @param label ground truth (class index or name), when known
 * @param contentType the image's media type, when given
 * @param image one encoded image (JPEG, PNG, BMP, WebP: whatever OpenCV decodes)
 */
public record Frame(long seq, long ts, Optional<String> label, Optional<String> contentType, byte[] image) {

    public Frame {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(image, "image");
    }

    public static Frame of(long seq, long ts, byte[] image) {
        return new Frame(seq, ts, Optional.empty(), Optional.empty(), image);
    }

    public Frame withLabel(String newLabel) {
        return new Frame(seq, ts, Optional.of(newLabel), contentType, image);
    }

    public Frame withContentType(String type) {
        return new Frame(seq, ts, label, Optional.of(type), image);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && seq == f.seq && ts == f.ts && label.equals(f.label)
            && contentType.equals(f.contentType) && Arrays.equals(image, f.image);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seq, ts, label, contentType, Arrays.hashCode(image));
    }

    @Override
    public String toString() {
        return "Frame[seq=" + seq + ", ts=" + ts + ", label=" + label.orElse("-") + ", contentType="
            + contentType.orElse("-") + ", image=" + image.length + " bytes]";
    }
}
