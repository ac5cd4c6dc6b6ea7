package io.vggstream.engine.settings;

/**
 * How outputs and input offsets are written: at least once (produce, then commit), or exactly
 * once (outputs and offsets in one Kafka transaction; consumers of the outputs must read
 * committed). The transactional id must be stable across restarts of one instance, so that a
 * restarted instance fences its killed predecessor's open transaction at once.
 */
public record Delivery(boolean exactlyOnce, String transactionalId) {
    public static Delivery atLeastOnce() {
        return new Delivery(false, "");
    }
}
