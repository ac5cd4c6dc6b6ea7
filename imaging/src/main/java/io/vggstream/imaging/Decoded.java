package io.vggstream.imaging;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
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
        if (encoded == null || encoded.length == 0 || PngChunks.overrun(encoded).isPresent()) {
            return Optional.empty();
        }
        try (BytePointer bytes = new BytePointer(encoded); Mat buf = new Mat(1, encoded.length, opencv_core.CV_8U, bytes)) {
            Mat img;
            try {
                img = imdecode(buf, IMREAD_COLOR);
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
