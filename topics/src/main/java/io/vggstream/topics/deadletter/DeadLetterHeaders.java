package io.vggstream.topics.deadletter;

/** The headers the engine adds to a dead-letter record, beside the original record's headers. */
public final class DeadLetterHeaders {

    /** A sentence a person can act on. */
    public static final String ERROR = "error";
    /** A short code, one of {@link ErrorKind}. */
    public static final String ERROR_KIND = "error.kind";
    /** The topic the frame was read from. */
    public static final String SOURCE_TOPIC = "source.topic";
    /** The partition the frame was read from (decimal). */
    public static final String SOURCE_PARTITION = "source.partition";
    /** The frame's offset in that partition (decimal). */
    public static final String SOURCE_OFFSET = "source.offset";

    private DeadLetterHeaders() {
    }

    static boolean isOurs(String name) {
        // RecordFit's marks (value left out for size) belong to the dead letter, not to the frame.
        return io.vggstream.topics.RecordFit.HEADERS.contains(name) || name.equals(ERROR) || name.equals(ERROR_KIND) || name.equals(SOURCE_TOPIC)
            || name.equals(SOURCE_PARTITION) || name.equals(SOURCE_OFFSET);
    }
}
