package io.vggstream.trainer.data;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/** Turns one decoded image into a {@code [3, side, side]} float block of a batch. */
public interface ImageTransform {

    /** Side of the square output. */
    int side();

    /**
     * Writes {@code 3 * side * side} floats, channel-major (R plane, G plane, B plane), at
     * {@code offset} in {@code dst}.
     *
     * @param rng this image's own random stream (fixed by seed, epoch and index)
     */
    void apply(RgbImage image, SplittableRandom rng, FloatBuffer dst, int offset);
}
