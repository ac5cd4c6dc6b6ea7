package io.vggstream.engine.preprocess;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.vggstream.engine.protocol.Protocol;
import io.vggstream.topics.deadletter.ErrorKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * From encoded bytes to the paper's test-time variants: decode (OpenCV), rescale isotropically so
 * the smallest side is each Q, take the dense whole image and/or the 5x5 grid of crops, with or
 * without the horizontal flip, mean-subtracted, as CHW float tensors. Images smaller than Q are
 * scaled up like any other. Native Mats are closed before returning.
 */
public final class Preprocessing {

    private Preprocessing() {
    }

    /** The outcome for one frame. */
    public sealed interface Result {
        /**
         * The variants of every plan, in plan order, and the decoded image's size.
         *
         * @param decodeNanos how long the header probe and the decode took (the rest of the call made the variants)
         */
        record Ok(List<Variant> variants, int width, int height, long decodeNanos) implements Result {
        }

        /** Why the frame cannot be used. */
        record Bad(ErrorKind kind, String reason) implements Result {
        }
    }

    /** With the default smallest side of 8 pixels. */
    public static Result variants(byte[] encoded, List<Plan> plans, long maxPixels) {
        return variants(encoded, plans, maxPixels, 8);
    }

    /**
     * @param maxPixels images declaring more pixels are refused before decoding
     * @param minSide images whose smaller side is under this are refused as too small
     */
    public static Result variants(byte[] encoded, List<Plan> plans, long maxPixels, int minSide) {
        if (encoded == null || encoded.length == 0) {
            return new Result.Bad(ErrorKind.EMPTY, "the frame has no image bytes");
        }
        long t0 = System.nanoTime();
        Optional<ImageProbe.Size> declared = ImageProbe.size(encoded);
        if (declared.isPresent() && declared.get().pixels() > maxPixels) {
            ImageProbe.Size s = declared.get();
            return new Result.Bad(ErrorKind.TOO_MANY_PIXELS, "the image declares " + s.width() + "x" + s.height() + " = " + s.pixels()
                + " pixels, over the limit of " + maxPixels + " (vggstream.engine.max-image-pixels); refused before decoding");
        }
        Optional<String> overrun = PngChunks.overrun(encoded);
        if (overrun.isPresent()) {
            return new Result.Bad(ErrorKind.DECODE, overrun.get());
        }
        try (BytePointer bytes = new BytePointer(encoded);
             Mat buf = new Mat(1, encoded.length, opencv_core.CV_8U, bytes);
             Mat img = decode(buf)) {
            if (img == null || img.empty()) {
                return new Result.Bad(ErrorKind.DECODE, "the bytes are not an image OpenCV can decode ("
                    + encoded.length + " bytes starting " + hex(encoded) + "); send JPEG, PNG, BMP or WebP");
            }
            if ((long) img.cols() * img.rows() > maxPixels) {
                return new Result.Bad(ErrorKind.TOO_MANY_PIXELS, "the image is " + img.cols() + "x" + img.rows()
                    + ", over the limit of " + maxPixels + " pixels (vggstream.engine.max-image-pixels)");
            }
            if (Math.min(img.cols(), img.rows()) < minSide) {
                return new Result.Bad(ErrorKind.TOO_SMALL, "the image is " + img.cols() + "x" + img.rows() + "; its smaller side must be at least "
                    + minSide + " pixels (vggstream.engine.min-image-side)");
            }
            long decoded = System.nanoTime() - t0;
            List<Variant> out = new ArrayList<>();
            Map<Integer, Scaled> byQ = new HashMap<>();
            for (Plan plan : plans) {
                for (int q : plan.scales()) {
                    Scaled s = byQ.computeIfAbsent(q, k -> rescale(img, k));
                    if (plan.dense()) {
                        window(out, plan, false, s, 0, 0, s.w, s.h);
                    }
                    if (plan.crops()) {
                        for (int[] xy : grid(s.w, s.h, plan.crop())) {
                            window(out, plan, true, s, xy[0], xy[1], plan.crop(), plan.crop());
                        }
                    }
                }
            }
            return new Result.Ok(out, img.cols(), img.rows(), decoded);
        }
    }

