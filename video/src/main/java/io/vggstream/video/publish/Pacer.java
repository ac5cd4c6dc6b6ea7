package io.vggstream.video.publish;

/**
 * When each frame is sent, and the capture time it carries.
 *
 * <ul>
 *   <li>{@link Mode#MEDIA}: a file at its own pace: a frame is due at its position on the file's
 *       {@link Timeline}, and its {@code ts} is the start time plus that position, so the
 *       timestamps keep the file's spacing exactly.</li>
 *   <li>{@link Mode#FIXED}: the n-th frame (from 0) is due at n / fps seconds ({@code --fps}, or a
 *       folder of images); {@code ts} likewise.</li>
 *   <li>{@link Mode#NONE}: as fast as possible ({@code --as-fast-as-possible}) or a live source,
 *       which paces itself; {@code ts} is the wall clock when the frame was read.</li>
 * </ul>
 */
final class Pacer {

    enum Mode { MEDIA, FIXED, NONE }

    private final Mode mode;
    private final double fps;

    private Pacer(Mode mode, double fps) {
        this.mode = mode;
        this.fps = fps;
    }

    static Pacer media() {
        return new Pacer(Mode.MEDIA, 0);
    }

    static Pacer fixed(double fps) {
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("--fps must be a positive number, got " + fps);
        }
        return new Pacer(Mode.FIXED, fps);
    }

    static Pacer none() {
        return new Pacer(Mode.NONE, 0);
    }

    Mode mode() {
        return mode;
    }

    boolean paced() {
        return mode != Mode.NONE;
    }

    /**
     * The frame's due time in microseconds after the start, for the {@code index}-th frame sent
     * (from 0) at {@code timelineMicros} on the file's timeline; 0 when unpaced.
     */
    long dueMicros(long index, long timelineMicros) {
        return switch (mode) {
            case MEDIA -> timelineMicros;
            case FIXED -> Math.round(index * 1_000_000.0 / fps);
            case NONE -> 0;
        };
    }

    /** How long to wait before sending a frame due at {@code dueMicros} after {@code startNanos}; never negative. */
    static long waitNanos(long startNanos, long dueMicros, long nowNanos) {
        return Math.max(0, startNanos + dueMicros * 1000 - nowNanos);
    }

    /** The frame's capture time: the start plus its due time when paced, else the wall clock when it was read. */
    long timestampMillis(long startEpochMillis, long dueMicros, long readEpochMillis) {
        return paced() ? startEpochMillis + Math.floorDiv(dueMicros, 1000) : readEpochMillis;
    }
}
