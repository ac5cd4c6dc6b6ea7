package io.vggstream.imaging;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The isotropic rescale of training and serving alike: the smaller side becomes Q, the other keeps
 * the aspect ratio; OpenCV's area averaging when shrinking (no aliasing), bilinear when growing.
 */
public final class Rescale {

    /** The most bytes one rescaled image may hold: a Java array's limit. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private Rescale() {
    }

    /**
     * The size {@code [w, h]} of a {@code w x h} image rescaled so its smaller side is {@code q},
     * computed in {@code long} so that an extreme aspect ratio is measured before anything is
     * allocated (65,496 x 8 at Q 256 is 2,095,872 x 256). The long side is rounded from a float
     * quotient, as the engine always did, so sizes are unchanged wherever they fit an int.
     */
    public static long[] size(long w, long h, int q) {
        if (w < 1 || h < 1 || q < 1) {
            throw new IllegalArgumentException("sizes must be positive: " + w + "x" + h + " at Q " + q);
        }
        if (w <= h) {
            return new long[] {q, Math.max(q, Math.round((double) ((float) h * q / w)))};
        }
        return new long[] {Math.max(q, Math.round((double) ((float) w * q / h))), q};
    }

    /** {@link #size(long, long, int)} as ints; throws {@link ArithmeticException} when a side does not fit. */
    public static int[] size(int w, int h, int q) {
        long[] s = size((long) w, (long) h, q);
        return new int[] {Math.toIntExact(s[0]), Math.toIntExact(s[1])};
    }

    /** The pixels of a {@code w x h} image rescaled so its smaller side is {@code q}. */
    public static long pixels(long w, long h, int q) {
        long[] s = size(w, h, q);
        return Math.multiplyExact(s[0], s[1]);
    }

    /** Rescales {@code src} so its smaller side is {@code q}; the layout is kept (resizing works per channel). */
    public static Pixels toSmallerSide(Pixels src, int q) {
        int type = opencv_core.CV_8UC(src.layout().channels());
        try (BytePointer bytes = new BytePointer(src.data()); Mat img = new Mat(src.height(), src.width(), type, bytes)) {
            return resize(img, src.layout(), q);
        }
    }

    /** Rescales an 8-bit Mat of {@code layout}; the one place both paths resize. */
    static Pixels resize(Mat img, Pixels.Layout layout, int q) {
        long[] to = size((long) img.cols(), (long) img.rows(), q);
        if (to[0] * to[1] * layout.channels() > MAX_BYTES) {
            throw new IllegalArgumentException("a " + img.cols() + "x" + img.rows() + " image at Q " + q + " would be " + to[0] + "x" + to[1]
                + ", too large to rescale");
        }
        return resize(img, layout, new int[] {(int) to[0], (int) to[1]});
    }

    /** Resizes an 8-bit Mat of {@code layout} to {@code to} = [w, h]: area averaging when it shrinks, bilinear when it grows. */
    static Pixels resize(Mat img, Pixels.Layout layout, int[] to) {
        int w = img.cols();
        int nw = to[0];
        int nh = to[1];
        if ((long) nw * nh * layout.channels() > MAX_BYTES) {
            throw new IllegalArgumentException("a " + w + "x" + img.rows() + " image rescaled to " + nw + "x" + nh + " is too large");
        }
        try (Mat scaled = new Mat(); Size size = new Size(nw, nh)) {
            opencv_imgproc.resize(img, scaled, size, 0, 0, (nw < w) ? INTER_AREA : INTER_LINEAR);
            // resize allocates its output, so it is continuous: one bulk copy out of native memory.
            byte[] out = new byte[nw * nh * layout.channels()];
            scaled.data().get(out);
            return new Pixels(nw, nh, layout, out);
        }
    }
}
