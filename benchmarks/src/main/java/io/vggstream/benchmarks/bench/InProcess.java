package io.vggstream.benchmarks.bench;

import com.typesafe.config.Config;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.api.Classification;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * (b) The engine without Kafka: encoded frames straight into {@link Engine#classify} (decode,
 * variants, batching, inference, fusion: everything but the Kafka stream), at most
 * {@code max-in-flight} frames at once as the Kafka path would allow. A throughput run keeps the
 * engine full; a latency run offers frames at a fixed rate and times each from its scheduled
 * arrival, so that a stalled engine shows as latency instead of as fewer samples.
 */
final class InProcess {

    private InProcess() {
    }

    /**
     * @param rate frames/s to offer, or NaN to go as fast as the engine answers
     * @param burst frames answered together by one full batch, for the rate's window
     */
    static Point run(EngineSettings settings, Config config, List<byte[]> frames, int variantsPerFrame, double rate,
                     Warmup warmup, Duration measure, int burst) throws InterruptedException {
        Completions answered = new Completions();
        Latencies latency = new Latencies();
        AtomicLong submitted = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong partial = new AtomicLong();
        try (Engine engine = Engine.start(settings, config)) {
            Semaphore inFlight = new Semaphore(settings.maxInFlight());
            long start = System.nanoTime();
            long warmEnd = start + warmup.min().toNanos();
            JitGate jit = warmup.gate();
            // Set when the warm-up ends: at least warmup.min(), and on until the JIT has settled.
            long measureFrom = Long.MAX_VALUE;
            long measureTo = Long.MAX_VALUE;
            double periodNanos = Double.isNaN(rate) ? 0 : 1e9 / rate;
            long i = 0;
            ResourceMeter meter = null;
            long[] histAtStart = null;
            while (true) {
                long now = System.nanoTime();
                if (meter == null && now - warmEnd >= 0 && jit.settled(now)) {
                    measureFrom = now;
                    measureTo = now + measure.toNanos();
                    histAtStart = engine.metrics().batchSizeHistogram();
                    meter = new ResourceMeter(BenchThreads::group);
                }
                if (now >= measureTo) {
                    break;
                }
                long scheduled = periodNanos > 0 ? start + (long) (i * periodNanos) : now;
                if (periodNanos > 0 && scheduled > now) {
                    LockSupport.parkNanos(Math.min(scheduled - now, 5_000_000));
                    continue;
                }
                if (!inFlight.tryAcquire(Math.max(1, Math.min(100_000_000L, measureTo - System.nanoTime())), TimeUnit.NANOSECONDS)) {
                    continue;
                }
                byte[] jpeg = frames.get((int) (i % frames.size()));
                long origin = periodNanos > 0 ? scheduled : System.nanoTime();
                boolean inWindow = meter != null && origin >= measureFrom;
                submitted.incrementAndGet();
                i++;
                engine.classify(jpeg).whenComplete((outcome, error) -> {
                    long t = System.nanoTime();
                    if (outcome instanceof Classification.Ok c && !c.partial()) {
                        // Only complete answers count: a partial one came at the deadline, its work still queued.
                        ok.incrementAndGet();
                        answered.add(t, 1);
                    } else if (outcome instanceof Classification.Ok) {
                        partial.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                    if (inWindow) {
                        latency.add((t - origin) / 1e6);
                    }
                    inFlight.release();
                });
            }
            ResourceMeter.Usage usage = meter.stop();
            long[] histAtEnd = engine.metrics().batchSizeHistogram();
            // Let every frame in flight finish: in = out.
            if (!inFlight.tryAcquire(settings.maxInFlight(), settings.frameDeadline().toSeconds() + 30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("frames still in flight " + (settings.frameDeadline().toSeconds() + 30) + " s after the run");
            }
            long[] total = engine.metrics().batchSizeHistogram();
            Completions.Window w = answered.window(measureFrom, measureTo, burst);
            double fps = w.rate();
            double overhead = overheadMs(usage, fps);
            List<String> notes = new java.util.ArrayList<>();
            if (!jit.describe().isEmpty()) {
                notes.add(jit.describe());
            }
            if (partial.get() + failed.get() > 0) {
                notes.add("frames answered partial or failed: the engine fell behind the frame deadline ("
                    + settings.frameDeadline().toSeconds() + " s); lower --max-in-flight");
            }
            String note = String.join("; ", notes);
            return new Point(Point.Mode.IN_PROCESS, settings.inference().maxBatchSize(), settings.inference().maxDelay().toNanos() / 1e6, rate,
                submitted.get(), ok.get(), partial.get(), failed.get(), w.seconds(), fps, fps * variantsPerFrame, Double.NaN, latency.summary(), null,
                Double.NaN, minus(histAtEnd, histAtStart), total, inputs(total), usage, overhead, preprocessMs(usage, fps), note);
        }
    }

    /** CPU ms per frame of the engine's threads other than inference (preprocessors included), plus the JVM's GC. */
    static double overheadMs(ResourceMeter.Usage u, double framesPerSecond) {
        double frames = framesPerSecond * u.wallSeconds();
        return frames <= 0 ? Double.NaN
            : (u.group(BenchThreads.ENGINE) + u.group(BenchThreads.PREPROCESS) + u.gcCpuSeconds()) * 1000 / frames;
    }

    /** CPU ms per frame of the preprocessors alone. */
    static double preprocessMs(ResourceMeter.Usage u, double framesPerSecond) {
        double frames = framesPerSecond * u.wallSeconds();
        return frames <= 0 ? Double.NaN : u.group(BenchThreads.PREPROCESS) * 1000 / frames;
    }

    static long[] minus(long[] a, long[] b) {
        long[] d = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - (b == null ? 0 : b[i]);
        }
        return d;
    }

    static long inputs(long[] histogram) {
        long s = 0;
        for (int i = 0; i < histogram.length; i++) {
            s += (long) i * histogram[i];
        }
        return s;
    }
}
