package io.vggstream.engine.actors;

import io.vggstream.engine.fusion.FeatureHead;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.api.Served;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.infer.Warmup;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.preprocess.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Hot swap: checks the models' files every {@code model-watch-interval}; a model whose files
 * changed and then held still for one interval (not half-written) is loaded, its sessions opened
 * and warmed off the actor (on a thread of its own), and only then swapped into its workers. A
 * replacement that cannot be served (corrupt, no card, other classes, another crop) is refused
 * with its reason logged, and the running model keeps serving.
 *
 * <p>Supervised with restart. Its loader thread and the sessions of a load never swapped in are
 * its own, released on {@code PreRestart} as on {@code PostStop} ({@code ModelWatcherRestartIT}).
 * A restarted watcher starts from what was served at the engine's start: it loads again whatever
 * changed since, so a load the restart cut short is redone, and an answer to the previous
 * incarnation's load is ignored (its sessions are already closed).
 */
public final class ModelWatcher extends AbstractBehavior<ModelWatcher.Command> {

    /** What the watcher accepts (its own timer and load results). */
    public sealed interface Command {
    }

    private record Tick() implements Command {
    }

    private record Loaded(long load, int model, Fingerprint at, List<OrtModel> sessions, List<Plan> plans, Model next, long loadNanos, long warmNanos)
        implements Command {
    }

    private record Refused(long load, int model, Fingerprint at, String reason) implements Command {
    }

    /** What a model's files looked like: sizes and modification times. */
    record Fingerprint(long onnxSize, long onnxModified, long cardSize, long cardModified) {
        static Fingerprint of(Model m) {
            Path card = m.onnx().resolveSibling("model.json");
            try {
                long cs = Files.exists(card) ? Files.size(card) : -1;
                long cm = Files.exists(card) ? Files.getLastModifiedTime(card).toMillis() : -1;
                return new Fingerprint(Files.size(m.onnx()), Files.getLastModifiedTime(m.onnx()).toMillis(), cs, cm);
            } catch (IOException e) {
                return new Fingerprint(-1, -1, -1, -1);
            }
        }
    }

    /** As the full {@code create}, with the heads read from {@code models}' files now. */
    public static Behavior<Command> create(EngineSettings settings, List<Model> models, List<List<Plan>> plans,
                                           List<io.vggstream.engine.protocol.Protocol> levels,
                                           List<List<ActorRef<InferenceWorker.Command>>> workers, ActorRef<Preprocessor.Command> preprocessors,
                                           ActorRef<Aggregator.Command> aggregator, int threads, EngineMetrics metrics) {
        return create(settings, models, models.stream().map(m -> Optional.ofNullable(m.featureHead())).toList(), plans, levels, workers,
            preprocessors, aggregator, threads, metrics);
    }

