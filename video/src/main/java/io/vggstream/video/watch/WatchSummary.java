package io.vggstream.video.watch;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a {@code watch} run saw.
 *
 * @param frames predictions read (of the watched streams)
 * @param labelled those that carried a label
 * @param correct labelled ones whose top-1 matched the label (by class index or name)
 * @param accuracy correct over labelled; empty without labels
 * @param fps predictions per second, first to last arrival, summed over streams
 * @param latencyP50 median capture-to-prediction latency ({@code latency_ms.capture}), ms
 * @param latencyP99 its 99th percentile, ms
 * @param seconds how long the watch ran
 * @param invalid records on the topic that were not the contract's prediction JSON (skipped)
 * @param streams the same figures per stream, by stream id
 */
public record WatchSummary(long frames, long labelled, long correct, OptionalDouble accuracy, double fps, OptionalDouble latencyP50,
    OptionalDouble latencyP99, double seconds, long invalid, List<StreamSummary> streams) {

    public WatchSummary {
        streams = List.copyOf(streams);
    }

    /** One stream's figures; {@code lastTop1} is the class of its latest prediction. */
    public record StreamSummary(String stream, long frames, long labelled, long correct, OptionalDouble accuracy, double fps,
        OptionalDouble latencyP50, OptionalDouble latencyP99, Optional<String> lastTop1, long partial) {
    }

    /** The summary line: frames, accuracy, fps, p50 and p99 latency. */
    public String summary() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "watched %d predictions of %d stream%s in %.1f s", frames,
            streams.size(), streams.size() == 1 ? "" : "s", seconds));
        sb.append(accuracy.isPresent()
            ? String.format(Locale.ROOT, ": accuracy %.1f%% (%d of %d labelled)", 100 * accuracy.getAsDouble(), correct, labelled)
            : ": no labels");
        sb.append(String.format(Locale.ROOT, ", %.1f frames/s, latency p50 %s, p99 %s", fps, WatchView.latency(latencyP50),
            WatchView.latency(latencyP99)));
        if (invalid > 0) {
            sb.append(", ").append(invalid).append(" invalid records skipped");
        }
        return sb.toString();
    }
}
