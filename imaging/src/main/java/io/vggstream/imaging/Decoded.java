package io.vggstream.imaging;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * An image decoded by OpenCV ({@code imdecode}, 8-bit BGR, grey and alpha converted, EXIF
 * orientation applied), held in native memory until {@link #close()}. Check the bytes with
 * {@link ImageFormat} and {@link ImageProbe} first: the decoder allocates whatever the header says.
 */
public final class Decoded implements AutoCloseable {

    private final Mat mat;

    private Decoded(Mat mat) {
        this.mat = mat;
    }

    /**
     * The decoded image, or empty when OpenCV cannot decode the bytes: also when a PNG chunk declares
     * more bytes than follow ({@link PngChunks}), and when OpenCV refuses a header by throwing rather
     * than with an empty Mat (a BMP declaring a width over 2^20; both found by fuzzing).
     */
    public static Optional<Decoded> decode(byte[] encoded) {
        return decode(encoded, IMREAD_COLOR);
    }

    /**
     * A JPEG decoded at 1/{@code factor} of its size (2, 4 or 8) by libjpeg's DCT scaling: the inverse
     * DCT of each 8x8 block is computed at 4x4, 2x2 or 1x1 (its mean), so the large image is never
     * made. libjpeg rounds each side up ({@code ceil(side / factor)}); EXIF orientation is applied
     * after, as in {@link #decode(byte[])}. JPEG only: for other formats OpenCV's reduced flags
     * decode the whole image and then resize it (bilinear), which saves nothing and changes pixels.
     *
     * @throws IllegalArgumentException when the bytes are not a JPEG or the factor is not 2, 4 or 8
     */
    public static Optional<Decoded> decodeReduced(byte[] encoded, int factor) {
        int flag = switch (factor) {
            case 2 -> IMREAD_REDUCED_COLOR_2;
            case 4 -> IMREAD_REDUCED_COLOR_4;
            case 8 -> IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("a JPEG is DCT-scaled by 2, 4 or 8, not " + factor);
        };
        if (ImageFormat.detect(encoded == null ? new byte[0] : encoded).orElse(null) != ImageFormat.JPEG) {
            throw new IllegalArgumentException("only a JPEG is decoded at reduced size (DCT scaling); OpenCV decodes other formats whole");
        }
        return decode(encoded, flag);
    }

    private static Optional<Decoded> decode(byte[] encoded, int flags) {
        if (encoded == null || encoded.length == 0 || PngChunks.overrun(encoded).isPresent()) {
            return Optional.empty();
        }
        try (BytePointer bytes = new BytePointer(encoded); Mat buf = new Mat(1, encoded.length, opencv_core.CV_8U, bytes)) {
            Mat img;
            try {
                img = imdecode(buf, flags);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
            if (img == null) {
                return Optional.empty();
            }
            if (img.empty()) {
                img.close();
                return Optional.empty();
            }
            return Optional.of(new Decoded(img));
        }
    }

    public int width() {
        return mat.cols();
    }

    public int height() {
        return mat.rows();
    }

    /** Rescaled so the smaller side is {@code q} (see {@link Rescale}), as BGR bytes. */
    public Pixels rescale(int q) {
        return Rescale.resize(mat, Pixels.Layout.BGR, q);
    }

    /**
     * Rescaled to the size a {@code width x height} image gets at {@code q} ({@link Rescale#size}), as
     * BGR bytes: a reduced decode rescaled to the sizes of the full one, so the tensors' shapes do not
     * depend on how the frame was decoded.
     */
    public Pixels rescale(int q, int width, int height) {
        return Rescale.resize(mat, Pixels.Layout.BGR, Rescale.size(width, height, q));
    }

    /** The decoded pixels, BGR, copied into Java memory. */
    public Pixels pixels() {
        byte[] bgr = new byte[Math.multiplyExact(Math.multiplyExact(width(), height()), 3)];
        if (mat.isContinuous()) {
            mat.data().get(bgr);
        } else {
            for (int y = 0; y < height(); y++) {
                mat.ptr(y).get(bgr, y * width() * 3, width() * 3);
            }
        }
        return new Pixels(width(), height(), Pixels.Layout.BGR, bgr);
    }

    @Override
    public void close() {
        mat.close();
    }
}
