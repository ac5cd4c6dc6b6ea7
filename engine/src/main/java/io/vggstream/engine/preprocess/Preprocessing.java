package io.vggstream.engine.preprocess;

import io.vggstream.engine.protocol.Protocol;
import io.vggstream.imaging.Decoded;
import io.vggstream.imaging.ImageFormat;
import io.vggstream.imaging.ImageProbe;
import io.vggstream.imaging.PngChunks;
import io.vggstream.imaging.Pixels;
import io.vggstream.imaging.Rescale;
import io.vggstream.imaging.Tensors;
import io.vggstream.topics.deadletter.ErrorKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * From encoded bytes to the paper's test-time variants: check the format by its magic bytes and
 * the declared size against {@link ImageLimits}, decode, rescale isotropically so the smallest
 * side is each Q, take the dense whole image and/or the 5x5 grid of crops, with or without the
 * horizontal flip, normalised as the model's card says (channel order, scale, mean, std: the
 * plan's {@link Plan#input()}), as CHW float tensors. Decoding, rescaling and the tensors are
 * the {@code imaging} module's, the same code the trainer evaluates with. Images smaller than Q
 * are scaled up like any other. Native Mats are closed before returning.
 */
public final class Preprocessing {

    private Preprocessing() {
    }

    /** The outcome for one frame. */
    public sealed interface Result {
        /**
         * The variants of every plan, in plan order, and the decoded image's size.
         *
         * @param decodeNanos how long the checks and the decode took (the rest of the call made the variants)
         */
        record Ok(List<Variant> variants, int width, int height, long decodeNanos) implements Result {
        }

        /** Why the frame cannot be used. */
        record Bad(ErrorKind kind, String reason) implements Result {
        }
    }

    /** With the default smallest side of 8 pixels and the default aspect and tensor limits. */
    public static Result variants(byte[] encoded, List<Plan> plans, long maxPixels) {
        return variants(encoded, plans, ImageLimits.of(maxPixels, 8));
    }

    /** With the default aspect and tensor limits. */
    public static Result variants(byte[] encoded, List<Plan> plans, long maxPixels, int minSide) {
        return variants(encoded, plans, ImageLimits.of(maxPixels, minSide));
    }

    /** Decoded at full size (the trainer's pixels exactly). */
    public static Result variants(byte[] encoded, List<Plan> plans, ImageLimits limits) {
        return variants(encoded, plans, limits, false);
    }

