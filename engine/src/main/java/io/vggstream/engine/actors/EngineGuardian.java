package io.vggstream.engine.actors;

import io.vggstream.engine.EngineMetrics;
import io.vggstream.engine.EngineSettings;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.preprocess.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.PoolRouter;
import org.apache.pekko.actor.typed.javadsl.Routers;

/**
 * Wires the engine: the inference workers (one per opened session), the preprocessor pool and
 * the aggregator, each with supervision chosen on purpose:
 * <ul>
 *   <li>inference workers <em>resume</em>: a failed batch is already answered as a failure, and
 *       a session is too costly to reopen for a bug in one message;</li>
 *   <li>preprocessors <em>restart</em>: they hold no state, and bad frames are replies, not exceptions;</li>
 *   <li>the aggregator <em>resumes</em>: a restart would forget every frame in flight;</li>
 *   <li>the model watcher <em>restarts</em>: a replacement that cannot be served is a reply, not an exception.</li>
 * </ul>
 * Stopping the guardian stops them all; workers close their sessions on {@code PostStop}.
 */
public final class EngineGuardian {

    public static final String PREPROCESS_DISPATCHER = "vggstream.engine.dispatchers.preprocess";
    public static final String INFERENCE_DISPATCHER = "vggstream.engine.dispatchers.inference";

    private EngineGuardian() {
    }

    /** The guardian takes no messages: terminating the system stops it and its children. */
    public interface Command {
    }

    /**
     * @param sessions per model, the sessions of its workers (already open, so that a broken model
     *                 fails start-up with its file's name instead of a restart loop)
     * @param aggregator completed with the aggregator once it runs
     */
    public static Behavior<Command> create(EngineSettings settings, List<io.vggstream.engine.model.Model> models, List<List<Plan>> plans,
                                           List<List<OrtModel>> sessions, int classes, int threads, EngineMetrics metrics,
                                           CompletableFuture<ActorRef<Aggregator.Command>> aggregator) {
        return Behaviors.setup(ctx -> {
            List<List<ActorRef<InferenceWorker.Command>>> workers = new ArrayList<>();
            for (int m = 0; m < sessions.size(); m++) {
                List<ActorRef<InferenceWorker.Command>> pool = new ArrayList<>();
                for (int w = 0; w < sessions.get(m).size(); w++) {
                    OrtModel session = sessions.get(m).get(w);
                    Behavior<InferenceWorker.Command> worker = Behaviors.supervise(InferenceWorker.create(session,
                            settings.maxBatchSize(), settings.maxDelay(), settings.includeFeatures(), metrics, settings.slowBatch()))
                        .onFailure(Exception.class, SupervisorStrategy.resume());
                    pool.add(ctx.spawn(worker, "infer-" + m + "-" + w, DispatcherSelector.fromConfig(INFERENCE_DISPATCHER)));
                }
                workers.add(pool);
            }
            Behavior<Preprocessor.Command> preprocessor = Behaviors.supervise(
                    Preprocessor.create(plans, workers, settings.imageLimits(), metrics))
                .onFailure(Exception.class, SupervisorStrategy.restart());
            PoolRouter<Preprocessor.Command> pool = Routers.pool(settings.effectivePreprocessWorkers(), preprocessor)
                .withRoundRobinRouting()
                // A new plan after a hot swap reaches every preprocessor.
                .withBroadcastPredicate(m -> m instanceof Preprocessor.Replan)
                .withRouteeProps(DispatcherSelector.fromConfig(PREPROCESS_DISPATCHER));
            ActorRef<Preprocessor.Command> preprocessors = ctx.spawn(pool, "preprocess");
            Behavior<Aggregator.Command> agg = Behaviors.supervise(Aggregator.create(models.size(), classes, settings.topK(),
                    settings.frameDeadline(), preprocessors, metrics))
                .onFailure(Exception.class, SupervisorStrategy.resume());
            aggregator.complete(ctx.spawn(agg, "aggregator"));
            if (!settings.modelWatchInterval().isZero()) {
                // Loading fails are replies (Refused), not exceptions; anything else is a bug: restart and keep watching.
                ctx.spawn(Behaviors.supervise(ModelWatcher.create(settings, models, plans, workers, preprocessors, threads, metrics))
                    .onFailure(Exception.class, SupervisorStrategy.restart()), "model-watcher");
            }
            return Behaviors.empty();
        });
    }
}
