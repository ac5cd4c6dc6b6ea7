package io.vggstream.engine.actors;

import io.vggstream.engine.api.Classifier;
import io.vggstream.engine.api.Served;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.kafka.OutputLimits;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.EnrichSettings;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.PoolRouter;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.Routers;

/**
 * The engine's whole actor tree: the inference workers (one per opened session), the preprocessor
 * pool, the aggregator and the model watcher at start, and the Kafka streams' owners (Ingest, and
 * Enricher when enrichment is on) once the runtime asks for them. Each child's supervision is
 * chosen on purpose:
 * <ul>
 *   <li>inference workers <em>resume</em>: a failed batch is already answered as a failure, and
 *       a session is too costly to reopen for a bug in one message;</li>
 *   <li>preprocessors <em>restart</em>: they hold no state, and bad frames are replies, not exceptions;</li>
 *   <li>the aggregator <em>resumes</em>: a restart would forget every frame in flight;</li>
 *   <li>the model watcher <em>restarts</em>: a replacement that cannot be served is a reply, not an
 *       exception; its loader thread is closed on {@code PreRestart} as on {@code PostStop};</li>
 *   <li>Ingest and Enricher <em>stop</em>, and are watched: a Kafka stream that failed has already
 *       been retried by the connector, and restarting it here would hide a broken cluster. The
 *       guardian tells the runtime ({@link StreamsEnded}), whose {@code run} ends with an error so
 *       that the process supervisor restarts the engine, which resumes from the committed offsets.</li>
 * </ul>
 * Stopping the guardian stops them all; workers close their sessions on {@code PostStop}.
 */
public final class EngineGuardian extends AbstractBehavior<EngineGuardian.Command> {

    public static final String PREPROCESS_DISPATCHER = "vggstream.engine.dispatchers.preprocess";
    public static final String INFERENCE_DISPATCHER = "vggstream.engine.dispatchers.inference";

    /** What the guardian accepts: the runtime's requests. */
    public sealed interface Command {
    }

    /** The {@link Classifier} over the aggregator (the runtime asks once, at start). */
    public record GetClassifier(ActorRef<Classifier> replyTo) implements Command {
    }

    /**
     * Start the Kafka streams: frames always, events when {@code enrich} is present and enabled.
     * Answered with {@link Streams}; a second request is answered with the streams already running.
     */
    public record StartStreams(KafkaSettings kafka, TopicsSettings topics, Optional<EnrichSettings> enrich, OutputLimits limits,
                               ActorRef<Streams> replyTo) implements Command {
    }

    /** The streams' owners, for the runtime's status and metrics asks. */
    public record Streams(ActorRef<Ingest.Command> ingest, Optional<ActorRef<Enricher.Command>> enricher) {
    }

    /** Tell {@code replyTo} once, when the streams have ended (see {@link StreamsEnded}). */
    public record WatchStreams(ActorRef<StreamsEnded> replyTo) implements Command {
    }

    /**
     * The streams ended: with the first stream's failure, as soon as one fails (the other is then
     * drained by the runtime's close), or empty once every stream has stopped without one.
     */
    public record StreamsEnded(Optional<Throwable> failure) {
    }

    /** Drain every running stream (no new records, those in flight finished and committed); answered once all have stopped. */
    public record DrainStreams(ActorRef<Done> replyTo) implements Command {
    }

    /**
     * @param sessions per model, the sessions of its workers (already open, so that a broken model
     *                 fails start-up with its file's name instead of a restart loop)
     * @param served what the models are, as the predictions describe them (its levels are the protocol ladder)
     */
    public static Behavior<Command> create(EngineSettings settings, List<Model> models, List<List<Plan>> plans,
                                           List<List<OrtModel>> sessions, Served served, int threads, EngineMetrics metrics) {
        return Behaviors.setup(ctx -> new EngineGuardian(ctx, settings, models, plans, sessions, served, threads, metrics));
    }

    private final EngineSettings settings;
    private final EngineMetrics metrics;
    private final Classifier classifier;
    private Streams streams;
    private final List<ActorRef<?>> running = new ArrayList<>();
    private final List<ActorRef<StreamsEnded>> watchers = new ArrayList<>();
    private final List<ActorRef<Done>> drains = new ArrayList<>();
    private StreamsEnded ended;

