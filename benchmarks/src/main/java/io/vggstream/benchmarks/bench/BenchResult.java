package io.vggstream.benchmarks.bench;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything a run measured, with what it ran on.
 *
 * @param maxInFlight the main point's bound on frames in the engine (the spec's, or the one chosen for it)
 * @param machine one line: cores, CPU model, memory, OS, JVM
 * @param loadBefore the 1, 5 and 15 minute load averages at the start
 * @param loadAfter the same at the end
 * @param model the model's description
 * @param modelConfig the card's config letter, {@code modelWidth} its width: the targets are stated for D at 1.0
 * @param variantsPerFrame inference inputs per frame under the protocol
 * @param inputShapes the input shapes, e.g. {@code 3x224x299}
 * @param jpegBytes the mean size of the JPEG frames
 * @param broker where the full path's broker ran
 */
public record BenchResult(BenchSpec spec, int maxInFlight, Instant started, Instant ended, String machine, double[] loadBefore, double[] loadAfter,
                   String model, String modelConfig, double modelWidth, int variantsPerFrame, List<String> inputShapes, int jpegBytes,
                   String broker, List<Point> points, List<ScaleOut.Phase> scaleOut, List<Profiler.Summary> profiles,
                   Optional<String> problem) {
}
