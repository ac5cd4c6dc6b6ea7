package io.vggstream.imaging;

import java.nio.FloatBuffer;

/**
 * A window of a rescaled image as a network input: {@code [3, h, w]} float32, one plane per input
 * channel, each the 0-255 pixel times a multiplier plus an offset as a {@link ChannelAffine} says
 * (a card's input normalisation; for the trainer, 1 and minus the mean plus its colour shift), the
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
        chw(s, x0, y0, cw, ch, flip, ChannelAffine.offset(add), dst, offset);
    }

    /**
     * Writes the window {@code (x0, y0, cw, ch)} of {@code s}, mirrored if asked, as {@code 3 * cw * ch}
     * floats at {@code offset} of {@code dst}: plane k holds the image channel {@code map} puts there,
     * times its multiplier, plus its offset.
     */
    public static void chw(Pixels s, int x0, int y0, int cw, int ch, boolean flip, ChannelAffine map, float[] dst, int offset) {
        chw(s, x0, y0, cw, ch, flip, map, FloatBuffer.wrap(dst), offset);
    }

    /**
     * As {@link #chw(Pixels, int, int, int, int, boolean, ChannelAffine, float[], int)}, into a buffer (a batch's direct
     * buffer): the same floats, written with absolute puts.
     */
    public static void chw(Pixels s, int x0, int y0, int cw, int ch, boolean flip, ChannelAffine map, FloatBuffer dst, int offset) {
        check(s, x0, y0, cw, ch);
        int plane = cw * ch;
        int channels = s.layout().channels();
        int[] src0 = sources(s, map);
        int i0 = src0[0];
        int i1 = src0[1];
        int i2 = src0[2];
        // p * mul + add for each byte value: the same floats as computing them here, without the conversion and multiply.
        float[] t0 = map.values(0);
        float[] t1 = map.values(1);
        float[] t2 = map.values(2);
        byte[] src = s.data();
        for (int y = 0; y < ch; y++) {
            int row = ((y0 + y) * s.width() + x0) * channels;
            int d = offset + y * cw;
            for (int x = 0; x < cw; x++) {
                int p = row + (flip ? cw - 1 - x : x) * channels;
                dst.put(d + x, t0[src[p + i0] & 0xff]);
                dst.put(plane + d + x, t1[src[p + i1] & 0xff]);
                dst.put(2 * plane + d + x, t2[src[p + i2] & 0xff]);
            }
        }
    }

    /**
     * The window {@code (x0, y0, cw, ch)} of {@code s}, mirrored if asked, as an input not yet made: its floats are
     * those {@link #chw} writes, written when and where the batch wants them. {@code s} must not change afterwards.
     */
    public static Chw window(Pixels s, int x0, int y0, int cw, int ch, boolean flip, ChannelAffine map) {
        check(s, x0, y0, cw, ch);
        return new Chw() {
            @Override
            public int floats() {
                return 3 * cw * ch;
            }

            @Override
            public void writeTo(FloatBuffer dst, int offset) {
                chw(s, x0, y0, cw, ch, flip, map, dst, offset);
            }
        };
    }

    /**
     * The window as {@link #chw} makes it, unflipped into {@code plain} and flipped into {@code mirror}
     * (each {@code 3 * cw * ch} floats), reading each source pixel once: the same values as two calls,
     * for about half the memory traffic.
     */
    public static void chwAndMirror(Pixels s, int x0, int y0, int cw, int ch, ChannelAffine map, float[] plain, float[] mirror) {
        check(s, x0, y0, cw, ch);
        int plane = cw * ch;
        int channels = s.layout().channels();
        int[] src0 = sources(s, map);
        int i0 = src0[0];
        int i1 = src0[1];
        int i2 = src0[2];
        // p * mul + add for each byte value: the same floats as computing them here, without the conversion and multiply.
        float[] t0 = map.values(0);
        float[] t1 = map.values(1);
        float[] t2 = map.values(2);
        byte[] src = s.data();
        for (int y = 0; y < ch; y++) {
            int row = ((y0 + y) * s.width() + x0) * channels;
            int dst = y * cw;
            int last = dst + cw - 1;
            for (int x = 0; x < cw; x++) {
                int p = row + x * channels;
                float v0 = t0[src[p + i0] & 0xff];
                float v1 = t1[src[p + i1] & 0xff];
                float v2 = t2[src[p + i2] & 0xff];
                plain[dst + x] = v0;
                plain[plane + dst + x] = v1;
                plain[2 * plane + dst + x] = v2;
                mirror[last - x] = v0;
                mirror[plane + last - x] = v1;
                mirror[2 * plane + last - x] = v2;
            }
        }
    }

    /** Where input channels 0, 1, 2 are within a pixel of {@code s}: R, G, B, or B, G, R for a bgr map. */
    private static int[] sources(Pixels s, ChannelAffine map) {
        int[] at = s.layout().rgbOffsets();
        return map.bgr() ? new int[] {at[2], at[1], at[0]} : at;
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
