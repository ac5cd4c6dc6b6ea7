package io.vggstream.benchmarks.bench;

import io.vggstream.benchmarks.frames.SyntheticFrames.Resolution;
import io.vggstream.engine.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What one {@code vggstream bench soak} run does.
 *
 * @param command the command line, for the report
 * @param protocol the test-time protocol
 * @param resolution of the JPEG frames
 * @param threads ONNX Runtime intra-op threads of the one inference worker
 * @param batch max-batch-size
 * @param maxDelay the batcher's max-delay
 * @param maxInFlight frames in the engine at once; 0: four batches' worth plus one per core ({@code bench}'s rule without a ceiling)
 * @param partitions of the frames topic
 * @param bootstrap a broker to use instead of an in-process one
 * @param overload frames offered per frame the engine can answer (10 in the issue)
 * @param duration how long frames are offered at that rate
 * @param maxFrameAge the engine's {@code max-frame-age}: older frames on arrival are answered with a {@code dropped} dead letter
 * @param capacity the engine's frames/s, when given; otherwise measured first through the full path
 * @param capacityWarmup before the capacity measurement's window
 * @param capacityWindow the capacity measurement's window
 * @param sampleInterval between two samples
 * @param maxSlopeMbPerMinute the memory verdict's bound on the growth rate after the first quarter
 * @param drainTimeout how long the engine may take to work off the backlog once the offering stops
 * @param out where the report, CSV and plots go
 */
public record SoakSpec(String command, Protocol protocol, Resolution resolution, int threads, int batch, Duration maxDelay, int maxInFlight,
                int partitions, Optional<String> bootstrap, double overload, Duration duration, Duration maxFrameAge,
                Optional<Double> capacity, Duration capacityWarmup, Duration capacityWindow, Duration sampleInterval,
                double maxSlopeMbPerMinute, Duration drainTimeout, Path out) implements RunSetup.Spec {

    public SoakSpec {
        if (threads < 1 || batch < 1 || maxInFlight < 0 || partitions < 1) {
            throw new IllegalArgumentException("threads, batch size and partitions must be positive, max in flight not negative");
        }
        if (!(overload > 0) || !Double.isFinite(overload)) {
            throw new IllegalArgumentException("--overload: must be a positive number, got " + overload);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration: must be positive, got " + duration);
        }
        if (maxFrameAge.isNegative() || maxFrameAge.isZero()) {
            throw new IllegalArgumentException("--max-frame-age: must be positive (the soak is about old frames being dropped), got "
                + maxFrameAge);
        }
        if (capacity.isPresent() && !(capacity.get() > 0)) {
            throw new IllegalArgumentException("--capacity: must be positive frames/s, got " + capacity.get());
        }
        if (sampleInterval.toMillis() < 100 || sampleInterval.compareTo(duration) > 0) {
            throw new IllegalArgumentException("--sample-interval: must be between 100ms and --duration, got " + sampleInterval);
        }
        if (!(maxSlopeMbPerMinute > 0)) {
            throw new IllegalArgumentException("--max-slope: must be positive MB/min, got " + maxSlopeMbPerMinute);
        }
    }

    /** Frames answered together when a full batch completes. */
    int burst(int perFrame) {
        return BenchRun.burst(batch, perFrame);
    }
}
