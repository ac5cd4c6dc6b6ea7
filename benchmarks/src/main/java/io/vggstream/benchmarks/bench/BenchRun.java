package io.vggstream.benchmarks.bench;

import com.typesafe.config.Config;
import io.vggstream.broker.KraftBroker;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.preprocess.Variant;
import io.vggstream.engine.runtime.WorkerSplit;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.topics.TopicsSettings;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs the measurements a {@link BenchSpec} asks for, in an order that keeps each comparison close
 * in time (the machine may be shared): per batch size, the ceiling (a) right before the in-process
 * engine (b) and the full path (c, with the broker in this JVM, and c', with the broker in a JVM of its own);
 * then the max-delay sweep; then latency at fixed rates (fractions of the ceiling, fractions of the full path's own
 * capacity, and a low rate for the lone-frame floor); then the scale-out with child processes.
 */
public final class BenchRun {

    private BenchSpec spec;
    private final BenchModel model;
    private final Config config;
    private final Consumer<String> log;
    private final Brokers brokers;
    private final String runId = Long.toHexString(System.currentTimeMillis() & 0xffffffffL);
    private int pointNo;
    private int mainInFlight;

    /** A run with brokers of its own, started as needed and closed at its end. */
    public BenchRun(BenchSpec spec, BenchModel model, Config config, Consumer<String> log) {
        this(spec, model, config, null, log);
    }

    /** A run on shared brokers (several workloads of one command), which the caller closes. */
    public BenchRun(BenchSpec spec, BenchModel model, Config config, Brokers brokers, Consumer<String> log) {
        this.spec = spec;
        this.model = model;
        this.config = config;
        this.brokers = brokers;
        this.log = log;
    }

    public BenchResult run() throws Exception {
        if (brokers != null) {
            return run(brokers);
        }
        try (Brokers own = new Brokers(config, spec.bootstrap(), spec.out(), log)) {
            return run(own);
        }
    }

    private BenchResult run(Brokers brokers) throws Exception {
        if (spec.autoWorkers()) {
            spec = chooseWorkers();
        }
        RunSetup.Start start = RunSetup.start(spec, model, config);
        Instant started = start.started();
        List<byte[]> frames = start.frames();
        List<Variant> variants = start.variants();
        int perFrame = start.perFrame();
        List<String> shapes = start.shapes();
        int jpegBytes = start.jpegBytes();
        log.accept(String.format(Locale.ROOT, "workload %s: model %s%nprotocol %s: %d inputs per frame, shapes %s; frames %s JPEG, %d bytes"
                + " on average; %d worker(s) of %d ONNX Runtime threads, %d cores", spec.workload(), model.description(), spec.protocol(), perFrame,
            shapes, spec.resolution(), jpegBytes, spec.workers(), spec.threads(), Runtime.getRuntime().availableProcessors()));

        List<Point> points = new ArrayList<>();
        List<ScaleOut.Phase> phases = new ArrayList<>();
        List<Profiler.Summary> profiles = new ArrayList<>();
        Optional<String> problem = Optional.empty();
        List<String> brokerTexts = new ArrayList<>();
        try {
            TopicsSettings topics = TopicsSettings.from(config);
            // The full path's brokers: in this JVM and in one of its own (or the external one alone).
            List<Brokers.Broker> paths = new ArrayList<>();
            if ((spec.runs('c') || spec.scaleOutProcesses() > 0) && spec.childBroker()) {
                brokers.startChildInBackground();
            }
            if (spec.runs('c')) {
                if (brokers.external() || spec.inProcessBroker()) {
                    paths.add(brokers.inProcess());
                }
                if (!brokers.external() && spec.childBroker()) {
                    paths.add(brokers.child());
                }
            }
            paths.forEach(b -> brokerTexts.add("(" + b.mode().letter + ") " + b.description()));
            List<Integer> batches = new ArrayList<>(new java.util.TreeSet<>(spec.batchSizes()));
            if (!batches.contains(spec.batch())) {
                batches.add(spec.batch());
                batches.sort(null);
            }
            Point mainCeiling = null;
            Point capacity = null;
            mainInFlight = inFlight(spec.batch(), perFrame, Double.NaN);
            for (int b : batches) {
                // The ceiling is measured before and after the engine's points and averaged: on a shared machine the
                // load drifts, and the two readings say by how much.
                Point before = ceiling(variants, b);
                int inFlight = inFlight(b, perFrame, before.framesPerSecond());
                if (b == spec.batch()) {
                    mainInFlight = inFlight;
                }
                EngineSettings s = engineSettings(inFlight, b, spec.maxDelay());
                boolean main = b == spec.batch();
                List<Point> engine = new ArrayList<>();
                if (spec.runs('b')) {
                    Profiler prof = main && spec.profile() ? Profiler.start() : null;
                    Point p = InProcess.run(s, config, frames, perFrame, Double.NaN, spec.warmupPlan(), spec.measure(), burst(b, perFrame));
                    if (prof != null) {
                        profiles.add(prof.stop(spec.out().resolve("profile-b-batch" + b + ".jfr"), p.usage().from(), p.usage().to()));
                    }
                    engine.add(report(p.withRatio(p.framesPerSecond() / before.framesPerSecond())));
                }
                for (Brokers.Broker broker : paths) {
                    Profiler prof = main && spec.profile() ? Profiler.start() : null;
                    Point p = fullPath(broker, s, topics, frames, perFrame, Double.NaN, b, spec.measure());
                    if (prof != null) {
                        String tag = broker.mode() == Point.Mode.FULL_PATH ? "c" : "c-child-broker";
                        profiles.add(prof.stop(spec.out().resolve("profile-" + tag + "-batch" + b + ".jfr"), p.usage().from(), p.usage().to()));
                    }
                    engine.add(report(p.withRatio(p.framesPerSecond() / before.framesPerSecond())));
                    if (main && capacity == null) {
                        capacity = p;
                    }
                }
                Point a = engine.isEmpty() ? before : Ceiling.merge(before, ceiling(variants, b));
                if (!engine.isEmpty()) {
                    log.accept(String.format(Locale.ROOT, "    ceiling at batch %d, before and after: %s", b, a.note()));
                }
                points.add(a);
                for (Point p : engine) {
                    points.add(p.withRatio(p.framesPerSecond() / a.framesPerSecond()));
                }
                if (main) {
                    mainCeiling = a;
                }
            }
            Optional<Brokers.Broker> primary = paths.stream().findFirst();
            for (Duration d : spec.maxDelays()) {
                if (d.equals(spec.maxDelay()) || mainCeiling == null) {
                    continue;
                }
                EngineSettings s = engineSettings(mainInFlight, spec.batch(), d);
                if (spec.runs('b')) {
                    Point p = InProcess.run(s, config, frames, perFrame, Double.NaN, spec.warmupPlan(), spec.measure(), burst(spec.batch(), perFrame));
                    points.add(report(p.withRatio(p.framesPerSecond() / mainCeiling.framesPerSecond())));
                }
                if (primary.isPresent()) {
                    Point p = fullPath(primary.get(), s, topics, frames, perFrame, Double.NaN, spec.batch(), spec.measure());
                    points.add(report(p.withRatio(p.framesPerSecond() / mainCeiling.framesPerSecond())));
                }
            }
            if (mainCeiling != null) {
                double ceilingFps = mainCeiling.framesPerSecond();
                EngineSettings s = engineSettings(mainInFlight, spec.batch(), spec.maxDelay());
                // Offered rates, each with the modes it runs: fractions of the ceiling (b and the first full path), fractions of
                // the full path's own capacity (the full path), and the floor, where frames arrive alone (b and every full path).
                List<Latency> runs = new ArrayList<>();
                List<Double> ceilingRates = spec.rate().map(List::of).orElse(spec.rateFractions().stream().map(f -> f * ceilingFps).toList());
                for (double r : ceilingRates) {
                    runs.add(new Latency(r, spec.runs('b'), primary.stream().toList()));
                }
                if (capacity != null && spec.rate().isEmpty()) {
                    for (double f : spec.capacityFractions()) {
                        runs.add(new Latency(f * capacity.framesPerSecond(), false, List.of(paths.get(0))));
                    }
                }
                if (spec.floorRate() > 0) {
                    runs.add(new Latency(spec.floorRate(), spec.runs('b'), paths));
                }
                for (Latency run : runs) {
                    double r = run.rate();
                    // A latency window needs enough frames for a p99: at least 200, or the window stretched to get them.
                    Duration measure = Duration.ofMillis((long) Math.max(spec.measure().toMillis(),
                        1000 * Math.min(200 / r, spec.latencyMaxWindow().toSeconds())));
                    if (run.inProcess()) {
                        Point p = InProcess.run(s, config, frames, perFrame, r, spec.warmupPlan(), measure, burst(spec.batch(), perFrame));
                        points.add(report(p.withRatio(p.framesPerSecond() / mainCeiling.framesPerSecond())));
                    }
                    for (Brokers.Broker broker : run.paths()) {
                        Point p = fullPath(broker, s, topics, frames, perFrame, r, spec.batch(), measure);
                        points.add(report(p.withRatio(p.framesPerSecond() / mainCeiling.framesPerSecond())));
                    }
                }
            }
            if (spec.scaleOutProcesses() > 0) {
                // As deployed: the broker in a process of its own when this run has one.
                Brokers.Broker broker = !brokers.external() && spec.childBroker() ? brokers.child() : brokers.inProcess();
                if (!paths.contains(broker)) {
                    brokerTexts.add("(scale-out) " + broker.description());
                }
                ScaleOut.Child child = ScaleOut.childOf(engineSettings(mainInFlight, spec.batch(), spec.maxDelay()), model.model().onnx().getParent(),
                    spec.resolution().toString());
                List<Integer> counts = spec.scaleOutProcesses() == 1 ? List.of(1) : List.of(1, spec.scaleOutProcesses());
                for (int n : counts) {
                    log.accept("scale-out: " + n + " engine process(es) in one group on " + spec.partitions() + " partitions ...");
                    ScaleOut.Phase ph = ScaleOut.run(n, child, broker, topics, prefix(), spec.partitions(), frames, spec.warmupPlan(),
                        spec.measure(), burst(spec.batch(), perFrame), spec.out().resolve("scale-out"), log);
                    phases.add(ph);
                    log.accept(String.format(Locale.ROOT, "  %d process(es): %.2f frames/s in all, %.1f frames per engine CPU-second; %s", n,
                        ph.framesPerSecond(), ph.framesPerEngineCpuSecond(), ph.members().stream().map(m -> String.format(Locale.ROOT,
                            "%s partitions %s %.2f frames/s", m.clientId(), m.partitions(), m.framesPerSecond())).toList()));
                }
            }
        } catch (RuntimeException | IOException e) {
            // Report what was measured, and say what stopped the run.
            problem = Optional.of(e.toString());
            log.accept("the run stopped early: " + e);
        }
        return new BenchResult(spec, mainInFlight, started, Instant.now(), Machine.describe(), start.loadBefore(), Machine.loadAverage(), model.description(),
            model.model().card().config(), model.model().card().width(), perFrame, shapes, jpegBytes,
            brokerTexts.isEmpty() ? "none" : String.join("; ", brokerTexts), points, phases, profiles, problem);
    }

    /** One latency run: an offered rate, whether (b) runs at it, and the full paths that do. */
    private record Latency(double rate, boolean inProcess, List<Brokers.Broker> paths) {
    }

    private Point ceiling(List<Variant> variants, int batch) {
        // The engine's own session options: spinning as inference.spinning says.
        boolean spinning = io.vggstream.engine.settings.InferenceSettings.from(config).spinning();
        return report(Ceiling.run(model.model(), variants, batch, spec.workers(), spec.threads(), spinning, spec.warmupPlan(), spec.measure(),
            spec.minBatches()));
    }

    private Point fullPath(Brokers.Broker broker, EngineSettings s, TopicsSettings base, List<byte[]> frames, int perFrame, double rate,
                           int batch, Duration measure) throws InterruptedException {
        String prefix = prefix();
        TopicsSettings topics = BenchTopics.create(broker.kafka(), base, prefix, spec.partitions());
        try {
            return FullPath.run(broker, s.withGroupId(prefix + "-engine"), config, topics, spec.partitions(), frames, perFrame, rate,
                spec.warmupPlan(), measure, burst(batch, perFrame));
        } finally {
            BenchTopics.delete(broker.kafka(), topics);
        }
    }

    private String prefix() {
        return "vggstream-bench-" + runId + "-" + (++pointNo);
    }

    /** Frames answered together when a full batch completes (at least 1). */
    static int burst(int batch, int perFrame) {
        return Math.max(1, batch / perFrame);
    }

    private Point report(Point p) {
        String cpu = String.format(Locale.ROOT, ", %.1f frames per CPU-second", p.framesPerCpuSecond());
        String rate = p.isLatencyRun() ? String.format(Locale.ROOT, " at %.2f frames/s offered", p.offeredRate()) : "";
        String delay = Double.isNaN(p.maxDelayMs()) ? "" : String.format(Locale.ROOT, ", max-delay %.0f ms", p.maxDelayMs());
        String ratio = Double.isNaN(p.ratio()) ? "" : String.format(Locale.ROOT, " = %.1f%% of the ceiling", 100 * p.ratio());
        String lat = p.latency() == null || p.latency().count() == 0 ? ""
            : String.format(Locale.ROOT, "; latency p50 %.0f / p99 %.0f ms", p.latency().p50(), p.latency().p99());
        log.accept(String.format(Locale.ROOT, "(%s) %s, batch %d%s%s: %.2f frames/s, %.2f images/s%s%s", p.mode().letter, p.mode().title,
            p.batch(), delay, rate, p.framesPerSecond(), p.imagesPerSecond(), ratio, lat) + cpu);
        return p;
    }

    /**
     * {@code workers-per-device = auto}, as the engine would choose it on this CPU for this model, protocol and frame size
     * ({@link WorkerSplit}): the ceiling and every engine point then run what a deployed engine would.
     */
    private BenchSpec chooseWorkers() {
        InferenceSettings auto = InferenceSettings.from(config).withWorkersPerDevice(InferenceSettings.AUTO_WORKERS).withThreadsPerWorker(0)
            .withDevices(List.of(Device.parse("cpu")));
        Model m = model.model();
        WorkerSplit.Choice c = WorkerSplit.resolve(auto, List.of(m), List.of(Plan.of(0, m, spec.protocol())),
            java.util.Arrays.asList(m.featureHead()), List.of(new int[] {spec.resolution().width(), spec.resolution().height()}),
            config.getBoolean("vggstream.engine.include-features"));
        // The probe's session was opened for the engine; the benchmark opens its own per mode.
        c.probes().forEach(OrtModel::close);
        int threads = c.threadsPerWorker() > 0 ? c.threadsPerWorker() : auto.effectiveThreads(1);
        return spec.chosen(c.workersPerDevice(), threads, c.why());
    }

    /** Frames in the engine at once ({@link RunSetup#inFlight}), with a note when they are much of the frame deadline's work. */
    int inFlight(int batch, int perFrame, double ceilingFramesPerSecond) {
        if (spec.maxInFlight() > 0) {
            return spec.maxInFlight();
        }
        int chosen = RunSetup.inFlight(spec, batch, perFrame, config, ceilingFramesPerSecond);
        double deadline = config.getDuration("vggstream.engine.frame-deadline").toMillis() / 1000.0;
        if (chosen / ceilingFramesPerSecond > deadline / 2) {
            log.accept(String.format(Locale.ROOT, "note: %d frames in flight are %.0f s of work at the ceiling's rate, over half the"
                + " frame deadline (%.0f s): frames may come out partial; lower --max-in-flight or raise frame-deadline", chosen,
                chosen / ceilingFramesPerSecond, deadline));
        }
        return chosen;
    }

    private EngineSettings engineSettings(int maxInFlight) {
        return RunSetup.engineSettings(spec, model, config, maxInFlight);
    }

    /** The run's settings with batches of up to {@code batch} inputs, a partial one waiting at most {@code maxDelay}. */
    private EngineSettings engineSettings(int maxInFlight, int batch, Duration maxDelay) {
        EngineSettings s = engineSettings(maxInFlight);
        return s.withInference(s.inference().withMaxBatchSize(batch).withMaxDelay(maxDelay));
    }
}
