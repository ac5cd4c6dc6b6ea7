package io.vggstream.engine.actors;

import io.vggstream.engine.api.Classification;
import io.vggstream.engine.api.Degradation;
import io.vggstream.engine.api.Served;
import io.vggstream.engine.protocol.LoadGovernor;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.fusion.FeatureHead;
import io.vggstream.engine.fusion.Fusion;
import io.vggstream.topics.deadletter.ErrorKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Follows each frame from its bytes to its fused posterior: hands it to the preprocessors,
 * collects the posterior of every variant of every model, fuses them (the paper's averaging)
 * when all have arrived or at the frame's deadline (then marked partial), and answers the asker
 * exactly once with the top-k or the reason the frame failed.
 *
 * <p>It owns the load governor: the streams' frames ({@link ClassifyGoverned}) are classified at
 * the governor's level, and each one's latency, from the ask to the answer, is what the governor
 * steers by. Only this actor reads or changes it.
 */
public final class Aggregator extends AbstractBehavior<Aggregator.Command> {

    /** What the aggregator accepts. */
    public sealed interface Command {
    }

    /**
     * Classify one encoded image with the protocol of {@code level} (0: the configured one; higher:
     * cheaper rungs of the degradation ladder); the answer is one {@link Classification}.
     */
    public record Classify(byte[] image, int level, ActorRef<Classification> replyTo) implements Command {
    }

    /**
     * Classify one encoded image at the level the load governor picks, and feed the governor this
     * frame's latency from {@code askedNanos} (the asker's {@link System#nanoTime()}) to the answer.
     */
    public record ClassifyGoverned(byte[] image, long askedNanos, ActorRef<Classification> replyTo) implements Command {
    }

    /**
     * {@link ClassifyGoverned} for several frames at once, answered together: one message each way for what a stream had
     * consumed, instead of one per frame (a Kafka stream under load). Each frame is followed, fused and timed on its own; the
     * answer, in the order of {@code images}, goes once the last of them is answered. They share one deadline timer.
     */
    public record ClassifyGovernedAll(List<byte[]> images, long askedNanos, ActorRef<List<Classification>> replyTo)
        implements Command {
        public ClassifyGovernedAll {
            images = List.copyOf(images);
        }
    }

    /** The governor's level and smoothed latency, for the status line. */
    public record GetDegradation(ActorRef<Degradation> replyTo) implements Command {
    }

    /**
     * From the model watcher: a hot swap changed what is served; answers from now on describe it, and frames from now on
     * are fused with the new models' heads.
     *
     * @param heads per model, the head its averaged features go through, or empty when its posteriors are averaged
     */
    public record Serve(Served served, List<Optional<FeatureHead>> heads) implements Command {
        public Serve {
            heads = List.copyOf(heads);
        }
    }

    /** From a preprocessor: the frame cannot be used. */
    public record Rejected(long frameId, ErrorKind kind, String reason) implements Command {
    }

    private record FromWorker(InferenceWorker.Answers answers) implements Command {
    }

    private record Deadline(long frameId) implements Command {
    }

    /** The deadline of the frames of one {@link ClassifyGovernedAll}. */
    private record GroupDeadline(Group group) implements Command {
    }

    /** The frames of one {@link ClassifyGovernedAll}: their answers so far; also its deadline timer's key. */
    private static final class Group {
        final ActorRef<List<Classification>> replyTo;
        final long firstId;
        final Classification[] answers;
        int left;

        Group(ActorRef<List<Classification>> replyTo, long firstId, int size) {
            this.replyTo = replyTo;
            this.firstId = firstId;
            this.answers = new Classification[size];
            this.left = size;
        }
    }

    /**
     * The aggregator alone (tests): {@code models} models named {@code model-0...}, {@code classes} classes named by index,
     * one protocol level.
     *
     * @param preprocessors the preprocessor pool
     */
    public static Behavior<Command> create(int models, int classes, int topK, Duration deadline,
                                           ActorRef<Preprocessor.Command> preprocessors) {
        Served served = new Served(java.util.stream.IntStream.range(0, models).mapToObj(i -> "model-" + i).toList(),
            java.util.stream.IntStream.range(0, classes).mapToObj(String::valueOf).toList(),
            List.of(new Served.Level(io.vggstream.engine.protocol.Protocol.parse("single"), List.of())));
        return create(served, noHeads(models), true, topK, deadline, new EngineSettings.Degrade(false, deadline, List.of(), Duration.ZERO),
            preprocessors, new EngineMetrics(1));
    }

    /** Every model's posteriors averaged: no model fuses features. */
    public static List<Optional<FeatureHead>> noHeads(int models) {
        return java.util.Collections.nCopies(models, Optional.empty());
    }

    /**
     * @param served the models (how many; their classes, the same for every model) as answers describe them, until a {@link Serve}
     * @param heads per model, the head its averaged features go through ({@link FeatureHead}), or empty to average its posteriors
     * @param includeFeatures whether answers carry the first model's mean feature (vggstream.engine.include-features); a
     *     feature head's features are fetched either way, and carried only then
     * @param degrade the governor's latency budget and cooldown (its ladder is {@code served}'s levels)
     * @param preprocessors the preprocessor pool
     * @param metrics where the fusion's time per frame goes
     */
    public static Behavior<Command> create(Served served, List<Optional<FeatureHead>> heads, boolean includeFeatures, int topK,
                                           Duration deadline, EngineSettings.Degrade degrade, ActorRef<Preprocessor.Command> preprocessors,
                                           EngineMetrics metrics) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new Aggregator(ctx, timers, served, heads, includeFeatures, topK, deadline, degrade, preprocessors, metrics)));
    }

    private static final class Pending {
        final ActorRef<Classification> replyTo;
        final int level;
        /** Whether the governor sees this frame's latency, counted from the asker's clock at {@code askedNanos}. */
        final boolean governed;
        final long askedNanos;
        /** The frames this one was asked with, or null when it was asked alone. */
        Group group;
        final List<Fusion.ModelSum> sums = new ArrayList<>();
        int expected = -1;
        int arrived;
        int failed;
        String lastFailure;
        double[] featureSum;
        int featureCount;

        Pending(ActorRef<Classification> replyTo, int level, boolean governed, long askedNanos, List<Optional<FeatureHead>> heads,
                int classes) {
            this.replyTo = replyTo;
            this.level = level;
            this.governed = governed;
            this.askedNanos = askedNanos;
            for (Optional<FeatureHead> head : heads) {
                sums.add(new Fusion.ModelSum(classes, head.orElse(null)));
            }
        }
    }

    private final TimerScheduler<Command> timers;
    private final int models;
    private final int classes;
    private final int topK;
    private final Duration deadline;
    private final ActorRef<Preprocessor.Command> preprocessors;
    private final ActorRef<InferenceWorker.Answers> replies;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final EngineMetrics metrics;
    private final LoadGovernor governor;
    private long nextId;
    private Served served;
    private List<Optional<FeatureHead>> heads;
    private final boolean includeFeatures;

    private Aggregator(ActorContext<Command> ctx, TimerScheduler<Command> timers, Served served, List<Optional<FeatureHead>> heads,
                       boolean includeFeatures, int topK, Duration deadline, EngineSettings.Degrade degrade, ActorRef<Preprocessor.Command> preprocessors,
                       EngineMetrics metrics) {
        super(ctx);
        this.governor = new LoadGovernor(served.levels().size(), degrade.latencyBudget(), degrade.cooldown(), System.nanoTime());
        this.metrics = metrics;
        this.timers = timers;
        this.served = served;
        this.heads = List.copyOf(heads);
        this.includeFeatures = includeFeatures;
        this.models = served.models().size();
        if (this.heads.size() != models) {
            throw new IllegalArgumentException(this.heads.size() + " heads for " + models + " models");
        }
        this.classes = served.classes().size();
        this.topK = topK;
        this.deadline = deadline;
        this.preprocessors = preprocessors;
        this.replies = ctx.messageAdapter(InferenceWorker.Answers.class, FromWorker::new);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Classify.class, c -> classify(c.image(), c.level(), false, 0, c.replyTo()))
            .onMessage(ClassifyGoverned.class, c -> classify(c.image(), governor.level(), true, c.askedNanos(), c.replyTo()))
            .onMessage(ClassifyGovernedAll.class, this::classifyAll)
            .onMessage(GetDegradation.class, g -> {
                g.replyTo().tell(new Degradation(governor.level(), governor.smoothedLatencyMs(), governor.steps()));
                return this;
            })
            .onMessage(Rejected.class, this::onRejected)
            .onMessage(FromWorker.class, w -> {
                w.answers().replies().forEach(this::onReply);
                return this;
            })
            .onMessage(Deadline.class, this::onDeadline)
            .onMessage(GroupDeadline.class, this::onGroupDeadline)
            .onMessage(Serve.class, s -> {
                served = s.served();
                heads = s.heads();
                return this;
            })
            .build();
    }

    private Behavior<Command> classify(byte[] image, int level, boolean governed, long askedNanos, ActorRef<Classification> replyTo) {
        long id = nextId++;
        pending.put(id, new Pending(replyTo, level, governed, askedNanos, heads, classes));
        timers.startSingleTimer(id, new Deadline(id), deadline);
        preprocessors.tell(new Preprocessor.Preprocess(id, image, level, getContext().getSelf(), replies));
        return this;
    }

    private Behavior<Command> classifyAll(ClassifyGovernedAll c) {
        if (c.images().isEmpty()) {
            c.replyTo().tell(List.of());
            return this;
        }
        // One level for the whole group: the governor moves on the latencies of answered frames, not within one message.
        int level = governor.level();
        Group group = new Group(c.replyTo(), nextId, c.images().size());
        timers.startSingleTimer(group, new GroupDeadline(group), deadline);
        for (byte[] image : c.images()) {
            long id = nextId++;
            Pending f = new Pending(null, level, true, c.askedNanos(), heads, classes);
            f.group = group;
            pending.put(id, f);
            preprocessors.tell(new Preprocessor.Preprocess(id, image, level, getContext().getSelf(), replies));
        }
        return this;
    }

    private Behavior<Command> onGroupDeadline(GroupDeadline d) {
        Group g = d.group();
        for (int i = 0; i < g.answers.length; i++) {
            Pending f = pending.get(g.firstId + i);
            if (f != null) {
                complete(g.firstId + i, f, true);
            }
        }
        return this;
    }

    /** Answers the frame (alone, or in its group once the group's last is answered), and lets the governor see its latency. */
    private void answer(long id, Pending f, Classification answer) {
        Group g = f.group;
        if (g == null) {
            f.replyTo.tell(answer);
        } else {
            g.answers[(int) (id - g.firstId)] = answer;
            if (--g.left == 0) {
                timers.cancel(g);
                g.replyTo.tell(java.util.Arrays.asList(g.answers));
            }
        }
        if (f.governed) {
            long now = System.nanoTime();
            governor.observe((now - f.askedNanos) / 1e6, now);
        }
    }

    /** A frame asked alone has a deadline timer of its own; a group's is cancelled when the group is answered. */
    private void cancelDeadline(long id, Pending f) {
        if (f.group == null) {
            timers.cancel(id);
        }
    }

    private Behavior<Command> onRejected(Rejected r) {
        Pending f = pending.remove(r.frameId());
        if (f != null) {
            cancelDeadline(r.frameId(), f);
            answer(r.frameId(), f, new Classification.Rejected(r.kind(), r.reason()));
        }
        return this;
    }

    private void onReply(InferenceWorker.Reply reply) {
        Pending f = pending.get(reply.frameId());
        if (f == null) {
            // Late answer for a frame already completed at its deadline.
            return;
        }
        // How many to wait for comes with the replies (no message of its own: one fewer thread woken per frame).
        f.expected = reply.frameInputs();
        if (reply instanceof InferenceWorker.Done d) {
            Fusion.ModelSum sum = f.sums.get(d.model());
            for (int k = 0; k < d.posteriors().length; k++) {
                float[] feature = d.features() == null ? null : d.features()[k];
                try {
                    sum.add(d.crops()[k], d.posteriors()[k], feature);
                } catch (IllegalArgumentException e) {
                    // A variant this model cannot fuse (a feature-fusing model whose run gave no feature, as when a hot swap
                    // replaced the graph under the frame): counted as failed, the frame answered from the rest, marked partial.
                    f.failed++;
                    f.lastFailure = served.models().get(d.model()) + ": " + e.getMessage();
                    continue;
                }
                if (includeFeatures && feature != null && d.model() == 0 && !d.crops()[k]) {
                    if (f.featureSum == null) {
                        f.featureSum = new double[feature.length];
                    }
                    for (int i = 0; i < feature.length; i++) {
                        f.featureSum[i] += feature[i];
                    }
                    f.featureCount++;
                }
            }
        } else if (reply instanceof InferenceWorker.Failed x) {
            f.failed += x.inputs();
            f.lastFailure = x.reason();
        }
        f.arrived += reply.inputs();
        completeIfDone(reply.frameId(), f);
    }

    private void completeIfDone(long id, Pending f) {
        if (f.expected >= 0 && f.arrived >= f.expected) {
            complete(id, f, f.failed > 0);
        }
    }

    private Behavior<Command> onDeadline(Deadline d) {
        Pending f = pending.get(d.frameId());
        if (f != null) {
            complete(d.frameId(), f, true);
        }
        return this;
    }

    private void complete(long id, Pending f, boolean partial) {
        pending.remove(id);
        cancelDeadline(id, f);
        if (f.sums.stream().allMatch(Fusion.ModelSum::isEmpty)) {
            String why = f.lastFailure != null ? f.lastFailure
                : "no variant was preprocessed and inferred within " + deadline + " (vggstream.engine.frame-deadline)";
            answer(id, f, new Classification.Failed(ErrorKind.INFERENCE, why));
            return;
        }
        long t0 = System.nanoTime();
        double[] posterior = Fusion.ensemble(f.sums);
        float[] feature = null;
        if (f.featureSum != null) {
            feature = new float[f.featureSum.length];
            for (int i = 0; i < feature.length; i++) {
                feature[i] = (float) (f.featureSum[i] / f.featureCount);
            }
        }
        int used = f.sums.stream().mapToInt(Fusion.ModelSum::count).sum();
        List<Fusion.Ranked> top = Fusion.top(posterior, topK);
        metrics.latency(EngineMetrics.Stage.FUSION, System.nanoTime() - t0);
        answer(id, f, new Classification.Ok(posterior, top, partial, used, Math.max(f.expected, used), feature, f.level, served));
    }
}
