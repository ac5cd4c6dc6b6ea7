package io.vggstream.imaging;

import java.nio.FloatBuffer;

/**
 * A {@code [3, h, w]} float32 network input that writes itself where it is wanted: into a
 * batch's direct buffer, so that no {@code float[]} is made per input nor copied.
 */
public interface Chw {

    /** How many floats it writes: {@code 3 * h * w}. */
    int floats();

    /** Writes its {@link #floats()} floats at {@code offset} of {@code dst} (absolute puts: the position is not moved). */
    void writeTo(FloatBuffer dst, int offset);

    /** Its floats in a new array. */
    default float[] toArray() {
        float[] out = new float[floats()];
        writeTo(FloatBuffer.wrap(out), 0);
        return out;
    }

    /** Floats already made (tests, warm-up, the benchmark's ceiling). */
    static Chw of(float[] chw) {
        return new Chw() {
            @Override
            public int floats() {
                return chw.length;
            }

            @Override
            public void writeTo(FloatBuffer dst, int offset) {
                dst.put(offset, chw);
            }

            @Override
            public float[] toArray() {
                return chw;
            }
        };
    }
}
