package io.vggstream.video.publish;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.bytedeco.opencv.opencv_core.Mat;

/** Where frames come from: a file, a stream or a camera through FFmpeg, or a folder of images through OpenCV. */
interface FrameSource extends AutoCloseable {

    /**
     * One image read from the source.
     *
     * @param image 8-bit BGR (or grey), borrowed: valid until the next {@link #next()} or {@link #close()}
     * @param timestampMicros the source's own timestamp of the frame; meaningful only for files
     * @param index the frame's 0-based position in the source (in this pass, when looping)
     * @param label the ground truth the source itself gives (a labelled folder's subfolder name)
     */
    record Captured(Mat image, long timestampMicros, long index, Optional<String> label) {
    }

    /** The next frame, or null at the end. Fails with a {@link SourceReadException} when the source breaks. */
    Captured next();

    /** Starts over from the first frame (for {@code --loop}). */
    void restart();

    /** A source that runs in real time by itself (a camera, a live stream): no pacing, no end but a drop. */
    boolean live();

    /** The source's nominal frame rate, when it has one. */
    OptionalDouble frameRate();

    /** How many frames a pass holds, when known. */
    OptionalLong length();

    /** Frames that could not be read and were skipped (a folder's unreadable files). */
    long skipped();

    @Override
    void close();
}
