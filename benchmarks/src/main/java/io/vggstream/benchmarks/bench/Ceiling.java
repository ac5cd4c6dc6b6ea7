package io.vggstream.benchmarks.bench;

import io.vggstream.engine.infer.Device;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.preprocess.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * (a) The ceiling: one ONNX Runtime session (the engine's own {@link OrtModel}, same options and
 * threads) in a tight loop over tensors made ready beforehand, batched exactly as the engine's
 * batcher would batch a stream of frames if every batch were full: per input shape, {@code batch}
 * inputs at a time. Nothing else runs: no decode, no actors, no Kafka.
 */
final class Ceiling {

    private Ceiling() {
    }

    /** One ceiling from two readings (before and after the engine's points): their mean, and how far apart they were. */
    static Point merge(Point before, Point after) {
        double fps = (before.framesPerSecond() + after.framesPerSecond()) / 2;
        double ips = (before.imagesPerSecond() + after.imagesPerSecond()) / 2;
        double drift = Math.abs(before.framesPerSecond() - after.framesPerSecond()) / fps;
        String note = String.format(java.util.Locale.ROOT, "%.2f and %.2f frames/s before and after the engine's points (%.1f%% apart)",
            before.framesPerSecond(), after.framesPerSecond(), 100 * drift);
        return new Point(Point.Mode.CEILING, before.batch(), Double.NaN, Double.NaN, before.framesIn() + after.framesIn(),
            before.framesOut() + after.framesOut(), 0, 0, before.seconds() + after.seconds(), fps, ips, Double.NaN, null, null,
            (before.batchMs() + after.batchMs()) / 2, null, null, before.inputsTotal() + after.inputsTotal(), before.usage().plus(after.usage()),
            Double.NaN, Double.NaN, note);
    }

    /**
     * @param frame the variants of one frame (the engine's own preprocessing of a sample frame)
     * @param minBatches the fewest batches measured, however short {@code measure}
     */
    static Point run(Model model, List<Variant> frame, int batch, int threads, boolean spinning, Warmup warmup, Duration measure,
                     int minBatches) {
        return run(model, frame, batch, 1, threads, spinning, warmup, measure, minBatches);
    }

