package io.vggstream.topics.deadletter;

import java.util.Arrays;
import java.util.Optional;

/** Why a frame went to the dead-letter topic: the {@code error.kind} header's short code. */
public enum ErrorKind {
    /** The record has no key, so no stream id. */
    NO_KEY("no-key"),
    /** The key is not a usable stream id (not UTF-8, blank, too long). */
    BAD_KEY("bad-key"),
    /** The record has no value, or an empty one. */
    EMPTY("empty"),
    /** The value is larger than {@code max-frame-bytes}. */
    TOO_LARGE("too-large"),
    /** A contract header is missing, not UTF-8, or not of its type. */
    BAD_HEADER("bad-header"),
    /** The bytes are not an image that OpenCV decodes, or an accepted format whose header cannot be read. */
    DECODE("decode"),
    /** An image format outside the accepted JPEG, PNG, BMP and WebP (PNM, TIFF, GIF, ...): refused before decoding. */
    FORMAT("format"),
    /** The image's declared size exceeds the pixel limit (refused before decoding). */
    TOO_MANY_PIXELS("too-many-pixels"),
    /** The image is smaller than the model accepts. */
    TOO_SMALL("too-small"),
    /** The image's long side over its short side exceeds the engine's max-aspect-ratio (refused before decoding). */
    ASPECT_RATIO("aspect-ratio"),
    /** Rescaled to the protocol's scales, the image would exceed the engine's max-tensor-pixels (refused before decoding). */
    TOO_MANY_TENSOR_PIXELS("too-many-tensor-pixels"),
    /** Preprocessing failed for this frame in a way the checks did not foresee (the reason says what was thrown). */
    PREPROCESS("preprocess"),
    /** Inference failed for this frame. */
    INFERENCE("inference"),
    /** The frame was older than the engine's max-frame-age when it arrived: answered, not inferred. */
    DROPPED("dropped"),
    /** The engine died while this frame was in progress, max-deaths times (the last time with it alone): not processed again. */
    POISON("poison");

    private final String code;

    ErrorKind(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<ErrorKind> fromCode(String code) {
        return Arrays.stream(values()).filter(k -> k.code.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return code;
    }
}
