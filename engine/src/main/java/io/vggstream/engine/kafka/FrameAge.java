package io.vggstream.engine.kafka;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Which frames {@code max-frame-age} answers without inference: those older than it when they
 * reach the engine (it is behind), and those whose capture time {@code ts} lies further in the
 * future than {@code max-clock-skew} (a producer's clock far ahead, or a wrong {@code ts}), which
 * the age check alone would keep "young" however late they arrive.
 *
 * @param maxAge 0 = off: neither check is made (a replay of old frames must not drop them all)
 * @param maxClockSkew how far ahead of the engine's clock a producer's may be
 */
public record FrameAge(Duration maxAge, Duration maxClockSkew) {

    public FrameAge {
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("vggstream.engine.max-frame-age must not be negative (0 turns it off)");
        }
        if (maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("vggstream.engine.max-clock-skew must not be negative, got " + maxClockSkew);
        }
    }

    /** Why a frame captured at {@code ts} is dropped at {@code nowMs} (epoch milliseconds), or empty to infer it. */
    public Optional<String> refusal(long nowMs, long ts) {
        if (maxAge.isZero()) {
            return Optional.empty();
        }
        long age = nowMs - ts;
        if (age > maxAge.toMillis()) {
            return Optional.of(String.format(Locale.ROOT, "the frame was %.1f s old when it reached the engine, over max-frame-age %.1f s:"
                + " answered without inference (the engine is behind); replay it from here if needed", age / 1e3, maxAge.toMillis() / 1e3));
        }
        if (-age > maxClockSkew.toMillis()) {
            return Optional.of(String.format(Locale.ROOT, "the frame's ts is %.1f s in the future, beyond max-clock-skew %.1f s:"
                + " answered without inference (the producer's clock is ahead or its ts is wrong); replay it from here once fixed",
                -age / 1e3, maxClockSkew.toMillis() / 1e3));
        }
        return Optional.empty();
    }
}
