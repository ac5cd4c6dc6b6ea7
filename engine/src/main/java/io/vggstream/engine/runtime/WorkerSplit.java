package io.vggstream.engine.runtime;

import io.vggstream.engine.fusion.FeatureHead;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.infer.Warmup;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.model.ModelLoadException;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.settings.InferenceSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * {@code inference.workers-per-device = auto}: one worker of all the cores, or one single-thread worker per core.
 *
 * <p>On a CPU, several single-thread ONNX Runtime sessions make more frames/s than one session of as many threads
 * (measured on 2 cores: +53% for the demo's model, +18% for VGG-16 at 1/8 width, +10% for the full VGG-16), because
 * intra-op threads share each layer and wait for one another. The price is a lone frame's latency: one thread runs it
 * alone. So the engine splits only a model whose lone frame would still be quick on one thread: it opens the session a
 * single worker would have, times a lone frame on it, and splits when that time times the session's threads (what one
 * thread would take, at worst) is within {@code inference.split-below}. Otherwise the probe's session is kept as the
 * one worker. GPUs always get one worker per device.
 */
public final class WorkerSplit {

    private WorkerSplit() {
    }

    /**
     * The workers and threads chosen, and the sessions the probe opened when they are kept (one per model, for the
     * first device; empty when the engine splits, or for an explicit setting).
     */
    public record Choice(int workersPerDevice, int threadsPerWorker, List<OrtModel> probes, String why) {
    }

    /**
     * The pure rule: split when every model's lone frame, times the probe session's threads, is within {@code splitBelow}
     * (a session of one thread has nothing to split).
     */
    public static boolean splits(long[] loneFrameNanos, int probeThreads, Duration splitBelow) {
        if (probeThreads <= 1) {
            return false;
        }
        for (long n : loneFrameNanos) {
            if (n * (double) probeThreads > splitBelow.toNanos()) {
                return false;
            }
        }
        return true;
    }

    /** Workers per CPU device when split: one per core, the cores shared among the models and the CPU devices. */
    public static int splitWorkers(int cores, int cpuDevices, int models) {
        return Math.max(1, cores / Math.max(1, cpuDevices * models));
    }

    /**
     * Resolves {@code auto} (for any other setting, returns it unchanged): probes each model on the first device with the
     * threads a single worker would get, and chooses.
     *
     * @param plans per model, the plan of the protocol's first level
     * @param heads per model, the head its sessions apply (null for none)
     * @throws ModelLoadException as opening the sessions would
     */
    public static Choice resolve(InferenceSettings inference, List<Model> models, List<Plan> plans, List<FeatureHead> heads,
                                 List<int[]> frameSizes, boolean includeFeatures) {
        if (!inference.autoWorkers()) {
            return new Choice(inference.workersPerDevice(), inference.threadsPerWorker(), List.of(), "set");
        }
        int cpuDevices = (int) inference.devices().stream().filter(d -> d.kind() != Device.Kind.CUDA).count();
        if (inference.threadsPerWorker() > 0 || cpuDevices < inference.devices().size()) {
            // threads-per-worker set, or a GPU named: one worker per device, as before auto.
            return new Choice(1, inference.threadsPerWorker(), List.of(),
                inference.threadsPerWorker() > 0 ? "threads-per-worker is set" : "a GPU is named");
        }
        int threads = inference.effectiveThreads(cpuDevices * models.size());
        List<OrtModel> probes = new ArrayList<>();
        long[] lone = new long[models.size()];
        try {
            for (int i = 0; i < models.size(); i++) {
                // Announced (the provider-chosen event) only if it is kept as a worker.
                OrtModel s = OrtModel.openQuietly(models.get(i), inference.devices().get(0), threads, inference.spinning(), heads.get(i));
                probes.add(s);
                if (!s.provider().startsWith("CPU")) {
                    // auto found a GPU: one worker per device.
                    probes.forEach(OrtModel::announce);
                    return new Choice(1, 0, probes, "the device is " + s.provider());
                }
                // Past twice the bound on one thread, further rounds would not change the answer.
                long stopAbove = 2 * inference.splitBelow().toNanos() / threads;
                lone[i] = loneFrame(s, plans.get(i), frameSizes, includeFeatures || s.fusesFeatures(), stopAbove);
            }
        } catch (RuntimeException e) {
            probes.forEach(OrtModel::close);
            throw e;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (splits(lone, threads, inference.splitBelow())) {
            probes.forEach(OrtModel::close);
            int workers = splitWorkers(cores, cpuDevices, models.size());
            return log(1, new Choice(workers, 1, List.of(), String.format(Locale.ROOT,
                "a lone frame takes %s on %d threads, at most %s on one, within split-below %d ms", ms(lone), threads,
                ms(scaled(lone, threads)), inference.splitBelow().toMillis())));
        }
        probes.forEach(OrtModel::announce);
        return log(threads, new Choice(1, 0, probes, String.format(Locale.ROOT,
            "a lone frame takes %s on %d threads, up to %s on one, over split-below %d ms", ms(lone), threads,
            ms(scaled(lone, threads)), inference.splitBelow().toMillis())));
    }

    /**
     * A lone frame's inference on {@code session}, estimated: each input shape the plan meets at the warm-up frame
     * sizes (a crop-sized one when there are none) run once after one round to warm them, their mean times the inputs
     * of a frame; the fastest of three rounds, or the first that is over {@code stopAbove}.
     */
    static long loneFrame(OrtModel session, Plan plan, List<int[]> frameSizes, boolean withFeatures, long stopAbove) {
        Set<List<Integer>> shapes = Warmup.shapes(plan, frameSizes);
        if (shapes.isEmpty()) {
            // A dense protocol with no warm-up frame size: a crop-sized input stands for each of a frame's inputs.
            shapes = Set.of(List.of(plan.crop(), plan.crop()));
        }
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 4; round++) {
            long t0 = System.nanoTime();
            Warmup.runEach(session, shapes, withFeatures, "while timing a lone frame");
            long took = System.nanoTime() - t0;
            if (round > 0) {
                best = Math.min(best, Math.round(took / (double) shapes.size() * plan.variantsPerFrame()));
                if (best > stopAbove) {
                    break;
                }
            }
        }
        return best;
    }

    private static long[] scaled(long[] nanos, int by) {
        long[] out = new long[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            out[i] = nanos[i] * by;
        }
        return out;
    }

    private static String ms(long[] nanos) {
        List<String> parts = new ArrayList<>();
        for (long n : nanos) {
            parts.add(String.format(Locale.ROOT, "%.1f ms", n / 1e6));
        }
        return String.join(", ", parts);
    }

    private static Choice log(int threads, Choice c) {
        LoggerFactory.getLogger(WorkerSplit.class).atInfo()
            .addKeyValue("event", "workers-chosen")
            .addKeyValue("workers_per_device", c.workersPerDevice())
            .addKeyValue("threads_per_worker", threads)
            .log("inference workers (auto): {} per device, {} thread(s) each: {}", c.workersPerDevice(), threads, c.why());
        return c;
    }
}
