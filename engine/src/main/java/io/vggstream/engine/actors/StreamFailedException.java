package io.vggstream.engine.actors;

/**
 * Thrown by a stream's owner (Ingest, Enricher) when its Kafka stream failed: the owner stops,
 * and the guardian, which watches it, reports the cause (this exception's) to the runtime.
 */
public final class StreamFailedException extends RuntimeException {

    public StreamFailedException(String what, Throwable cause) {
        super(what + " failed: " + cause, cause);
    }
}
