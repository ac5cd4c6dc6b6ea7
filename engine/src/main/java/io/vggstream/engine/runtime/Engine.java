package io.vggstream.engine.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.actors.EngineGuardian;
import io.vggstream.engine.api.Classification;
import io.vggstream.engine.api.Classifier;
import io.vggstream.engine.api.Degradation;
import io.vggstream.engine.api.Served;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.infer.StallWatch;
import io.vggstream.engine.infer.Warmup;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The engine without Kafka: models loaded, sessions open, actors running, frames in, fused
 * posteriors out. It owns the actor system and its guardian ({@link EngineGuardian}); as a
 * {@link Classifier} it asks the guardian's aggregator. The streaming path ({@code run}),
 * {@code classify} and {@code evaluate} all go through the same {@link Classifier}, so they share
 * preprocessing, batching and fusion.
 */
public final class Engine implements Classifier, AutoCloseable {

    private final EngineSettings settings;
    private final List<Model> models;
    private final ActorSystem<EngineGuardian.Command> system;
    private final Classifier classifier;
    private final EngineMetrics metrics;
    private final List<String> providers;
    private final List<String> warmed;
    private final List<Protocol> levels;
    private final StallWatch stallWatch;

    /** The protocol levels for a model set whose first model is {@code first}: the configured one, then cheaper rungs. */
    public static List<Protocol> levels(EngineSettings settings, Model first) {
        return settings.protocolLevels(p -> Plan.of(0, first, p).variantsPerFrame());
    }

    /** The protocols the engine can use, best first: level 0 is the configured one. */
    public List<Protocol> levels() {
        return levels;
    }

    /** The scales Q of a level's protocol for the first model. */
    public List<Integer> scales(int level) {
        return levels.get(level).scalesFor(models.get(0).card());
    }

    private Engine(EngineSettings settings, List<Model> models, ActorSystem<EngineGuardian.Command> system,
                   Classifier classifier, EngineMetrics metrics, List<String> providers, List<String> warmed,
                   List<Protocol> levels) {
        this.warmed = warmed;
        this.levels = levels;
        this.settings = settings;
        this.models = models;
        this.system = system;
        this.classifier = classifier;
        this.metrics = metrics;
        this.providers = providers;
        this.stallWatch = StallWatch.start(settings.inference().stallTimeout(), settings.inference().stallExit());
    }

