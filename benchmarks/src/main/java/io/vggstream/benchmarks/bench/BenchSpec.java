package io.vggstream.benchmarks.bench;

import io.vggstream.benchmarks.frames.SyntheticFrames.Resolution;
import io.vggstream.engine.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one {@code vggstream bench} run measures.
 *
 * @param workload the workload's name ({@code camera}, {@code enrichment}, or {@code custom} when the flags chose the model)
 * @param preset {@code quick} or {@code full}, for the report
 * @param command the command line that asked for this run, for the report and the README
 * @param protocol the test-time protocol every mode runs
 * @param resolution of the JPEG frames
 * @param threads ONNX Runtime intra-op threads of each inference worker (and of each of the ceiling's sessions)
 * @param workers inference workers of the model ({@code workers-per-device}); the ceiling runs as many sessions at once; 0:
 *     {@code auto}, chosen by the engine's rule when the run starts ({@link #chosen})
 * @param batch the main point's max-batch-size
 * @param maxDelay the main point's max-delay
 * @param batchSizes the batch sizes swept (each at {@code maxDelay})
 * @param maxDelays the max-delays swept (each at {@code batch})
 * @param modes which of a (ceiling), b (in-process), c (full path) run
 * @param rateFractions latency runs at these fractions of the ceiling's frames/s (ignored when {@code rate} is given)
 * @param rate an explicit offered rate in frames/s for the latency runs
 * @param capacityFractions latency runs of the full path at these fractions of its own measured capacity (the full path's frames/s,
 *     broker in-process, or in its own JVM when that is the only one measured)
 * @param floorRate a low offered rate (frames/s) at which frames arrive alone: the latency floor of (b) and of each (c); 0 for none
 * @param warmup before each measured window, at least
 * @param jitSettle the longest a point's warm-up goes on while the JIT is still compiling (see {@link JitGate}); zero: warmup only
 * @param measure each measured window (at least {@code minBatches} batches for the ceiling)
 * @param latencyMaxWindow how long a latency run may stretch its window to time 200 frames
 * @param maxInFlight frames in the engine at once; 0: four batches per worker plus one per core, or the ceiling's frames in 30 ms if more (see {@code RunSetup.inFlight})
 * @param partitions of the frames topic in the full path
 * @param bootstrap a broker to use instead of an in-process one
 * @param inProcessBroker measure the full path with the broker in the benchmark's JVM (c)
 * @param childBroker measure the full path with the broker in a JVM of its own (c'); the scale-out then uses that broker
 * @param scaleOutProcesses engine processes of the scale-out measurement (0: none; it also runs one process)
 * @param profile record JFR around the main point's (b) and (c)
 * @param out where the report, CSV, plots and recordings go
 * @param workersChosen why the workers and threads are what they are, when {@code auto} chose them; empty when the flags set them
 */
public record BenchSpec(String workload, String preset, String command, Protocol protocol, Resolution resolution, int threads, int workers, int batch, Duration maxDelay,
                 List<Integer> batchSizes, List<Duration> maxDelays, Set<Character> modes, List<Double> rateFractions,
                 Optional<Double> rate, List<Double> capacityFractions, double floorRate, Duration warmup, Duration jitSettle, Duration measure, Duration latencyMaxWindow, int minBatches, int maxInFlight, int partitions,
                 Optional<String> bootstrap, boolean inProcessBroker, boolean childBroker, int scaleOutProcesses, boolean profile, Path out, String workersChosen) implements RunSetup.Spec {

    /**
     * How long {@code bench --quick} takes on the project's 2-core machine, both workloads (measured in the README's runs of
     * 2026-12-06): for the help text and the README's section, which say it in one place.
     */
    public static final String QUICK_TAKES = "11-13 minutes on 2 busy cores";

    /** Workers and threads as the flags set them ({@code workers} 0: auto, resolved by {@link #chosen}). */
    public BenchSpec(String workload, String preset, String command, Protocol protocol, Resolution resolution, int threads, int workers, int batch,
                     Duration maxDelay, List<Integer> batchSizes, List<Duration> maxDelays, Set<Character> modes, List<Double> rateFractions,
                     Optional<Double> rate, List<Double> capacityFractions, double floorRate, Duration warmup, Duration jitSettle, Duration measure,
                     Duration latencyMaxWindow, int minBatches, int maxInFlight, int partitions, Optional<String> bootstrap, boolean inProcessBroker,
                     boolean childBroker, int scaleOutProcesses, boolean profile, Path out) {
        this(workload, preset, command, protocol, resolution, threads, workers, batch, maxDelay, batchSizes, maxDelays, modes, rateFractions, rate,
            capacityFractions, floorRate, warmup, jitSettle, measure, latencyMaxWindow, minBatches, maxInFlight, partitions, bootstrap, inProcessBroker,
            childBroker, scaleOutProcesses, profile, out, "");
    }

    /** Whether the workers are {@code auto}, still to be chosen. */
    boolean autoWorkers() {
        return workers == 0;
    }

    /** The same run with the workers and threads {@code auto} chose, and why. */
    BenchSpec chosen(int w, int t, String why) {
        return new BenchSpec(workload, preset, command, protocol, resolution, t, w, batch, maxDelay, batchSizes, maxDelays, modes, rateFractions, rate,
            capacityFractions, floorRate, warmup, jitSettle, measure, latencyMaxWindow, minBatches, maxInFlight, partitions, bootstrap, inProcessBroker,
            childBroker, scaleOutProcesses, profile, out, why);
    }

    public BenchSpec {
        batchSizes = List.copyOf(batchSizes);
        maxDelays = List.copyOf(maxDelays);
        modes = Set.copyOf(modes);
        rateFractions = List.copyOf(rateFractions);
        capacityFractions = List.copyOf(capacityFractions);
        if (!(floorRate >= 0)) {
            throw new IllegalArgumentException("the floor rate must be 0 (none) or positive, got " + floorRate);
        }
        if (modes.contains('c') && !inProcessBroker && !childBroker) {
            throw new IllegalArgumentException("mode c needs a broker: in-process, in its own JVM, or both");
        }
        if (threads < 1 || workers < 0 || batch < 1 || maxInFlight < 0 || partitions < 1 || minBatches < 1) {
            throw new IllegalArgumentException("threads, batch size, partitions and min batches must be positive, workers and max in flight not negative");
        }
        for (int b : batchSizes) {
            if (b < 1) {
                throw new IllegalArgumentException("batch sizes must be positive, got " + b);
            }
        }
        for (char m : modes) {
            if ("abc".indexOf(m) < 0) {
                throw new IllegalArgumentException("modes are a (ceiling), b (in-process) and c (full path); got '" + m + "'");
            }
        }
        if (!modes.contains('a') && (modes.contains('b') || modes.contains('c'))) {
            throw new IllegalArgumentException("modes b and c are measured against a, the ceiling: include a");
        }
    }

    /** Each point's warm-up: {@code warmup}, then on while the JIT compiles, up to {@code jitSettle}. */
    Warmup warmupPlan() {
        return new Warmup(warmup, jitSettle);
    }

    boolean runs(char mode) {
        return modes.contains(mode);
    }
}
