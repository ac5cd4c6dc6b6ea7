package io.vggstream.imaging;

/**
 * A window of a rescaled image as a network input: {@code [3, h, w]} float32, R, G, B planes, in
 * 0-255 units plus a per-channel offset (minus the mean; the trainer adds its colour shift), the
 * horizontal flip being the mirrored index rather than a second image.
 */
public final class Tensors {

    private Tensors() {
    }

    /**
     * Writes the window {@code (x0, y0, cw, ch)} of {@code s}, mirrored if asked, as {@code 3 * cw * ch}
     * floats at {@code offset} of {@code dst}: each value is the pixel plus {@code add[c]} (c = R, G, B).
     */
    public static void chw(Pixels s, int x0, int y0, int cw, int ch, boolean flip, float[] add, float[] dst, int offset) {
        check(s, x0, y0, cw, ch);
        int plane = cw * ch;
        int channels = s.layout().channels();
        int[] at = s.layout().rgbOffsets();
        int ri = at[0];
        int gi = at[1];
        int bi = at[2];
        float ar = add[0];
        float ag = add[1];
        float ab = add[2];
        byte[] src = s.data();
        for (int y = 0; y < ch; y++) {
            int row = ((y0 + y) * s.width() + x0) * channels;
            int d = offset + y * cw;
            for (int x = 0; x < cw; x++) {
                int p = row + (flip ? cw - 1 - x : x) * channels;
                dst[d + x] = (src[p + ri] & 0xff) + ar;
                dst[plane + d + x] = (src[p + gi] & 0xff) + ag;
                dst[2 * plane + d + x] = (src[p + bi] & 0xff) + ab;
            }
        }
    }

    /**
     * The window as {@link #chw} makes it, unflipped into {@code plain} and flipped into {@code mirror}
     * (each {@code 3 * cw * ch} floats), reading each source pixel once: the same values as two calls,
     * for about half the memory traffic.
     */
    public static void chwAndMirror(Pixels s, int x0, int y0, int cw, int ch, float[] add, float[] plain, float[] mirror) {
        check(s, x0, y0, cw, ch);
        int plane = cw * ch;
        int channels = s.layout().channels();
        int[] at = s.layout().rgbOffsets();
        int ri = at[0];
        int gi = at[1];
        int bi = at[2];
        float ar = add[0];
        float ag = add[1];
        float ab = add[2];
        byte[] src = s.data();
        for (int y = 0; y < ch; y++) {
            int row = ((y0 + y) * s.width() + x0) * channels;
            int dst = y * cw;
            int last = dst + cw - 1;
            for (int x = 0; x < cw; x++) {
                int p = row + x * channels;
                float r = (src[p + ri] & 0xff) + ar;
                float g = (src[p + gi] & 0xff) + ag;
                float b = (src[p + bi] & 0xff) + ab;
                plain[dst + x] = r;
                plain[plane + dst + x] = g;
                plain[2 * plane + dst + x] = b;
                mirror[last - x] = r;
                mirror[plane + last - x] = g;
                mirror[2 * plane + last - x] = b;
            }
        }
    }

    /** {@code -mean}, the offset that subtracts the mean RGB (x + (-m) is exactly x - m in IEEE arithmetic). */
    public static float[] minus(float[] meanRgb) {
        return new float[] {-meanRgb[0], -meanRgb[1], -meanRgb[2]};
    }

    private static void check(Pixels s, int x0, int y0, int cw, int ch) {
        if (x0 < 0 || y0 < 0 || cw < 1 || ch < 1 || (long) x0 + cw > s.width() || (long) y0 + ch > s.height()) {
            throw new IllegalArgumentException("window " + cw + "x" + ch + " at (" + x0 + ", " + y0 + ") is not inside a "
                + s.width() + "x" + s.height() + " image");
        }
    }
}