    private EngineGuardian(ActorContext<Command> ctx, EngineSettings settings, List<Model> models, List<List<Plan>> plans,
                           List<List<OrtModel>> sessions, Served served, int threads, EngineMetrics metrics) {
        super(ctx);
        this.settings = settings;
        this.metrics = metrics;
        List<List<ActorRef<InferenceWorker.Command>>> workers = new ArrayList<>();
        for (int m = 0; m < sessions.size(); m++) {
            List<ActorRef<InferenceWorker.Command>> pool = new ArrayList<>();
            for (int w = 0; w < sessions.get(m).size(); w++) {
                OrtModel session = sessions.get(m).get(w);
                Behavior<InferenceWorker.Command> worker = Behaviors.supervise(InferenceWorker.create(session,
                        settings.inference(), settings.includeFeatures(), metrics))
                    .onFailure(Exception.class, SupervisorStrategy.resume());
                pool.add(ctx.spawn(worker, "infer-" + m + "-" + w, DispatcherSelector.fromConfig(INFERENCE_DISPATCHER)));
            }
            workers.add(pool);
        }
        Behavior<Preprocessor.Command> preprocessor = Behaviors.supervise(
                Preprocessor.create(plans, workers, settings.imageLimits(), settings.preprocess().reducedDecode(), metrics))
            .onFailure(Exception.class, SupervisorStrategy.restart());
        PoolRouter<Preprocessor.Command> pool = Routers.pool(settings.preprocess().effectiveWorkers(), preprocessor)
            .withRoundRobinRouting()
            // A new plan after a hot swap reaches every preprocessor.
            .withBroadcastPredicate(m -> m instanceof Preprocessor.Replan)
            .withRouteeProps(DispatcherSelector.fromConfig(PREPROCESS_DISPATCHER));
        ActorRef<Preprocessor.Command> preprocessors = ctx.spawn(pool, "preprocess");
        // Per model, the head of a model that fuses its variants' features (the sessions read it from the graph).
        List<java.util.Optional<io.vggstream.engine.fusion.FeatureHead>> heads = sessions.stream()
            .map(s -> java.util.Optional.ofNullable(s.get(0).featureHead())).toList();
        Behavior<Aggregator.Command> agg = Behaviors.supervise(Aggregator.create(served, heads, settings.includeFeatures(), settings.topK(),
                settings.frameDeadline(), settings.degrade(), preprocessors, metrics))
            .onFailure(Exception.class, SupervisorStrategy.resume());
        ActorRef<Aggregator.Command> aggregator = ctx.spawn(agg, "aggregator");
        // An ask waits past the frame's deadline, at which the aggregator answers anyway (partial or failed).
        classifier = new AggregatorClassifier(aggregator, ctx.getSystem().scheduler(), settings.frameDeadline().plusSeconds(10), served);
        if (!settings.modelWatchInterval().isZero()) {
            List<Protocol> levels = served.levels().stream().map(Served.Level::protocol).toList();
            ctx.spawn(Behaviors.supervise(ModelWatcher.create(settings, models, heads, plans, levels, workers, preprocessors, aggregator, threads,
                    metrics))
                .onFailure(Exception.class, SupervisorStrategy.restart()), "model-watcher");
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(GetClassifier.class, g -> {
                g.replyTo().tell(classifier);
                return this;
            })
            .onMessage(StartStreams.class, this::onStartStreams)
            .onMessage(WatchStreams.class, this::onWatchStreams)
            .onMessage(DrainStreams.class, this::onDrainStreams)
            .onSignal(ChildFailed.class, this::onChildFailed)
            .onSignal(Terminated.class, this::onTerminated)
            .build();
    }

    private Behavior<Command> onStartStreams(StartStreams s) {
        if (streams == null) {
            // Stop is the default; written down because it is the choice (see the class comment). The actor logs its failure itself.
            SupervisorStrategy stop = SupervisorStrategy.stop().withLoggingEnabled(false);
            ActorRef<Ingest.Command> ingest = getContext().spawn(Behaviors.supervise(
                    Ingest.create(classifier, settings, metrics, s.kafka(), s.topics(), s.limits()))
                .onFailure(Exception.class, stop), "ingest");
            getContext().watch(ingest);
            running.add(ingest);
            Optional<ActorRef<Enricher.Command>> enricher = Optional.empty();
            if (s.enrich().isPresent() && s.enrich().get().enabled()) {
                ActorRef<Enricher.Command> e = getContext().spawn(Behaviors.supervise(
                        Enricher.create(classifier, s.enrich().get(), settings.maxInFlight(), settings.commitInterval(), metrics, s.kafka(),
                            s.topics(), s.limits()))
                    .onFailure(Exception.class, stop), "enricher");
                getContext().watch(e);
                running.add(e);
                enricher = Optional.of(e);
            }
            streams = new Streams(ingest, enricher);
        }
        s.replyTo().tell(streams);
        return this;
    }

    private Behavior<Command> onWatchStreams(WatchStreams w) {
        if (ended != null) {
            w.replyTo().tell(ended);
        } else {
            watchers.add(w.replyTo());
        }
        return this;
    }

    private Behavior<Command> onDrainStreams(DrainStreams d) {
        if (running.isEmpty()) {
            d.replyTo().tell(Done.getInstance());
            return this;
        }
        drains.add(d.replyTo());
        // Each stopping owner is a Terminated here; the answer goes when the last has stopped.
        ActorRef<Done> ignore = getContext().getSystem().ignoreRef();
        for (ActorRef<?> r : running) {
            if (streams.ingest().equals(r)) {
                streams.ingest().tell(new Ingest.Drain(ignore));
            } else {
                streams.enricher().ifPresent(e -> e.tell(new Enricher.Drain(ignore)));
            }
        }
        return this;
    }

    private Behavior<Command> onChildFailed(ChildFailed f) {
        Throwable cause = f.getCause() instanceof StreamFailedException s ? s.getCause() : f.getCause();
        end(f.getRef(), Optional.of(cause));
        return this;
    }

    private Behavior<Command> onTerminated(Terminated t) {
        end(t.getRef(), Optional.empty());
        return this;
    }

    /** A stream's owner stopped: the first failure ends the streams at once; otherwise they end with the last owner. */
    private void end(ActorRef<?> owner, Optional<Throwable> failure) {
        if (!running.remove(owner)) {
            return;
        }
        if (ended == null && (failure.isPresent() || running.isEmpty())) {
            ended = new StreamsEnded(failure);
            watchers.forEach(w -> w.tell(ended));
            watchers.clear();
        }
        if (running.isEmpty()) {
            drains.forEach(d -> d.tell(Done.getInstance()));
            drains.clear();
        }
    }
}
