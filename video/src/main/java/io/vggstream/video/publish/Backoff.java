package io.vggstream.video.publish;

import java.time.Duration;

/** The wait before the n-th reopening of a dropped source (from 1): initial, doubled each time, capped. */
record Backoff(Duration initial, Duration max) {

    Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("reconnect backoff: need 0 <= initial <= max, got " + initial + " and " + max);
        }
    }

    Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
        long ms = initial.toMillis();
        for (int i = 1; i < attempt && ms < max.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }
}
