package io.vggstream.video.watch;

import io.vggstream.topics.prediction.Prediction;
import io.vggstream.video.LabelMatch;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.OptionalDouble;

/** One stream's running figures, fed one prediction at a time with the time it arrived. */
final class StreamStats {

    private final String stream;
    private final long rateWindowNanos;
    private final LatencyLog capture;
    private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
    private Prediction latest;
    private long frames;
    private long labelled;
    private long correct;
    private long partial;
    private long firstArrival;
    private long lastArrival;

    StreamStats(String stream, int latencyWindow, long rateWindowNanos) {
        this.stream = stream;
        this.rateWindowNanos = rateWindowNanos;
        this.capture = new LatencyLog(latencyWindow);
    }

    void add(Prediction p, long arrivalNanos) {
        if (frames == 0) {
            firstArrival = arrivalNanos;
        }
        lastArrival = arrivalNanos;
        frames++;
        if (latest == null || p.seq() >= latest.seq() || p.ts() >= latest.ts()) {
            latest = p;
        }
        if (p.label().isPresent()) {
            labelled++;
            if (LabelMatch.correct(p)) {
                correct++;
            }
        }
        if (p.partial()) {
            partial++;
        }
        capture.add(p.latencyMs().capture());
        arrivals.addLast(arrivalNanos);
        trim(arrivalNanos);
    }

    private void trim(long nowNanos) {
        while (!arrivals.isEmpty() && nowNanos - arrivals.peekFirst() > rateWindowNanos) {
            arrivals.removeFirst();
        }
    }

    String stream() {
        return stream;
    }

    long frames() {
        return frames;
    }

    long labelled() {
        return labelled;
    }

    long correct() {
        return correct;
    }

    long partial() {
        return partial;
    }

    Optional<Prediction> latest() {
        return Optional.ofNullable(latest);
    }

    LatencyLog latencies() {
        return capture;
    }

    OptionalDouble accuracy() {
        return labelled == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) correct / labelled);
    }

    /**
     * Predictions per second lately: the arrivals of the rate window over the window once the
     * stream is older than the window; before that, the intervals since the first arrival over
     * their time (one arrival is no rate yet: 0).
     */
    double recentFps(long nowNanos) {
        trim(nowNanos);
        long sinceFirst = nowNanos - firstArrival;
        if (frames == 0) {
            return 0;
        }
        if (sinceFirst >= rateWindowNanos) {
            return arrivals.size() / (rateWindowNanos / 1e9);
        }
        return arrivals.size() < 2 || sinceFirst <= 0 ? 0 : (arrivals.size() - 1) / (sinceFirst / 1e9);
    }

    /** Predictions per second between the first and the last arrival; 0 with fewer than two. */
    double overallFps() {
        return frames >= 2 && lastArrival > firstArrival ? (frames - 1) / ((lastArrival - firstArrival) / 1e9) : 0;
    }

    long firstArrival() {
        return firstArrival;
    }

    long lastArrival() {
        return lastArrival;
    }

    /** A row of the live view at {@code nowNanos}. */
    WatchView.Row row(long nowNanos) {
        Prediction p = latest;
        Prediction.Ranked top = p == null || p.top().isEmpty() ? null : p.top().get(0);
        return new WatchView.Row(stream, p == null ? -1 : p.seq(), top == null ? "-" : top.label(), top == null ? Double.NaN : top.p(),
            recentFps(nowNanos), capture.recentMedian(), accuracy(), labelled, frames);
    }

    /** This stream's part of the final summary. */
    WatchSummary.StreamSummary summary() {
        Prediction.Ranked top = latest == null || latest.top().isEmpty() ? null : latest.top().get(0);
        return new WatchSummary.StreamSummary(stream, frames, labelled, correct, accuracy(), overallFps(), capture.quantile(0.5),
            capture.quantile(0.99), Optional.ofNullable(top).map(Prediction.Ranked::label), partial);
    }
}
