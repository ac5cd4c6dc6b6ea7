package io.vggstream.video.publish;

/**
 * Thins a live source to at most {@code fps} frames per second by dropping frames that come
 * before their slot. A source slower than the limit loses nothing; after a stall the limit
 * starts over instead of letting a burst through.
 */
final class RateLimit {

    private final long intervalNanos;
    private long next = Long.MIN_VALUE;

    RateLimit(double fps) {
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("--fps must be a positive number, got " + fps);
        }
        this.intervalNanos = Math.max(1, Math.round(1e9 / fps));
    }

    /** Whether a frame read at {@code nowNanos} is kept. */
    boolean admit(long nowNanos) {
        if (next != Long.MIN_VALUE && nowNanos - next < 0) {
            return false;
        }
        // Keep the grid while on time; after a stall of more than one slot, restart from now.
        next = next == Long.MIN_VALUE || nowNanos - next >= intervalNanos ? nowNanos + intervalNanos : next + intervalNanos;
        return true;
    }
}
