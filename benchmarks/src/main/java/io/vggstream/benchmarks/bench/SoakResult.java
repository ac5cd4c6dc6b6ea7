package io.vggstream.benchmarks.bench;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a soak measured.
 *
 * @param maxInFlight the engine's bound on frames inside it
 * @param capacity the engine's frames/s the offered rate was set from
 * @param capacityHow how the capacity was had (measured through the full path, or given)
 * @param capacityPoint the capacity measurement, when one ran
 * @param offeredRate frames/s offered: overload x capacity
 * @param soakSeconds how long frames were offered (from the first answer)
 * @param drainSeconds how long the engine then took to consume the backlog and drain
 * @param offered frames the broker acknowledged (the frames topic's end offsets)
 * @param framesIn frames the engine consumed (its counter)
 * @param predicted frames the engine predicted (partial ones included); {@code partial} of them partial
 * @param dropped frames the engine answered with a dropped dead letter; {@code otherDeadLetters} with another
 * @param maxInFlightSeen the most frames inside the engine at once
 * @param check every offset of the frames topic against the answers read back downstream
 * @param readPredicted distinct offsets answered by a prediction read back; {@code readDropped}, {@code readDeadLetters} likewise
 * @param latency capture to read-back of the soak's frames predicted (complete predictions)
 * @param engineLatency the engine's own consumed-to-answered time of the same predictions
 * @param rebalances the consumer's rebalance-total at the end (NaN when never read)
 * @param rebalanceGroup the metric group it was read from
 * @param samples one per sample interval, soak and drain
 * @param problem what stopped the run early, if anything
 */
public record SoakResult(SoakSpec spec, Instant started, Instant ended, String machine, double[] loadBefore, double[] loadAfter, String model,
                  int variantsPerFrame, List<String> inputShapes, int jpegBytes, String broker, int maxInFlight, double capacity,
                  String capacityHow, Point capacityPoint, double offeredRate, double soakSeconds, double drainSeconds, long offered,
                  long framesIn, long predicted, long partial, long dropped, long otherDeadLetters, long maxInFlightSeen,
                  AnswerLedger.Check check, long readPredicted, long readDropped, long readDeadLetters, Latencies.Summary latency,
                  Latencies.Summary engineLatency, double rebalances, String rebalanceGroup, List<SoakSampler.Sample> samples,
                  Optional<String> problem) {
}
