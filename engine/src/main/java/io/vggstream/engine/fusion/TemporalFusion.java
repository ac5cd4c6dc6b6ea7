package io.vggstream.engine.fusion;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Video-level prediction: per stream, the posteriors of the last {@code window} frames averaged,
 * or their exponential moving average, because a frame classifier flickers on video. Frames must
 * be added in stream order. Streams unseen for longest are forgotten beyond {@code maxStreams}.
 * Not thread-safe: one stage owns it.
 */
public final class TemporalFusion {

    /** How frames are fused over time. */
    public enum Method { NONE, WINDOW, EMA;
        public static Method parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("vggstream.engine.video.method must be none, window or ema, got '" + s + "'");
            }
        }
    }

    /** The fused posterior and how many frames it rests on. */
    public record Fused(double[] posterior, int frames) {
    }

    private final Method method;
    private final int window;
    private final double alpha;
    private final Map<String, State> streams;

    private static final class State {
        final Deque<double[]> recent = new ArrayDeque<>();
        double[] sum;
        int seen;
    }

    public TemporalFusion(Method method, int window, double alpha, int maxStreams) {
        if (window < 1) {
            throw new IllegalArgumentException("vggstream.engine.video.window must be at least 1, got " + window);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("vggstream.engine.video.alpha must be in (0, 1], got " + alpha);
        }
        this.method = method;
        this.window = window;
        this.alpha = alpha;
        this.streams = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
                return size() > maxStreams;
            }
        };
    }

    public Method method() {
        return method;
    }

    /** Adds a frame's posterior to its stream and returns the stream's fused posterior. */
    public Fused add(String stream, double[] posterior) {
        State s = streams.computeIfAbsent(stream, k -> new State());
        s.seen++;
        if (method == Method.EMA) {
            if (s.sum == null) {
                s.sum = posterior.clone();
            } else {
                for (int i = 0; i < posterior.length; i++) {
                    s.sum[i] = alpha * posterior[i] + (1 - alpha) * s.sum[i];
                }
            }
            return new Fused(s.sum.clone(), s.seen);
        }
        if (s.sum == null) {
            s.sum = new double[posterior.length];
        }
        s.recent.addLast(posterior);
        for (int i = 0; i < posterior.length; i++) {
            s.sum[i] += posterior[i];
        }
        if (s.recent.size() > window) {
            double[] old = s.recent.removeFirst();
            for (int i = 0; i < old.length; i++) {
                s.sum[i] -= old[i];
            }
        }
        double[] mean = new double[posterior.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = s.sum[i] / s.recent.size();
        }
        return new Fused(mean, s.recent.size());
    }
}
