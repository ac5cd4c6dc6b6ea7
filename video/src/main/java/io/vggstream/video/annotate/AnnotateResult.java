package io.vggstream.video.annotate;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What an {@code annotate} run wrote.
 *
 * @param out the MP4 file
 * @param frames frames written
 * @param predicted those that had a prediction (joined by stream, seq and ts)
 * @param width the video's width in pixels
 * @param height its height
 * @param fps its frame rate
 * @param codec the encoder used (FFmpeg's name)
 * @param fallback why the preferred encoder was not used, when it was not
 * @param skipped frame records of the stream that could not be read or decoded
 * @param seconds how long it took
 */
public record AnnotateResult(Path out, long frames, long predicted, int width, int height, double fps, String codec,
    Optional<String> fallback, long skipped, double seconds) {

    /** The summary line. */
    public String summary() {
        return String.format(Locale.ROOT, "wrote %s: %d frames (%d with a prediction), %dx%d at %s fps, %s, in %.1f s%s", out, frames,
            predicted, width, height, fps == Math.rint(fps) ? Long.toString((long) fps) : String.format(Locale.ROOT, "%.3f", fps),
            codec.equals("libopenh264") ? "H.264 (libopenh264)" : codec, seconds,
            skipped > 0 ? ", " + skipped + " unreadable frame records skipped" : "");
    }
}
