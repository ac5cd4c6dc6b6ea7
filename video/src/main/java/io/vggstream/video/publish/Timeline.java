package io.vggstream.video.publish;

/**
 * A file's frame timestamps made one increasing timeline across loops: the first frame is at 0,
 * each later frame at its own timestamp's distance from the first, and a loop continues one frame
 * interval after the last frame of the pass before. A timestamp that does not move forward
 * (missing or broken in the file) is placed one frame interval after the previous frame.
 */
final class Timeline {

    private final long stepMicros;
    private long base;
    private long firstRaw = Long.MIN_VALUE;
    private long last = -1;

    /** @param frameRate the source's nominal rate, for the interval used where timestamps fail */
    Timeline(double frameRate) {
        if (!(frameRate > 0) || Double.isInfinite(frameRate)) {
            throw new IllegalArgumentException("frame rate must be positive, got " + frameRate);
        }
        this.stepMicros = Math.max(1, Math.round(1_000_000.0 / frameRate));
    }

    /** The timeline position, in microseconds, of the next frame, whose own timestamp is {@code rawMicros}. */
    long next(long rawMicros) {
        if (firstRaw == Long.MIN_VALUE) {
            firstRaw = rawMicros;
        }
        long t = base + (rawMicros - firstRaw);
        if (last >= 0 && t <= last) {
            t = last + stepMicros;
        }
        last = t;
        return t;
    }

    /** The source starts over: its next frame comes one interval after the last one. */
    void loop() {
        base = last < 0 ? 0 : last + stepMicros;
        firstRaw = Long.MIN_VALUE;
    }

    long stepMicros() {
        return stepMicros;
    }
}
