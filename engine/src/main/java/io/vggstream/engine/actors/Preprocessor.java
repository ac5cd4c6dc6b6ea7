package io.vggstream.engine.actors;

import io.vggstream.engine.EngineMetrics;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.preprocess.Preprocessing;
import io.vggstream.engine.preprocess.Variant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Decodes a frame and fans out its test-time variants to the inference workers of each model;
 * tells the aggregator how many to expect, or why the frame cannot be used. One of a pool, on
 * the preprocess dispatcher (decoding and resizing are native, CPU-bound work).
 */
public final class Preprocessor extends AbstractBehavior<Preprocessor.Command> {

    /** What the preprocessor accepts. */
    public sealed interface Command {
    }

    /**
     * Make the variants of one frame.
     *
     * @param aggregator told {@link Aggregator.Planned} or {@link Aggregator.Rejected}
     * @param replies where the inference workers answer
     */
    public record Preprocess(long frameId, byte[] image, int level, ActorRef<Aggregator.Command> aggregator,
                             ActorRef<InferenceWorker.Reply> replies) implements Command {
    }

    /** A model was hot-swapped with a card that changes its mean or scales: plan its variants anew, at protocol level {@code level}. */
    public record Replan(int level, Plan plan) implements Command {
    }

    /**
     * @param plans per protocol level, one per model of the ensemble
     * @param workers per model, its inference workers (chosen round-robin)
     */
    public static Behavior<Command> create(List<List<Plan>> plans, List<List<ActorRef<InferenceWorker.Command>>> workers, long maxPixels,
                                           int minSide, EngineMetrics metrics) {
        return Behaviors.setup(ctx -> new Preprocessor(ctx, plans, workers, maxPixels, minSide, metrics));
    }

    private final List<List<Plan>> plans;
    private final List<List<ActorRef<InferenceWorker.Command>>> workers;
    private final long maxPixels;
    private final int minSide;
    private final int[] next;
    private final EngineMetrics metrics;

    private Preprocessor(ActorContext<Command> ctx, List<List<Plan>> plans, List<List<ActorRef<InferenceWorker.Command>>> workers, long maxPixels,
                         int minSide, EngineMetrics metrics) {
        super(ctx);
        this.metrics = metrics;
        this.minSide = minSide;
        this.plans = new java.util.ArrayList<>();
        plans.forEach(level -> this.plans.add(new java.util.ArrayList<>(level)));
        this.workers = List.copyOf(workers);
        this.maxPixels = maxPixels;
        this.next = new int[workers.size()];
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Preprocess.class, this::onPreprocess)
            .onMessage(Replan.class, r -> {
                plans.get(r.level()).set(r.plan().model(), r.plan());
                return this;
            })
            .build();
    }

    private Behavior<Command> onPreprocess(Preprocess p) {
        long t0 = System.nanoTime();
        Preprocessing.Result result = Preprocessing.variants(p.image(), plans.get(p.level()), maxPixels, minSide);
        if (result instanceof Preprocessing.Result.Bad bad) {
            p.aggregator().tell(new Aggregator.Rejected(p.frameId(), bad.kind(), bad.reason()));
            return this;
        }
        Preprocessing.Result.Ok ok = (Preprocessing.Result.Ok) result;
        metrics.latency(EngineMetrics.Stage.DECODE, ok.decodeNanos());
        metrics.latency(EngineMetrics.Stage.PREPROCESS, System.nanoTime() - t0 - ok.decodeNanos());
        p.aggregator().tell(new Aggregator.Planned(p.frameId(), ok.variants().size(), ok.width(), ok.height()));
        for (Variant v : ok.variants()) {
            List<ActorRef<InferenceWorker.Command>> pool = workers.get(v.model());
            ActorRef<InferenceWorker.Command> w = pool.get(Math.floorMod(next[v.model()]++, pool.size()));
            w.tell(new InferenceWorker.Infer(p.frameId(), v.model(), v.crop(), v.h(), v.w(), v.chw(), p.replies()));
        }
        return this;
    }
}
