package io.vggstream.video;

/**
 * A failure a person can act on: an unreadable source, a missing file, an encoder that cannot
 * start, a broker that does not answer. The message names what failed and, where we know, what
 * to do about it. The commands print it and exit 1; bad flags are {@link IllegalArgumentException}s
 * (exit 2) instead.
 */
public class VideoException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public VideoException(String message) {
        super(message);
    }

    public VideoException(String message, Throwable cause) {
        super(message, cause);
    }
}
