package io.vggstream.video.testing;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;

import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Real media for tests: a video file written with FFmpeg, images and JPEGs written with OpenCV. */
public final class Media {

    private Media() {
    }

    /** A synthetic frame: a colour that changes with {@code i}, seeded noise, and its number drawn on it. Close it. */
    public static Mat frame(int width, int height, int i, long seed) {
        Mat m = new Mat(height, width, CV_8UC3);
        byte[] px = new byte[width * height * 3];
        Random r = new Random(seed * 1_000_003L + i);
        for (int k = 0; k < px.length; k += 3) {
            px[k] = (byte) (40 + (i * 7) % 120 + r.nextInt(16));
            px[k + 1] = (byte) (180 + r.nextInt(16));
            px[k + 2] = (byte) (200 - (i * 5) % 100 + r.nextInt(16));
        }
        m.data().put(px);
        try (Point at = new Point(4, height / 2); Scalar white = new Scalar(255, 255, 255, 0)) {
            putText(m, Integer.toString(i), at, FONT_HERSHEY_SIMPLEX, height / 120.0, white);
        }
        return m;
    }

    /** Writes {@code frames} frames of {@code width x height} at {@code fps} to {@code file} with {@code codec} (mp4, or by extension). */
    public static void writeVideo(Path file, int frames, int width, int height, double fps, String codec) throws Exception {
        try (OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
             FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), width, height, 0)) {
            r.setVideoCodecName(codec);
            r.setFrameRate(fps);
            r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            r.setVideoBitrate(2_000_000);
            r.start();
            for (int i = 0; i < frames; i++) {
                try (Mat m = frame(width, height, i, 7)) {
                    r.record(conv.convert(m));
                }
            }
            r.stop();
        }
    }

    /** A JPEG of a synthetic frame. */
    public static byte[] jpeg(int width, int height, int i) {
        try (Mat m = frame(width, height, i, 11); BytePointer out = new BytePointer()) {
            imencode(".jpg", m, out);
            byte[] b = new byte[(int) out.limit()];
            out.get(b);
            return b;
        }
    }

    /** Writes a synthetic frame as an image file (the format by extension). */
    public static void writeImage(Path file, int width, int height, int i) {
        try (Mat m = frame(width, height, i, 13)) {
            if (!imwrite(file.toString(), m)) {
                throw new IllegalStateException("OpenCV did not write " + file);
            }
        }
    }

    /** The size {@code {width, height}} of an encoded image, or null when OpenCV cannot decode it. */
    public static int[] decodedSize(byte[] image) {
        try (BytePointer p = new BytePointer(image); Mat buf = new Mat(1, image.length, CV_8U, p); Mat img = imdecode(buf, IMREAD_COLOR)) {
            return img == null || img.empty() ? null : new int[] {img.cols(), img.rows()};
        }
    }
}
