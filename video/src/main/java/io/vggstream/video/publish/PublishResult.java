package io.vggstream.video.publish;

import java.util.Locale;
import java.util.Optional;

/**
 * What a {@code publish} run did.
 *
 * @param stream the stream id the frames were keyed with
 * @param topic the topic they went to
 * @param frames frames acknowledged by the broker, with {@code seq} 0 to {@code frames - 1}
 * @param bytes the JPEG bytes of those frames
 * @param seconds from the first frame read to the last acknowledged
 * @param skipped frames the source could not give (unreadable images)
 * @param reconnects times a dropped live source was reopened
 * @param problem why publishing ended early (a source that broke, a broker that refused), if it did
 */
public record PublishResult(String stream, String topic, long frames, long bytes, double seconds, long skipped, int reconnects,
    Optional<String> problem) {

    /** Frames per second over the run. */
    public double fps() {
        return seconds > 0 ? frames / seconds : 0;
    }

    /** Whether the command should fail: nothing was published. */
    public boolean failed() {
        return frames == 0;
    }

    /** The one summary line: frames, seconds, fps, and what else there is to say. */
    public String summary() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "published %d frames of stream %s to %s in %.1f s (%.1f frames/s, %s)",
            frames, stream, topic, seconds, fps(), ProgressBar.bytes(bytes)));
        if (skipped > 0) {
            sb.append(", ").append(skipped).append(" unreadable skipped");
        }
        if (reconnects > 0) {
            sb.append(", ").append(reconnects).append(reconnects == 1 ? " reconnect" : " reconnects");
        }
        return sb.toString();
    }
}
