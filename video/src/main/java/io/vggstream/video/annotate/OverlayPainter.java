package io.vggstream.video.annotate;

import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** Draws an {@link Overlay} onto a BGR frame with OpenCV ({@code rectangle}, {@code putText}). */
final class OverlayPainter {

    private OverlayPainter() {
    }

    /** OpenCV's width of {@code text} in the overlay's font. */
    static int width(String text, double scale, int thickness) {
        try (IntPointer baseline = new IntPointer(1L); Size size = getTextSize(text, FONT_HERSHEY_SIMPLEX, scale, thickness, baseline)) {
            return size.width();
        }
    }

    static void paint(Mat frame, List<Overlay.Element> elements) {
        for (Overlay.Element e : elements) {
            if (e instanceof Overlay.Element.Box b) {
                box(frame, b);
            } else if (e instanceof Overlay.Element.Text t) {
                try (Point at = new Point(t.x(), t.y()); Scalar c = bgr(t.rgb())) {
                    putText(frame, t.text(), at, FONT_HERSHEY_SIMPLEX, t.scale(), c, t.thickness(), LINE_AA, false);
                }
            }
        }
    }

    private static void box(Mat frame, Overlay.Element.Box b) {
        int x = Math.max(0, b.x());
        int y = Math.max(0, b.y());
        int w = Math.min(b.width(), frame.cols() - x);
        int h = Math.min(b.height(), frame.rows() - y);
        if (w <= 0 || h <= 0) {
            return;
        }
        try (Rect r = new Rect(x, y, w, h); Scalar c = bgr(b.rgb())) {
            if (b.alpha() >= 1.0) {
                rectangle(frame, r, c, FILLED, LINE_8, 0);
                return;
            }
            // Blend: the region, and a copy of it filled with the colour, mixed at alpha.
            try (Mat roi = new Mat(frame, r); Mat fill = new Mat(h, w, frame.type(), c)) {
                addWeighted(fill, b.alpha(), roi, 1.0 - b.alpha(), 0.0, roi);
            }
        }
    }

    private static Scalar bgr(int rgb) {
        return new Scalar(rgb & 0xFF, (rgb >> 8) & 0xFF, (rgb >> 16) & 0xFF, 0);
    }
}
