package io.vggstream.topics.frame;

/** The header names of a frame record. Every value is a UTF-8 string, so {@code kcat -H name=value} can set it. */
public final class FrameHeaders {

    /** Frame number within its stream, a non-negative decimal integer. Required. */
    public static final String SEQ = "seq";
    /** Capture time in epoch milliseconds, a non-negative decimal integer. Required. */
    public static final String TS = "ts";
    /** Ground truth, a class index or name, carried through to the prediction. Optional. */
    public static final String LABEL = "label";
    /** The image's media type, such as {@code image/jpeg}. Optional: the decoder sniffs the bytes anyway. */
    public static final String CONTENT_TYPE = "content-type";

    private FrameHeaders() {
    }
}