    /**
     * The variants of {@code encoded} for each plan, or why not. Nothing is decoded or allocated in
     * proportion to the image before its declared size has passed {@code limits}. With
     * {@code reducedDecode}, a JPEG whose smaller side is at least twice the largest Q is decoded at
     * 1/2, 1/4 or 1/8 by libjpeg's DCT scaling ({@link #reduction}), then rescaled to the sizes of the
     * full image: same shapes, slightly different pixels (vggstream.engine.preprocess.reduced-decode).
     */
    public static Result variants(byte[] encoded, List<Plan> plans, ImageLimits limits, boolean reducedDecode) {
        if (encoded == null || encoded.length == 0) {
            return new Result.Bad(ErrorKind.EMPTY, "the frame has no image bytes");
        }
        long t0 = System.nanoTime();
        Optional<ImageFormat> format = ImageFormat.detect(encoded);
        if (format.isEmpty()) {
            String guess = ImageFormat.guess(encoded);
            if (!guess.equals("unknown")) {
                return new Result.Bad(ErrorKind.FORMAT, "the image is " + guess + ", not an accepted format; send " + ImageFormat.ALLOWED);
            }
            return new Result.Bad(ErrorKind.DECODE, "the bytes are not an image (" + encoded.length + " bytes starting " + hex(encoded)
                + "); send " + ImageFormat.ALLOWED);
        }
        Optional<ImageProbe.Size> declared = ImageProbe.size(encoded);
        if (declared.isEmpty()) {
            return new Result.Bad(ErrorKind.DECODE, "the " + format.get().label() + " header is broken or truncated: no image size in it ("
                + encoded.length + " bytes)");
        }
        List<Integer> scales = scales(plans);
        Result.Bad refused = check(declared.get().width(), declared.get().height(), scales, limits, "declares");
        if (refused != null) {
            return refused;
        }
        Optional<String> overrun = PngChunks.overrun(encoded);
        if (overrun.isPresent()) {
            return new Result.Bad(ErrorKind.DECODE, overrun.get());
        }
        int w = declared.get().width();
        int h = declared.get().height();
        int factor = reducedDecode && format.get() == ImageFormat.JPEG ? reduction(w, h, scales.get(scales.size() - 1)) : 1;
        Optional<Decoded> decodedImage = factor > 1 ? Decoded.decodeReduced(encoded, factor) : Decoded.decode(encoded);
        if (decodedImage.isPresent() && factor > 1) {
            // The full size the reduced image stands for: the declared one, turned when EXIF orientation transposed it.
            int[] full = fullSize(decodedImage.get().width(), decodedImage.get().height(), w, h, factor);
            if (full == null) {
                // The decoder disagrees with the header: decode in full, and let the checks below judge what it makes.
                decodedImage.get().close();
                factor = 1;
                decodedImage = Decoded.decode(encoded);
            } else {
                w = full[0];
                h = full[1];
            }
        }
        if (decodedImage.isEmpty()) {
            return new Result.Bad(ErrorKind.DECODE, "the " + format.get().label() + " image cannot be decoded (" + encoded.length
                + " bytes starting " + hex(encoded) + ": corrupt or truncated)");
        }
        try (Decoded img = decodedImage.get()) {
            if (factor == 1) {
                w = img.width();
                h = img.height();
            }
            // The decoder may turn the image (EXIF orientation) or disagree with the header: check what it made (at full size,
            // which is what the rescaled images are sized from; a reduced decode holds fewer pixels than that).
            Result.Bad wrong = check(w, h, scales, limits, "is");
            if (wrong != null) {
                return wrong;
            }
            long decoded = System.nanoTime() - t0;
            List<Variant> out = new ArrayList<>();
            Map<Integer, Pixels> byQ = new LinkedHashMap<>();
            int fullW = w;
            int fullH = h;
            for (Plan plan : plans) {
                for (int q : plan.scales()) {
                    Pixels s = byQ.computeIfAbsent(q, qq -> img.rescale(qq, fullW, fullH));
                    if (plan.dense()) {
                        window(out, plan, false, s, 0, 0, s.width(), s.height());
                    }
                    if (plan.crops()) {
                        for (int[] xy : grid(s.width(), s.height(), plan.crop())) {
                            window(out, plan, true, s, xy[0], xy[1], plan.crop(), plan.crop());
                        }
                    }
                }
            }
            return new Result.Ok(out, fullW, fullH, decoded);
        }
    }

    /**
     * The DCT scaling for a {@code w x h} JPEG whose largest Q is {@code maxQ}: the largest of 8, 4 and 2 that
     * leaves the smaller side at least {@code maxQ} (so every rescale still shrinks and the crops still fit), or 1
     * when the smaller side is under twice {@code maxQ}.
     */
    public static int reduction(int w, int h, int maxQ) {
        long shortSide = Math.min(w, h);
        for (int k = 8; k >= 2; k /= 2) {
            if (shortSide >= (long) k * maxQ) {
                return k;
            }
        }
        return 1;
    }

    /**
     * The full size {@code [w, h]} of a JPEG declared {@code dw x dh} and decoded at 1/{@code k} as {@code rw x rh}
     * (libjpeg rounds up), transposed when EXIF orientation turned it; null when the decoder made something else.
     */
    static int[] fullSize(int rw, int rh, int dw, int dh, int k) {
        int sw = (dw + k - 1) / k;
        int sh = (dh + k - 1) / k;
        if (rw == sw && rh == sh) {
            return new int[] {dw, dh};
        }
        if (rw == sh && rh == sw) {
            return new int[] {dh, dw};
        }
        return null;
    }

    /** The distinct Q of the plans, ascending. */
    static List<Integer> scales(List<Plan> plans) {
        TreeSet<Integer> qs = new TreeSet<>();
        plans.forEach(p -> qs.addAll(p.scales()));
        return List.copyOf(qs);
    }

