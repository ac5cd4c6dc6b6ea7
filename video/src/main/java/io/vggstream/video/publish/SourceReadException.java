package io.vggstream.video.publish;

import io.vggstream.video.VideoException;

/** A source that opened but broke while being read (a dropped stream, a truncated file). */
final class SourceReadException extends VideoException {

    private static final long serialVersionUID = 1L;

    SourceReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
