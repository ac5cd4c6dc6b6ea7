package io.vggstream.engine.actors;

import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.preprocess.ImageLimits;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.preprocess.Preprocessing;
import io.vggstream.engine.preprocess.Variant;
import io.vggstream.topics.deadletter.ErrorKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Decodes a frame and fans out its test-time variants to the inference workers of each model (each
 * {@code Infer} says how many the frame has, which the replies carry to the aggregator), or tells the
 * aggregator why the frame cannot be used. One of a pool, on the preprocess dispatcher (decoding
 * and resizing are native, CPU-bound work).
 */
public final class Preprocessor extends AbstractBehavior<Preprocessor.Command> {

    /** What the preprocessor accepts. */
    public sealed interface Command {
    }

    /**
     * Make the variants of one frame.
     *
     * @param aggregator told {@link Aggregator.Rejected} when the frame cannot be used (the replies say how many variants it has)
     * @param replies where the inference workers answer
     */
    public record Preprocess(long frameId, byte[] image, int level, ActorRef<Aggregator.Command> aggregator,
                             ActorRef<InferenceWorker.Answers> replies) implements Command {
    }

    /** A model was hot-swapped with a card that changes its mean or scales: plan its variants anew, at protocol level {@code level}. */
    public record Replan(int level, Plan plan) implements Command {
    }

    /** The variants of one frame that one worker drew (a worker serves one model). */
    private record Drawn(int model, List<InferenceWorker.Input> inputs) {
    }

    /**
     * @param plans per protocol level, one per model of the ensemble
     * @param workers per model, its inference workers (chosen round-robin)
     * @param reducedDecode decode large JPEGs at reduced size (vggstream.engine.preprocess.reduced-decode)
     */
    public static Behavior<Command> create(List<List<Plan>> plans, List<List<ActorRef<InferenceWorker.Command>>> workers, ImageLimits limits,
                                           boolean reducedDecode, EngineMetrics metrics) {
        return Behaviors.setup(ctx -> new Preprocessor(ctx, plans, workers, limits, reducedDecode, metrics));
    }

    private final List<List<Plan>> plans;
    private final List<List<ActorRef<InferenceWorker.Command>>> workers;
    private final ImageLimits limits;
    private final boolean reducedDecode;
    private final int[] next;
    private final EngineMetrics metrics;

    private Preprocessor(ActorContext<Command> ctx, List<List<Plan>> plans, List<List<ActorRef<InferenceWorker.Command>>> workers, ImageLimits limits,
                         boolean reducedDecode, EngineMetrics metrics) {
        super(ctx);
        this.reducedDecode = reducedDecode;
        this.metrics = metrics;
        this.limits = limits;
        this.plans = new java.util.ArrayList<>();
        plans.forEach(level -> this.plans.add(new java.util.ArrayList<>(level)));
        this.workers = List.copyOf(workers);
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
        Preprocessing.Result result;
        try {
            result = Preprocessing.variants(p.image(), plans.get(p.level()), limits, reducedDecode);
        } catch (RuntimeException | OutOfMemoryError e) {
            // A failure the checks did not foresee belongs to this frame alone: answer it now as a dead letter. Thrown
            // on, it would restart this actor and leave the frame to frame-deadline, then go out as "inference". An
            // OutOfMemoryError here is one allocation refused for this frame (the limits bound what a frame takes).
            p.aggregator().tell(new Aggregator.Rejected(p.frameId(), ErrorKind.PREPROCESS,
                "preprocessing failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
            return this;
        }
        if (result instanceof Preprocessing.Result.Bad bad) {
            p.aggregator().tell(new Aggregator.Rejected(p.frameId(), bad.kind(), bad.reason()));
            return this;
        }
        Preprocessing.Result.Ok ok = (Preprocessing.Result.Ok) result;
        metrics.latency(EngineMetrics.Stage.DECODE, ok.decodeNanos());
        metrics.latency(EngineMetrics.Stage.PREPROCESS, System.nanoTime() - t0 - ok.decodeNanos());
        if (ok.variants().isEmpty()) {
            // Nothing would reach the aggregator before frame-deadline.
            p.aggregator().tell(new Aggregator.Rejected(p.frameId(), ErrorKind.PREPROCESS, "the protocol made no variant of the frame"));
            return this;
        }
        // The variants go round-robin over each model's workers, one at a time, and each worker gets the ones it drew
        // in one Infer (one reply back). All of a frame's variants to one worker measured slower at saturation in 4 of 4
        // pairs (D: -22%, docs/results/issue13-engine-cost.md): the spread is kept, only the messages are fewer.
        Map<ActorRef<InferenceWorker.Command>, Drawn> drawn = new LinkedHashMap<>();
        for (Variant v : ok.variants()) {
            List<ActorRef<InferenceWorker.Command>> pool = workers.get(v.model());
            ActorRef<InferenceWorker.Command> w = pool.get(Math.floorMod(next[v.model()]++, pool.size()));
            drawn.computeIfAbsent(w, k -> new Drawn(v.model(), new ArrayList<>()))
                .inputs().add(new InferenceWorker.Input(v.crop(), v.h(), v.w(), v.tensor()));
        }
        int frameInputs = ok.variants().size();
        drawn.forEach((w, d) -> w.tell(new InferenceWorker.Infer(p.frameId(), d.model(), d.inputs(), frameInputs, p.replies())));
        return this;
    }
}
