package io.vggstream.topics.prediction;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the engine says about one frame: the value (JSON) of a record on the predictions topic,
 * keyed by the stream id.
 *
 * @param stream the stream id (also the record key)
 * @param seq the frame's number within its stream
 * @param ts the frame's capture time, epoch milliseconds
 * @param source where the frame was read
 * @param top the best classes, best first
 * @param models the models whose posteriors were fused
 * @param protocol the test-time protocol that produced it
 * @param latencyMs time spent, in milliseconds
 * @param label the frame's ground truth, when it had one
 * @param partial true when some variants or models did not answer before the deadline
 * @param video the stream's temporally fused result up to this frame, when the engine fuses over time
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record Prediction(
    @JsonProperty(required = true) String stream,
    @JsonProperty(required = true) long seq,
    @JsonProperty(required = true) long ts,
    @JsonProperty(required = true) Source source,
    @JsonProperty(required = true) List<Ranked> top,
    @JsonProperty(required = true) List<String> models,
    @JsonProperty(required = true) Protocol protocol,
    @JsonProperty(value = "latency_ms", required = true) Latency latencyMs,
    Optional<String> label,
    boolean partial,
    Optional<Video> video) {

    public Prediction {
        label = Objects.requireNonNullElse(label, Optional.empty());
        video = Objects.requireNonNullElse(video, Optional.empty());
        top = top == null ? null : List.copyOf(top);
        models = models == null ? null : List.copyOf(models);
    }

    /** A per-frame prediction without a video-level result. */
    public Prediction(String stream, long seq, long ts, Source source, List<Ranked> top, List<String> models, Protocol protocol,
                      Latency latencyMs, Optional<String> label, boolean partial) {
        this(stream, seq, ts, source, top, models, protocol, latencyMs, label, partial, Optional.empty());
    }

    /** The same prediction with a video-level result beside the frame's. */
    public Prediction withVideo(Video v) {
        return new Prediction(stream, seq, ts, source, top, models, protocol, latencyMs, label, partial, Optional.of(v));
    }

    /**
     * Video-level prediction: the stream's posteriors fused over time, because a classifier on
     * video flickers from frame to frame.
     *
     * @param method {@code window} (mean of the last {@code frames}) or {@code ema} (exponential moving average)
     * @param frames how many frames the result rests on (for {@code ema}: seen so far)
     * @param top the best classes of the fused posterior, best first
     */
    public record Video(String method, int frames, List<Ranked> top) {
        public Video {
            top = top == null ? null : List.copyOf(top);
        }
    }

    /** Where the frame came from: its record's coordinates. */
    public record Source(String topic, int partition, long offset) {
    }

    /**
     * One class of the top-k.
     *
     * @param index the class index in the model's output
     * @param label the class name from the model card
     * @param p the fused posterior probability
     */
    public record Ranked(int index, String label, double p) {
    }

    /**
     * The test-time protocol (the paper's Sect. 3.2).
     *
     * @param name its short name, e.g. {@code single}, {@code multi-scale}, {@code dense+crops}
     * @param scales the test scales Q (smallest image side)
     * @param flips whether horizontal flips were averaged in
     * @param crops crops per scale and flip (0: dense evaluation only; 25: the paper's 5x5 grid)
     */
    public record Protocol(String name, List<Integer> scales, boolean flips, int crops) {
        public Protocol {
            scales = scales == null ? null : List.copyOf(scales);
        }
    }

    /**
     * @param engine from the frame's consumption to the prediction's production
     * @param capture from the capture time {@code ts} to the prediction's production
     */
    public record Latency(double engine, double capture) {
    }
}