    /**
     * @param sessions sessions run at once, each in its own loop (as the engine's {@code workers-per-device} workers would be);
     *     their frames/s add up
     */
    static Point run(Model model, List<Variant> frame, int batch, int sessions, int threads, boolean spinning, Warmup warmup,
                     Duration measure, int minBatches) {
        // Each loop on a thread of its own, named so that its CPU time counts as inference (see BenchThreads).
        List<java.util.concurrent.atomic.AtomicReference<Object>> results = new ArrayList<>();
        List<Thread> loops = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            java.util.concurrent.atomic.AtomicReference<Object> result = new java.util.concurrent.atomic.AtomicReference<>();
            results.add(result);
            loops.add(new Thread(() -> {
                try {
                    result.set(measure(model, frame, batch, threads, spinning, warmup, measure, minBatches));
                } catch (RuntimeException | Error e) {
                    result.set(e);
                }
            }, BenchThreads.CEILING_THREAD));
        }
        loops.forEach(Thread::start);
        try {
            for (Thread t : loops) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring the ceiling", e);
        }
        List<Point> points = new ArrayList<>();
        for (java.util.concurrent.atomic.AtomicReference<Object> result : results) {
            if (result.get() instanceof RuntimeException e) {
                throw e;
            }
            if (result.get() instanceof Error e) {
                throw e;
            }
            points.add((Point) result.get());
        }
        return points.size() == 1 ? points.get(0) : together(points);
    }

    /** Sessions measured at once: their rates add up; the CPU is the first's meter, which counts the whole process over its window. */
    static Point together(List<Point> sessions) {
        Point first = sessions.get(0);
        double fps = 0;
        double ips = 0;
        double batchMs = 0;
        long frames = 0;
        long inputs = 0;
        for (Point p : sessions) {
            fps += p.framesPerSecond();
            ips += p.imagesPerSecond();
            batchMs += p.batchMs() / sessions.size();
            frames += p.framesOut();
            inputs += p.inputsTotal();
        }
        return new Point(Point.Mode.CEILING, first.batch(), Double.NaN, Double.NaN, frames, frames, 0, 0, first.seconds(), fps, ips,
            Double.NaN, null, null, batchMs, null, null, inputs, first.usage(), Double.NaN, Double.NaN,
            sessions.size() + " sessions at once; the first: " + first.note());
    }

    private static Point measure(Model model, List<Variant> frame, int batch, int threads, boolean spinning, Warmup warmup, Duration measure,
                                 int minBatches) {
        Map<String, List<float[]>> byShape = new LinkedHashMap<>();
        Map<String, int[]> dims = new LinkedHashMap<>();
        for (Variant v : frame) {
            String key = v.h() + "x" + v.w();
            byShape.computeIfAbsent(key, k -> new ArrayList<>()).add(v.chw());
            dims.put(key, new int[] {v.h(), v.w()});
        }
        // One round: per shape, a full batch cycling over that shape's variants.
        List<Runnable> round = new ArrayList<>();
        List<List<float[]>> batches = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        for (Map.Entry<String, List<float[]>> e : byShape.entrySet()) {
            List<float[]> inputs = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                inputs.add(e.getValue().get(i % e.getValue().size()));
            }
            batches.add(inputs);
            shapes.add(dims.get(e.getKey()));
        }
        Completions done = new Completions();
        Latencies batchMs = new Latencies();
        try (OrtModel session = OrtModel.open(model, Device.parse("cpu"), threads, spinning)) {
            long start = System.nanoTime();
            long warmEnd = start + warmup.min().toNanos();
            JitGate jit = warmup.gate();
            int warmBatches = 0;
            // Warm-up: at least two batches of each shape (the first runs allocate and plan), and until the JIT has settled.
            while (System.nanoTime() - warmEnd < 0 || warmBatches < 2 * batches.size() || !jit.settled(System.nanoTime())) {
                for (int s = 0; s < batches.size(); s++) {
                    session.run(batches.get(s), shapes.get(s)[0], shapes.get(s)[1], false);
                    warmBatches++;
                }
            }
            ResourceMeter meter = new ResourceMeter(BenchThreads::group);
            long t0 = System.nanoTime();
            done.add(t0, 0);
            long end = t0 + measure.toNanos();
            int measured = 0;
            while (System.nanoTime() < end || measured < minBatches * batches.size()) {
                for (int s = 0; s < batches.size(); s++) {
                    long b0 = System.nanoTime();
                    session.run(batches.get(s), shapes.get(s)[0], shapes.get(s)[1], false);
                    long b1 = System.nanoTime();
                    done.add(b1, batch);
                    batchMs.add((b1 - b0) / 1e6);
                    measured++;
                }
            }
            ResourceMeter.Usage usage = meter.stop();
            // Every batch is one event: windows of whole rounds.
            Completions.Window w = done.window(t0, Long.MAX_VALUE, batches.size());
            double images = w.rate();
            double frames = images / frame.size();
            long framesRun = Math.round(w.units() / (double) frame.size());
            Latencies.Summary perBatch = batchMs.summary();
            return new Point(Point.Mode.CEILING, batch, Double.NaN, Double.NaN, framesRun, framesRun, 0, 0, w.seconds(), frames, images,
                Double.NaN, null, null, perBatch.mean(), null, null, w.units(), usage, Double.NaN, Double.NaN,
                String.format(java.util.Locale.ROOT, "%d batches; batch time p50 %.1f ms, max %.1f ms", measured, perBatch.p50(), perBatch.max())
                    + (jit.describe().isEmpty() ? "" : "; " + jit.describe()));
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("the ceiling's ONNX Runtime run failed: " + e.getMessage(), e);
        }
    }
}
