package io.vggstream.benchmarks.bench;

import com.typesafe.config.Config;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.time.Duration;
import java.util.List;

/**
 * (c) The full path: a separate producer writes JPEG frames to Kafka, the streaming engine (the
 * same one {@code vggstream run} starts) consumes, classifies, produces predictions and commits, and
 * a separate consumer reads the predictions and times each from its frame's capture {@code ts}.
 */
final class FullPath {

    private FullPath() {
    }

    /** The full path on {@code kafka}, wherever that broker runs (its CPU not counted). */
    static Point run(EngineSettings settings, Config config, KafkaSettings kafka, TopicsSettings topics, int partitions,
                     List<byte[]> frames, int variantsPerFrame, double rate, Warmup warmup, Duration measure, int burst)
        throws InterruptedException {
        return run(new Brokers.Broker(Point.Mode.FULL_PATH, kafka, kafka.bootstrapServers(), new long[0]), settings, config, topics,
            partitions, frames, variantsPerFrame, rate, warmup, measure, burst);
    }

    /**
     * @param topics fresh topics for this point (see {@link BenchTopics})
     * @param rate frames/s to offer, or NaN for as fast as the engine answers
     * @param broker where the broker runs; its pid when it is a child process, whose CPU the window then counts
     */
    static Point run(Brokers.Broker broker, EngineSettings settings, Config config, TopicsSettings topics, int partitions,
                     List<byte[]> frames, int variantsPerFrame, double rate, Warmup warmup, Duration measure, int burst)
        throws InterruptedException {
        KafkaSettings kafka = broker.kafka();
        long backlog = 2L * settings.maxInFlight() + 4L * burst + 2L * partitions;
        try (PredictionCollector out = new PredictionCollector(kafka, topics).start()) {
            long t0 = System.nanoTime();
            StreamingEngine running = StreamingEngine.start(Engine.start(settings, config), kafka, topics);
            try {
                EngineMetrics metrics = running.engine().metrics();
                ResourceMeter.Usage usage;
                long[] histAtStart;
                long[] histAtEnd;
                long measureFrom;
                long measureTo;
                long acked;
                double firstAnswer;
                String jitNote;
                try (FrameFeeder in = new FrameFeeder(kafka, topics, frames, partitions, rate,
                         () -> out.count() + metrics.deadLetters(), backlog, () -> out.count() > 0).start()) {
                    // The clock starts at the first prediction: the group join and the first session runs are start-up.
                    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos() + settings.frameDeadline().toNanos();
                    while (out.count() == 0) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("no prediction arrived within 2 minutes of the first frame");
                        }
                        Thread.sleep(20);
                    }
                    firstAnswer = (System.nanoTime() - t0) / 1e9;
                    JitGate jit = warmup.gate(broker.pids());
                    Thread.sleep(warmup.min().toMillis());
                    jit.await();
                    jitNote = jit.describe();
                    measureFrom = System.nanoTime();
                    long fromMs = System.currentTimeMillis();
                    out.latencyWindow(fromMs, fromMs + measure.toMillis());
                    histAtStart = metrics.batchSizeHistogram();
                    ResourceMeter meter = new ResourceMeter(BenchThreads::group, broker.pids());
                    measureTo = measureFrom + measure.toNanos();
                    Thread.sleep(Math.max(0, (measureTo - System.nanoTime()) / 1_000_000));
                    usage = meter.stop();
                    histAtEnd = metrics.batchSizeHistogram();
                    acked = in.stop();
                }
                // Closing drains: every frame the engine consumed is answered, produced and committed (what is still
                // in the topic stays there). Then every answer is read back.
                running.close();
                long consumed = metrics.framesIn();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (out.count() + metrics.deadLetters() < consumed && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                long[] total = metrics.batchSizeHistogram();
                Completions.Window w = out.arrivals().window(measureFrom, measureTo, burst);
                double fps = w.rate();
                String note = String.format(java.util.Locale.ROOT, "%d frames produced, %d consumed; first prediction %.1f s after the engine"
                    + " started", acked, consumed, firstAnswer);
                if (!jitNote.isEmpty()) {
                    note += "; " + jitNote;
                }
                if (out.duplicates() > 0) {
                    note += "; " + out.duplicates() + " duplicate predictions (at-least-once redelivery)";
                }
                if (out.partial() > 0) {
                    note += "; frames answered partial: the engine fell behind the frame deadline (" + settings.frameDeadline().toSeconds()
                        + " s); lower --max-in-flight";
                }
                return new Point(broker.mode(), settings.inference().maxBatchSize(), settings.inference().maxDelay().toNanos() / 1e6, rate, consumed,
                    out.count() - out.partial(), out.partial(), metrics.deadLetters(), w.seconds(), fps, fps * variantsPerFrame, Double.NaN, out.capture().summary(),
                    out.engine().summary(), Double.NaN, InProcess.minus(histAtEnd, histAtStart), total, InProcess.inputs(total), usage,
                    InProcess.overheadMs(usage, fps), InProcess.preprocessMs(usage, fps), note);
            } finally {
                running.close();
            }
        }
    }
}