    /**
     * Loads the models, opens their sessions and starts the actors.
     *
     * @param config the resolved settings (for Pekko's own keys); {@code settings} come from it
     * @throws io.vggstream.engine.model.ModelLoadException naming the file, when a model cannot be served
     * @throws IllegalArgumentException when the models cannot form an ensemble or the protocol does not fit them
     */
    public static Engine start(EngineSettings settings, Config config) {
        if (settings.models().isEmpty()) {
            throw new IllegalArgumentException("no model given: pass --model DIR (a folder with model.onnx and model.json)"
                + " or set vggstream.engine.models");
        }
        List<Model> models = new ArrayList<>();
        long[] loadNanos = new long[settings.models().size()];
        for (int i = 0; i < loadNanos.length; i++) {
            long t0 = System.nanoTime();
            models.add(Model.load(settings.models().get(i)));
            loadNanos[i] = System.nanoTime() - t0;
        }
        models = List.copyOf(models);
        Model first = models.get(0);
        for (Model m : models) {
            if (!m.card().classes().equals(first.card().classes())) {
                throw new IllegalArgumentException("models " + first.name() + " and " + m.name()
                    + " have different classes; an ensemble averages posteriors over the same classes");
            }
        }
        List<Protocol> levels = levels(settings, first);
        // Every level's plans, per model: a protocol that does not fit a model fails here, naming it.
        List<List<Plan>> plansByLevel = new ArrayList<>();
        for (Protocol level : levels) {
            List<Plan> plans = new ArrayList<>();
            for (int i = 0; i < models.size(); i++) {
                plans.add(Plan.of(i, models.get(i), level));
            }
            plansByLevel.add(plans);
        }
        // workers-per-device = auto: chosen now, by timing a lone frame on the session one worker would have.
        List<io.vggstream.engine.fusion.FeatureHead> heads = new ArrayList<>();
        for (Model m : models) {
            heads.add(m.featureHead());
        }
        WorkerSplit.Choice split = WorkerSplit.resolve(settings.inference(), models, plansByLevel.get(0), heads,
            settings.warmupFrameSizes(), settings.includeFeatures());
        settings = settings.withInference(settings.inference().withWorkersPerDevice(split.workersPerDevice())
            .withThreadsPerWorker(split.threadsPerWorker()));
        int workersPerModel = settings.inference().devices().size() * settings.inference().workersPerDevice();
        int cpuWorkers = (int) settings.inference().devices().stream().filter(d -> d.kind() != Device.Kind.CUDA).count()
            * settings.inference().workersPerDevice() * models.size();
        int threads = settings.inference().effectiveThreads(Math.max(1, cpuWorkers));
        List<List<OrtModel>> sessions = new ArrayList<>();
        List<String> providers = new ArrayList<>();
        try {
            for (int i = 0; i < models.size(); i++) {
                Model m = models.get(i);
                long t0 = System.nanoTime();
                List<OrtModel> perModel = new ArrayList<>();
                // Listed before it fills: a failure below closes the sessions this model has opened so far.
                sessions.add(perModel);
                // Read once per model: every worker's session shares it.
                io.vggstream.engine.fusion.FeatureHead head = heads.get(i);
                for (Device d : settings.inference().devices()) {
                    for (int w = 0; w < settings.inference().workersPerDevice(); w++) {
                        // The probe's session is the first device's one worker when auto kept one.
                        OrtModel s = perModel.isEmpty() && i < split.probes().size() ? split.probes().get(i)
                            : OrtModel.open(m, d, threads, settings.inference().spinning(), head);
                        perModel.add(s);
                        providers.add(m.name() + "@" + s.provider());
                    }
                }
                loadNanos[i] += System.nanoTime() - t0;
            }
        } catch (RuntimeException e) {
            sessions.forEach(l -> l.forEach(OrtModel::close));
            // Probes of the models not reached (each model's list holds its own probe first).
            split.probes().stream().skip(sessions.size()).forEach(OrtModel::close);
            throw e;
        }
        List<String> warmed;
        long[] warmNanos = new long[models.size()];
        try {
            warmed = warmUp(settings, plansByLevel.stream().flatMap(List::stream).toList(), sessions, warmNanos);
        } catch (RuntimeException e) {
            sessions.forEach(l -> l.forEach(OrtModel::close));
            throw e;
        }
        // The environment exists now: no JVM exit may release it under a run.
        ExitGuard.install();
        for (int i = 0; i < models.size(); i++) {
            models.get(i).logLoaded(sessions.get(i).size(), loadNanos[i], warmNanos[i], false);
        }
        int totalWorkers = workersPerModel * models.size();
        Config sized = ConfigFactory.parseMap(Map.of(
            EngineGuardian.INFERENCE_DISPATCHER + ".thread-pool-executor.fixed-pool-size", totalWorkers,
            EngineGuardian.PREPROCESS_DISPATCHER + ".thread-pool-executor.fixed-pool-size", settings.preprocess().effectiveWorkers(),
            // A fatal error (an OutOfMemoryError) terminates the actor system instead of calling System.exit: the engine's
            // own stop then ends the process, after the runs (or with Runtime.halt under one), never ONNX Runtime's hook.
            "pekko.jvm-exit-on-fatal-error", false))
            .withFallback(config);
        EngineMetrics metrics = new EngineMetrics(settings.inference().maxBatchSize());
        List<Served.Level> served = new ArrayList<>();
        for (Protocol level : levels) {
            served.add(new Served.Level(level, level.scalesFor(first.card())));
        }
        Served what = new Served(models.stream().map(Model::name).toList(), first.card().classes(), served);
        ActorSystem<EngineGuardian.Command> system = ActorSystem.create(
            EngineGuardian.create(settings, models, plansByLevel, sessions, what, threads, metrics), "vggstream", sized);
        try {
            // The guardian answers once its children run: the classifier asks the aggregator it spawned.
            Classifier classifier = AskPattern.<EngineGuardian.Command, Classifier>ask(system, EngineGuardian.GetClassifier::new,
                Duration.ofSeconds(30), system.scheduler()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new Engine(settings, models, system, classifier, metrics, providers, warmed, levels);
        } catch (Exception e) {
            system.terminate();
            throw new IllegalStateException("the engine's actors did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Runs every input shape the protocol will meet once on every session: the crop size when it
     * takes crops, and each Q of each configured frame size when it is dense. Returns the shapes
     * as {@code HxW}.
     */
    public static List<String> warmUp(EngineSettings settings, List<Plan> plans, List<List<OrtModel>> sessions) {
        return warmUp(settings, plans, sessions, new long[sessions.size()]);
    }

    /** As {@link #warmUp(EngineSettings, List, List)}, adding each model's warm-up time to {@code nanosByModel}. */
    private static List<String> warmUp(EngineSettings settings, List<Plan> plans, List<List<OrtModel>> sessions, long[] nanosByModel) {
        return Warmup.run(plans, sessions, settings.warmupFrameSizes(), settings.includeFeatures(), nanosByModel);
    }

    /** The input shapes ({@code HxW}) every session ran once before the engine was ready. */
    public List<String> warmedShapes() {
        return warmed;
    }

    /** Classifies one encoded image with the protocol of {@code level} (see {@link #levels()}). Never fails the stage. */
    @Override
    public CompletionStage<Classification> classify(byte[] image, int level) {
        return classifier.classify(image, level);
    }

    /** Classifies at the load governor's level (the streams' way in). Never fails the stage. */
    @Override
    public CompletionStage<Classification> classifyGoverned(byte[] image) {
        return classifier.classifyGoverned(image);
    }

    /** Classifies several images at the load governor's level, answered together in their order. Never fails the stage. */
    @Override
    public CompletionStage<List<Classification>> classifyGoverned(List<byte[]> images) {
        return classifier.classifyGoverned(images);
    }

    /** The load governor's level and the smoothed latency it steers by. */
    @Override
    public CompletionStage<Degradation> degradation() {
        return classifier.degradation();
    }

    /** The models' names, their classes and the protocol levels, as the prediction records describe them. */
    @Override
    public Served served() {
        return classifier.served();
    }

    public List<Model> models() {
        return models;
    }

    public Protocol protocol() {
        return settings.protocol();
    }

    public EngineSettings settings() {
        return settings;
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    /** Which execution provider each session runs on, e.g. {@code fmnist@CPU}. */
    public List<String> providers() {
        return providers;
    }

    /** The class names of the models (the same for every model of the ensemble). */
    public List<String> classes() {
        return models.get(0).card().classes();
    }

    /** The scales Q the protocol uses for the first model. */
    public List<Integer> scales() {
        return settings.protocol().scalesFor(models.get(0).card());
    }

    /** The actor system (its guardian is {@link EngineGuardian}): for the streams' start and the ops server's liveness. */
    public ActorSystem<EngineGuardian.Command> system() {
        return system;
    }

    /**
     * What is stalled ({@code inference.stall-timeout}): an inference run in progress for too long, named; empty when
     * nothing is. {@code /health/live} answers 503 with it.
     */
    public Optional<String> stalled() {
        return stallWatch.stalled();
    }

    /** Stops the actors (closing every session) and waits for the actor system to end. */
    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the engine did not stop within 60 s", e);
        } finally {
            // Last: a run stuck during the stop (a worker's session close waits for it) is still a stall.
            stallWatch.close();
        }
    }
}