    /**
     * OpenCV's decode, or null when it throws: it refuses some headers by assertion rather than with
     * an empty Mat (a BMP declaring a width over 2^20, which the probe cannot read, was found by fuzzing).
     */
    private static Mat decode(Mat buf) {
        try {
            return imdecode(buf, IMREAD_COLOR);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** An image rescaled so its smallest side is Q: BGR bytes, row-major. */
    record Scaled(byte[] bgr, int w, int h) {
    }

    /** The size {@code [w, h]} of a {@code w x h} image rescaled isotropically so its smaller side is {@code q}. */
    public static int[] scaledSize(int w, int h, int q) {
        if (w <= h) {
            return new int[] {q, Math.max(q, Math.round((float) h * q / w))};
        }
        return new int[] {Math.max(q, Math.round((float) w * q / h)), q};
    }

    static Scaled rescale(Mat img, int q) {
        int w = img.cols();
        int h = img.rows();
        int[] scaledTo = scaledSize(w, h, q);
        int nw = scaledTo[0];
        int nh = scaledTo[1];
        try (Mat scaled = new Mat(); Size size = new Size(nw, nh)) {
            // Area averaging when shrinking (no aliasing), bilinear when growing.
            resize(img, scaled, size, 0, 0, (nw < w) ? INTER_AREA : INTER_LINEAR);
            // resize allocates its output, so it is continuous: one bulk copy out of native memory.
            byte[] bgr = new byte[nw * nh * 3];
            scaled.data().get(bgr);
            return new Scaled(bgr, nw, nh);
        }
    }

    /** The paper's 5x5 regular grid of crop positions (top-left corners), corners included. */
    public static List<int[]> grid(int w, int h, int crop) {
        List<int[]> xy = new ArrayList<>();
        int n = Protocol.GRID;
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                xy.add(new int[] {Math.round((float) (w - crop) * i / (n - 1)), Math.round((float) (h - crop) * j / (n - 1))});
            }
        }
        return xy;
    }

    /** Adds the window's tensor and, when the plan averages flips, its mirror image (both made in one pass). */
    private static void window(List<Variant> out, Plan plan, boolean crop, Scaled s, int x0, int y0, int cw, int ch) {
        if (plan.flips()) {
            Variant[] both = tensorAndMirror(plan, crop, s, x0, y0, cw, ch);
            out.add(both[0]);
            out.add(both[1]);
        } else {
            out.add(tensor(plan, crop, s, x0, y0, cw, ch, false));
        }
    }

    /**
     * The window as {@link #tensor} makes it, unflipped and flipped, reading each source pixel once: the
     * same values as two calls, for about half the memory traffic (this loop is a third of a frame's
     * preprocessing at 640x480).
     */
    static Variant[] tensorAndMirror(Plan plan, boolean crop, Scaled s, int x0, int y0, int cw, int ch) {
        float[] chw = new float[3 * cw * ch];
        float[] mirror = new float[3 * cw * ch];
        int plane = cw * ch;
        float mr = plan.meanRgb()[0];
        float mg = plan.meanRgb()[1];
        float mb = plan.meanRgb()[2];
        byte[] src = s.bgr();
        for (int y = 0; y < ch; y++) {
            int row = ((y0 + y) * s.w() + x0) * 3;
            int dst = y * cw;
            int last = dst + cw - 1;
            for (int x = 0; x < cw; x++) {
                int p = row + x * 3;
                float r = (src[p + 2] & 0xff) - mr;
                float g = (src[p + 1] & 0xff) - mg;
                float b = (src[p] & 0xff) - mb;
                chw[dst + x] = r;
                chw[plane + dst + x] = g;
                chw[2 * plane + dst + x] = b;
                mirror[last - x] = r;
                mirror[plane + last - x] = g;
                mirror[2 * plane + last - x] = b;
            }
        }
        return new Variant[] {new Variant(plan.model(), crop, ch, cw, chw), new Variant(plan.model(), crop, ch, cw, mirror)};
    }

    /** The window (x0, y0, cw, ch) of {@code s} as RGB CHW floats minus the mean, mirrored if asked. */
    static Variant tensor(Plan plan, boolean crop, Scaled s, int x0, int y0, int cw, int ch, boolean flip) {
        float[] chw = new float[3 * cw * ch];
        int plane = cw * ch;
        float mr = plan.meanRgb()[0];
        float mg = plan.meanRgb()[1];
        float mb = plan.meanRgb()[2];
        byte[] src = s.bgr();
        for (int y = 0; y < ch; y++) {
            int row = ((y0 + y) * s.w() + x0) * 3;
            int dst = y * cw;
            for (int x = 0; x < cw; x++) {
                int sx = flip ? cw - 1 - x : x;
                int p = row + sx * 3;
                chw[dst + x] = (src[p + 2] & 0xff) - mr;
                chw[plane + dst + x] = (src[p + 1] & 0xff) - mg;
                chw[2 * plane + dst + x] = (src[p] & 0xff) - mb;
            }
        }
        return new Variant(plan.model(), crop, ch, cw, chw);
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, b.length); i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }
}