    /**
     * @param heads per model, the head its sessions apply to averaged features (what the aggregator is told with every swap)
     * @param levels the protocol ladder (level 0 first): a replacement's plans are made for each
     */
    public static Behavior<Command> create(EngineSettings settings, List<Model> models, List<Optional<FeatureHead>> heads,
                                           List<List<Plan>> plans, List<io.vggstream.engine.protocol.Protocol> levels,
                                           List<List<ActorRef<InferenceWorker.Command>>> workers, ActorRef<Preprocessor.Command> preprocessors,
                                           ActorRef<Aggregator.Command> aggregator, int threads, EngineMetrics metrics) {
        // Taken once, outside setup: a restarted watcher compares the files with what the engine started with.
        List<Fingerprint> atStart = models.stream().map(Fingerprint::of).toList();
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(new Tick(), settings.modelWatchInterval());
            return new ModelWatcher(ctx, settings, models, heads, atStart, plans, levels, workers, preprocessors, aggregator, threads,
                metrics);
        }));
    }

    private final EngineSettings settings;
    private final List<Model> models;
    private final List<Optional<FeatureHead>> heads;
    private final List<List<Plan>> plans;
    private final List<io.vggstream.engine.protocol.Protocol> levels;
    private final List<List<ActorRef<InferenceWorker.Command>>> workers;
    private final ActorRef<Preprocessor.Command> preprocessors;
    private final ActorRef<Aggregator.Command> aggregator;
    private final int threads;
    private final EngineMetrics metrics;
    private final List<Fingerprint> serving = new ArrayList<>();
    private final List<Fingerprint> seen = new ArrayList<>();
    private final boolean[] loading;
    /** Per model, the load in progress or not yet handled: its sessions are this actor's until swapped in. */
    private final List<CompletableFuture<Command>> pending = new ArrayList<>();
    /** The longest the watcher's stop waits for a replacement's load (a full VGG's session and warm-up: seconds). */
    private static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(60);
    /** Numbers loads and loader threads over every incarnation: an answer to a load this one did not start is known by its number. */
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();
    /** Per model, the number of the load in progress (0: none). */
    private final long[] loadIds;
    private final ExecutorService loader;

    private ModelWatcher(ActorContext<Command> ctx, EngineSettings settings, List<Model> models, List<Optional<FeatureHead>> heads,
                         List<Fingerprint> atStart,
                         List<List<Plan>> plans,
                         List<io.vggstream.engine.protocol.Protocol> levels, List<List<ActorRef<InferenceWorker.Command>>> workers, ActorRef<Preprocessor.Command> preprocessors,
                         ActorRef<Aggregator.Command> aggregator, int threads, EngineMetrics metrics) {
        super(ctx);
        this.settings = settings;
        this.models = new ArrayList<>(models);
        this.heads = new ArrayList<>(heads);
        this.plans = new ArrayList<>();
        plans.forEach(level -> this.plans.add(new ArrayList<>(level)));
        this.levels = List.copyOf(levels);
        this.workers = workers;
        this.preprocessors = preprocessors;
        this.aggregator = aggregator;
        this.threads = threads;
        this.metrics = metrics;
        this.loading = new boolean[models.size()];
        this.loadIds = new long[models.size()];
        models.forEach(m -> pending.add(null));
        serving.addAll(atStart);
        seen.addAll(atStart);
        String thread = "model-loader-" + SEQUENCE.incrementAndGet();
        this.loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Tick.class, t -> onTick())
            .onMessage(Loaded.class, this::onLoaded)
            .onMessage(Refused.class, this::onRefused)
            .onSignal(PostStop.class, s -> stopped())
            .onSignal(org.apache.pekko.actor.typed.PreRestart.class, s -> stopped())
            .build();
    }

    private Behavior<Command> onTick() {
        for (int i = 0; i < models.size(); i++) {
            Fingerprint now = Fingerprint.of(models.get(i));
            Fingerprint before = seen.set(i, now);
            // Load only what changed since it was served and has held still for one interval.
            if (!loading[i] && now.equals(before) && !now.equals(serving.get(i))) {
                loading[i] = true;
                int index = i;
                long id = SEQUENCE.incrementAndGet();
                loadIds[i] = id;
                Path path = settings.models().get(i);
                Model running = models.get(i);
                getContext().getLog().info("{}: its files changed; loading the replacement", models.get(i).name());
                CompletableFuture<Command> load = CompletableFuture.supplyAsync(() -> load(id, index, running, path, now), loader);
                pending.set(i, load);
                getContext().pipeToSelf(load, (cmd, failure) ->
                    failure != null ? new Refused(id, index, now, String.valueOf(failure.getCause() != null ? failure.getCause().getMessage()
                        : failure.getMessage())) : cmd);
            }
        }
        return this;
    }

    /** Loads, checks and warms the replacement: off the actor, since it blocks for seconds on a full VGG. */
    private Command load(long id, int index, Model current, Path folder, Fingerprint at) {
        Model next;
        long t0 = System.nanoTime();
        try {
            next = Model.load(folder);
        } catch (RuntimeException e) {
            return new Refused(id, index, at, e.getMessage());
        }
        if (!next.card().classes().equals(current.card().classes())) {
            return new Refused(id, index, at, "its classes differ from the running model's; restart the engine to change them");
        }
        if (next.card().crop() != current.card().crop()) {
            return new Refused(id, index, at, "its crop " + next.card().crop() + " differs from the running " + current.card().crop()
                + "; restart the engine to change it");
        }
        List<Plan> newPlans = new ArrayList<>();
        try {
            for (io.vggstream.engine.protocol.Protocol p : levels) {
                newPlans.add(Plan.of(index, next, p));
            }
        } catch (IllegalArgumentException e) {
            return new Refused(id, index, at, e.getMessage());
        }
        List<OrtModel> sessions = new ArrayList<>();
        try {
            FeatureHead head = next.featureHead();
            for (int w = 0; w < workers.get(index).size(); w++) {
                sessions.add(OrtModel.open(next, settings.inference().devices().get(w % settings.inference().devices().size()), threads,
                    settings.inference().spinning(), head));
            }
            List<List<OrtModel>> bySlot = new ArrayList<>();
            for (int m = 0; m < models.size(); m++) {
                bySlot.add(m == index ? sessions : List.of());
            }
            long warmStart = System.nanoTime();
            Warmup.run(newPlans, bySlot, settings.warmupFrameSizes(), settings.includeFeatures(), new long[models.size()]);
            return new Loaded(id, index, at, sessions, newPlans, next, warmStart - t0, System.nanoTime() - warmStart);
        } catch (RuntimeException e) {
            sessions.forEach(OrtModel::close);
            return new Refused(id, index, at, e.getMessage());
        }
    }

    /** Whether an answer belongs to this incarnation's load in progress (an earlier incarnation's was closed by its stop). */
    private boolean current(long load, int model) {
        return loading[model] && loadIds[model] == load;
    }

    private Behavior<Command> onLoaded(Loaded l) {
        if (!current(l.load(), l.model())) {
            // Closed by the earlier incarnation's stop unless it gave up waiting; a second close does nothing.
            l.sessions().forEach(OrtModel::close);
            return this;
        }
        loading[l.model()] = false;
        pending.set(l.model(), null);
        for (int level = 0; level < l.plans().size(); level++) {
            Plan plan = l.plans().get(level);
            if (!Objects.equals(plans.get(level).get(l.model()), plan)) {
                preprocessors.tell(new Preprocessor.Replan(level, plan));
                plans.get(level).set(l.model(), plan);
            }
        }
        List<ActorRef<InferenceWorker.Command>> pool = workers.get(l.model());
        for (int w = 0; w < pool.size(); w++) {
            pool.get(w).tell(new InferenceWorker.Swap(l.sessions().get(w)));
        }
        serving.set(l.model(), l.at());
        // The served set is this actor's: its cards (what the next replacement is checked against), its plans (above) and
        // what the answers say about it change together.
        models.set(l.model(), l.next());
        heads.set(l.model(), Optional.ofNullable(l.sessions().get(0).featureHead()));
        aggregator.tell(new Aggregator.Serve(served(models, levels), heads));
        metrics.modelSwapped();
        l.next().logLoaded(pool.size(), l.loadNanos(), l.warmNanos(), true);
        return this;
    }

    /**
     * A replacement being loaded runs its warm-up on the loader thread: wait for it to return (a run
     * cannot be interrupted) and close the sessions of a load never swapped in, so that none is left
     * open, or running, when the engine has stopped.
     */
    private Behavior<Command> stopped() {
        loader.shutdown();
        for (int i = 0; i < pending.size(); i++) {
            CompletableFuture<Command> load = pending.get(i);
            if (load == null) {
                continue;
            }
            try {
                if (load.get(STOP_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) instanceof Loaded l) {
                    l.sessions().forEach(OrtModel::close);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                // The load failed: it closed what it had opened.
            } catch (java.util.concurrent.TimeoutException e) {
                getContext().getLog().warn("{}: the replacement's load did not finish within {} of the stop", models.get(i).name(), STOP_WAIT);
            }
        }
        return this;
    }

    /** What answers say about {@code models}: their names, the first one's classes, and each level's scales for its card. */
    static Served served(List<Model> models, List<io.vggstream.engine.protocol.Protocol> levels) {
        Model first = models.get(0);
        return new Served(models.stream().map(Model::name).toList(), first.card().classes(),
            levels.stream().map(p -> new Served.Level(p, p.scalesFor(first.card()))).toList());
    }

    private Behavior<Command> onRefused(Refused r) {
        if (!current(r.load(), r.model())) {
            return this;
        }
        loading[r.model()] = false;
        pending.set(r.model(), null);
        // Remember the refused files: they are not tried again until they change.
        serving.set(r.model(), r.at());
        metrics.modelRefused();
        getContext().getLog().error("{}: refusing the replaced model ({}); the running model keeps serving", models.get(r.model()).name(),
            r.reason());
        return this;
    }
}