    /** Why a {@code w x h} image cannot be used under {@code limits}, or null; every size in {@code long}. */
    static Result.Bad check(int w, int h, List<Integer> scales, ImageLimits limits, String verb) {
        long pixels = (long) w * h;
        if (pixels > limits.maxImagePixels()) {
            return new Result.Bad(ErrorKind.TOO_MANY_PIXELS, "the image " + verb + " " + w + "x" + h + " = " + pixels
                + " pixels, over the limit of " + limits.maxImagePixels() + " (vggstream.engine.max-image-pixels); refused before decoding");
        }
        int shortSide = Math.min(w, h);
        int longSide = Math.max(w, h);
        if (shortSide < limits.minImageSide()) {
            return new Result.Bad(ErrorKind.TOO_SMALL, "the image " + verb + " " + w + "x" + h + "; its smaller side must be at least "
                + limits.minImageSide() + " pixels (vggstream.engine.min-image-side)");
        }
        if ((double) longSide / shortSide > limits.maxAspectRatio()) {
            return new Result.Bad(ErrorKind.ASPECT_RATIO, "the image " + verb + " " + w + "x" + h + ", an aspect ratio of "
                + String.format(java.util.Locale.ROOT, "%.1f", (double) longSide / shortSide) + ":1, over the limit of "
                + limits.maxAspectRatio() + " (vggstream.engine.max-aspect-ratio); refused before decoding");
        }
        long tensor = 0;
        for (int q : scales) {
            tensor += Rescale.pixels(w, h, q);
        }
        if (tensor > limits.maxTensorPixels()) {
            return new Result.Bad(ErrorKind.TOO_MANY_TENSOR_PIXELS, "the image " + verb + " " + w + "x" + h + "; rescaled to Q " + scales
                + " it would be " + tensor + " pixels, over the limit of " + limits.maxTensorPixels()
                + " (vggstream.engine.max-tensor-pixels); refused before decoding");
        }
        return null;
    }

    /**
     * The most bytes one frame can hold while it is preprocessed under {@code limits} and {@code plans}
     * (Java heap and native memory together), for an encoded frame of at most {@code maxEncodedBytes}:
     * <ul>
     * <li>the encoded bytes and their native copy for the decoder: 2 E;</li>
     * <li>the decoded image, 3 bytes a pixel, and an allowance of 4 more for the codec's own buffer
     *     (a WebP with alpha is decoded to RGBA, then converted): 7 P;</li>
     * <li>the rescaled images of every Q, in Java (at most T pixels together, 3 bytes each), and the
     *     native output of the one being resized: 6 T;</li>
     * <li>per plan (model): the dense tensors, 3 floats a rescaled pixel, twice with flips: 12 T (x2);
     *     the crops, 25 per Q of 3 c^2 floats, twice with flips.</li>
     * </ul>
     * The tensors are now written into the inference worker's batch buffer, not per frame: those terms are an over-count
     * kept as a margin.
     */
    public static long maxFrameBytes(ImageLimits limits, List<Plan> plans, long maxEncodedBytes) {
        long t = limits.maxTensorPixels();
        long bytes = 2 * maxEncodedBytes + 7 * limits.maxImagePixels() + 6 * t;
        for (Plan plan : plans) {
            int flips = plan.flips() ? 2 : 1;
            if (plan.dense()) {
                bytes += 12 * t * flips;
            }
            if (plan.crops()) {
                bytes += (long) plan.scales().size() * Protocol.GRID * Protocol.GRID * 12L * plan.crop() * plan.crop() * flips;
            }
        }
        return bytes;
    }

    /** The size {@code [w, h]} of a {@code w x h} image rescaled isotropically so its smaller side is {@code q}. */
    public static int[] scaledSize(int w, int h, int q) {
        return Rescale.size(w, h, q);
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

    /**
     * Adds the window's tensor and, when the plan averages flips, its mirror image: views of the rescaled image {@code s},
     * written into the batch by the inference worker, so nothing the size of the tensor is allocated here.
     */
    private static void window(List<Variant> out, Plan plan, boolean crop, Pixels s, int x0, int y0, int cw, int ch) {
        out.add(tensor(plan, crop, s, x0, y0, cw, ch, false));
        if (plan.flips()) {
            out.add(tensor(plan, crop, s, x0, y0, cw, ch, true));
        }
    }

    /** The window (x0, y0, cw, ch) of {@code s} as CHW floats normalised as the plan says, mirrored if asked. */
    static Variant tensor(Plan plan, boolean crop, Pixels s, int x0, int y0, int cw, int ch, boolean flip) {
        return new Variant(plan.model(), crop, ch, cw, Tensors.window(s, x0, y0, cw, ch, flip, plan.input()));
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, b.length); i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }
}
