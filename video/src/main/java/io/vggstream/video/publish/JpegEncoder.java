package io.vggstream.video.publish;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.vggstream.video.VideoException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Resizes (optionally) and encodes BGR or grey images as JPEG at one quality. Not thread-safe; close it. */
final class JpegEncoder implements AutoCloseable {

    private final Resize resize;
    private final IntPointer params;
    private final Mat resized = new Mat();
    private boolean closed;

    JpegEncoder(int quality, Resize resize) {
        this.resize = resize;
        this.params = new IntPointer(IMWRITE_JPEG_QUALITY, quality);
    }

    /** The JPEG file of {@code image} (8-bit, 1 or 3 channels), resized first when asked. */
    byte[] encode(Mat image) {
        if (closed) {
            throw new IllegalStateException("this JPEG encoder is closed");
        }
        Mat src = image;
        int[] t = resize.target(image.cols(), image.rows());
        if (t[0] != image.cols() || t[1] != image.rows()) {
            boolean down = (long) t[0] * t[1] < (long) image.cols() * image.rows();
            try (Size size = new Size(t[0], t[1])) {
                resize(image, resized, size, 0, 0, down ? INTER_AREA : INTER_LINEAR);
            }
            src = resized;
        }
        try (BytePointer out = new BytePointer()) {
            if (!imencode(".jpg", src, out, params)) {
                throw new VideoException("OpenCV could not encode a " + src.cols() + "x" + src.rows() + " frame with "
                    + src.channels() + " channels as JPEG");
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            resized.close();
            params.close();
        }
    }
}
