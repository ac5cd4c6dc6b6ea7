package io.vggstream.engine.actors;

import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.infer.Batcher;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.imaging.Chw;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One ONNX Runtime session of one model on one device, with adaptive batching. One {@link Infer}
 * carries all the inputs of one frame for this worker (any shapes); each input joins the queue of
 * its shape. A queue runs as soon as the worker is free: when it opens, the worker sends itself a
 * {@code Drained} marker, so the inputs already in the mailbox (those that arrived while the
 * previous batch ran) join it, and a lone frame on an idle worker does not wait. A queue also runs
 * at {@code max-batch-size}. Only a queue opened right after a full batch, when company is likely,
 * waits for it, at most {@code max-delay} from its opening (0: never). One reply per {@link Infer}, once all its inputs ran:
 * a {@link Done} with their posteriors in input order, and a {@link Failed} for those of a failed
 * run; the replies a batch completes go to each asker in one {@link Answers} (a message per batch, not per frame:
 * each message to an idle thread wakes it). Runs on the inference dispatcher (it blocks in native code).
 */
public final class InferenceWorker extends AbstractBehavior<InferenceWorker.Command> {

    /** What the worker accepts. */
    public sealed interface Command {
    }

    /**
     * One input tensor {@code [3, h, w]}, written into the batch's direct buffer when its batch runs; {@code crop}:
     * whether it is a grid crop (echoed in the reply).
     */
    public record Input(boolean crop, int h, int w, Chw chw) {

        /** Floats already made. */
        public Input(boolean crop, int h, int w, float[] chw) {
            this(crop, h, w, Chw.of(chw));
        }
    }

    /**
     * The inputs of one frame for one model, answered with one reply.
     *
     * @param frameId the frame they belong to
     * @param model the model's index in the ensemble (echoed in the reply)
     * @param inputs the tensors, in the order their posteriors come back
     * @param frameInputs the frame's inputs over every worker and model, echoed in the replies: how many the aggregator
     *     waits for (the frame's first reply tells it, so no message of its own is needed)
     * @param sentNanos when it was handed to the worker ({@code System.nanoTime()}): its queue time runs from here to its batch's run
     */
    public record Infer(long frameId, int model, List<Input> inputs, int frameInputs, ActorRef<Answers> replyTo, long sentNanos)
        implements Command {

        public Infer {
            inputs = List.copyOf(inputs);
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("an Infer needs at least one input");
            }
            if (frameInputs < inputs.size()) {
                throw new IllegalArgumentException("a frame of " + frameInputs + " inputs cannot send " + inputs.size() + " in one Infer");
            }
        }

        /** Some of the frame's {@code frameInputs} inputs, sent now. */
        public Infer(long frameId, int model, List<Input> inputs, int frameInputs, ActorRef<Answers> replyTo) {
            this(frameId, model, inputs, frameInputs, replyTo, System.nanoTime());
        }

        /** All of the frame's inputs, sent now. */
        public Infer(long frameId, int model, List<Input> inputs, ActorRef<Answers> replyTo) {
            this(frameId, model, inputs, inputs.size(), replyTo, System.nanoTime());
        }

        /** One input, sent now. */
        public Infer(long frameId, int model, boolean crop, int h, int w, float[] chw, ActorRef<Answers> replyTo) {
            this(frameId, model, crop, h, w, Chw.of(chw), replyTo);
        }

        /** One input written into the batch when it runs, sent now. */
        public Infer(long frameId, int model, boolean crop, int h, int w, Chw chw, ActorRef<Answers> replyTo) {
            this(frameId, model, List.of(new Input(crop, h, w, chw)), 1, replyTo, System.nanoTime());
        }
    }

    /** The max-delay timer of a queue that waits for company. */
    private record Flush(Shape shape) implements Command {
    }

    /** Sent to itself when the queue of {@code shape} opened as number {@code opening}: everything queued before it is in. */
    private record Drained(Shape shape, long opening) implements Command {
    }

    /**
     * Serve with this session from now on (a hot-swapped model, already loaded and warmed); the
     * old one is closed. Between batches, since the worker handles one message at a time: no input
     * is lost or answered twice.
     */
    public record Swap(OrtModel session) implements Command {
    }

    private record Shape(int h, int w) {
    }

    /** The replies to the {@link Infer}s of one asker that one batch (or the worker's stop) completed, in completion order. */
    public record Answers(List<Reply> replies) {
        public Answers {
            replies = List.copyOf(replies);
        }
    }

    /** The answers to one {@link Infer}; every reply counts the inputs it answers. */
    public sealed interface Reply {
        long frameId();

        /** How many of the frame's inputs this reply answers. */
        int inputs();

        /** How many inputs the frame has in all ({@link Infer#frameInputs()}). */
        int frameInputs();
    }

    /**
     * The softmax posteriors of inputs of one {@link Infer}, in input order, and, when asked for, their feature vectors.
     *
     * @param crops per posterior, whether its input was a grid crop
     * @param features null when not asked for; else one row per posterior (a row may be null)
     */
    public record Done(long frameId, int model, int frameInputs, boolean[] crops, float[][] posteriors, float[][] features)
        implements Reply {

        /** One input's answer, of a frame of {@code frameInputs} inputs. */
        public Done(long frameId, int model, int frameInputs, boolean crop, float[] posterior, float[] feature) {
            this(frameId, model, frameInputs, new boolean[] {crop}, new float[][] {posterior}, feature == null ? null : new float[][] {feature});
        }

        @Override
        public int inputs() {
            return posteriors.length;
        }
    }

    /** The batch (or batches) holding {@code inputs} inputs of the frame failed. */
    public record Failed(long frameId, int model, int frameInputs, String reason, int inputs) implements Reply {

        /** For one input, of a frame of {@code frameInputs} inputs. */
        public Failed(long frameId, int model, int frameInputs, String reason) {
            this(frameId, model, frameInputs, reason, 1);
        }
    }

    /** A worker owning {@code session}: it closes it when it stops. Never warns of slow batches. */
    public static Behavior<Command> create(OrtModel session, int maxBatchSize, Duration maxDelay,
                                           boolean withFeatures, EngineMetrics metrics) {
        return create(session, maxBatchSize, maxDelay, withFeatures, metrics, ChronoUnit.FOREVER.getDuration());
    }

    /** A worker made from the {@code inference} block (batch size, delay, slow-batch warning) of its engine's settings. */
    public static Behavior<Command> create(OrtModel session, InferenceSettings inference, boolean withFeatures, EngineMetrics metrics) {
        return create(session, inference.maxBatchSize(), inference.maxDelay(), withFeatures, metrics, inference.slowBatch());
    }

    /**
     * A worker owning {@code session}: it closes it when it stops.
     *
     * @param slowBatch a batch whose run takes longer is logged as a warning (inference.slow-batch; 0: every batch)
     */
    public static Behavior<Command> create(OrtModel session, int maxBatchSize, Duration maxDelay,
                                           boolean withFeatures, EngineMetrics metrics, Duration slowBatch) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new InferenceWorker(ctx, timers, session, maxBatchSize, maxDelay, withFeatures, metrics, slowBatch)));
    }

    /** One {@link Infer} being answered: its posteriors fill in as its inputs' batches run. */
    private static final class Job {
        final Infer infer;
        final float[][] posteriors;
        final float[][] features;
        final boolean[] failed;
        int left;
        String reason;

        Job(Infer infer) {
            this.infer = infer;
            int n = infer.inputs().size();
            this.posteriors = new float[n][];
            this.features = new float[n][];
            this.failed = new boolean[n];
            this.left = n;
        }
    }

    /** Input {@code index} of {@code job}: what the batcher queues. */
    private record Item(Job job, int index) {
        Input input() {
            return job.infer.inputs().get(index);
        }
    }

    private final TimerScheduler<Command> timers;
    private OrtModel session;
    private final Batcher<Shape, Item> batcher;
    private final Duration maxDelay;
    private final boolean withFeatures;
    private final EngineMetrics metrics;
    private final long slowBatchNanos;
    /** Per shape, the number of its open queue's opening (a Drained for an older one is stale). */
    private final Map<Shape, Long> openings = new HashMap<>();
    private long nextOpening;
    /** Whether the last batch that ran was full: the worker is busy, and a partial queue may wait max-delay for company. */
    private boolean lastFull;

    private InferenceWorker(ActorContext<Command> ctx, TimerScheduler<Command> timers, OrtModel session, int maxBatchSize,
                            Duration maxDelay, boolean withFeatures, EngineMetrics metrics, Duration slowBatch) {
        super(ctx);
        this.slowBatchNanos = saturatedNanos(slowBatch);
        this.timers = timers;
        this.session = session;
        this.batcher = new Batcher<>(maxBatchSize);
        this.maxDelay = maxDelay;
        this.withFeatures = withFeatures;
        this.metrics = metrics;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Infer.class, this::onInfer)
            .onMessage(Drained.class, this::onDrained)
            .onMessage(Flush.class, this::onFlush)
            .onMessage(Swap.class, this::onSwap)
            .onSignal(PostStop.class, s -> stopped())
            .build();
    }

    private Behavior<Command> onInfer(Infer infer) {
        Job job = new Job(infer);
        for (int k = 0; k < infer.inputs().size(); k++) {
            Input in = infer.inputs().get(k);
            Shape shape = new Shape(in.h(), in.w());
            Batcher.Added<Item> added = batcher.add(shape, new Item(job, k));
            if (added instanceof Batcher.Added.Full<Item> full) {
                timers.cancel(shape);
                openings.remove(shape);
                run(full.batch());
            } else if (added instanceof Batcher.Added.Opened<Item>) {
                if (lastFull && !maxDelay.isZero()) {
                    // Busy: batches have been filling; wait a little for company rather than run a small one. Timed
                    // from the opening, not from the mailbox's end: a full mailbox must not lengthen the wait.
                    timers.startSingleTimer(shape, new Flush(shape), maxDelay);
                } else {
                    long opening = nextOpening++;
                    openings.put(shape, opening);
                    // Behind whatever is already in the mailbox: those inputs join this queue before it runs.
                    getContext().getSelf().tell(new Drained(shape, opening));
                }
            }
        }
        return this;
    }

    private Behavior<Command> onDrained(Drained d) {
        Long open = openings.get(d.shape());
        if (open == null || open != d.opening()) {
            return this; // that queue already ran (full)
        }
        openings.remove(d.shape());
        batcher.flush(d.shape()).ifPresent(this::run);
        return this;
    }

    private Behavior<Command> onSwap(Swap swap) {
        OrtModel old = session;
        session = swap.session();
        old.close();
        getContext().getLog().info("{}: now serving the replaced model on {}", session.model().name(), session.provider());
        return this;
    }

    private Behavior<Command> onFlush(Flush flush) {
        batcher.flush(flush.shape()).ifPresent(this::run);
        return this;
    }

    private void run(List<Item> batch) {
        Map<ActorRef<Answers>, List<Reply>> out = new LinkedHashMap<>();
        runBatch(batch, out);
        send(out);
    }

    private static void send(Map<ActorRef<Answers>, List<Reply>> out) {
        out.forEach((to, replies) -> to.tell(new Answers(replies)));
    }

    private void runBatch(List<Item> batch, Map<ActorRef<Answers>, List<Reply>> replies) {
        lastFull = batch.size() >= batcher.maxBatchSize();
        Input first = batch.get(0).input();
        List<Chw> inputs = new ArrayList<>(batch.size());
        for (Item i : batch) {
            inputs.add(i.input().chw());
        }
        try {
            long t0 = System.nanoTime();
            for (Item i : batch) {
                metrics.latency(EngineMetrics.Stage.QUEUE, t0 - i.job().infer.sentNanos());
            }
            OrtModel.Outputs out = session.runTensors(inputs, first.h(), first.w(), withFeatures || session.fusesFeatures());
            long took = System.nanoTime() - t0;
            metrics.latency(EngineMetrics.Stage.INFERENCE_BATCH, took);
            metrics.batch(batch.size());
            if (took > slowBatchNanos) {
                slowBatch(batch.size(), first, took);
            }
            for (int k = 0; k < batch.size(); k++) {
                Item i = batch.get(k);
                i.job().posteriors[i.index()] = out.posteriors()[k];
                i.job().features[i.index()] = out.features() == null ? null : out.features()[k];
                answered(i.job(), replies);
            }
        } catch (Exception e) {
            metrics.failedBatch();
            String reason = "inference failed on " + session.model().name() + " (batch of " + batch.size() + " at "
                + first.h() + "x" + first.w() + "): " + e.getMessage();
            getContext().getLog().warn(reason);
            for (Item i : batch) {
                i.job().failed[i.index()] = true;
                i.job().reason = reason;
                answered(i.job(), replies);
            }
        }
    }

    /** One more input of {@code job} ran; when it was the last, the job's replies join {@code out}. */
    private void answered(Job job, Map<ActorRef<Answers>, List<Reply>> out) {
        if (--job.left > 0) {
            return;
        }
        Infer infer = job.infer;
        int n = infer.inputs().size();
        int bad = 0;
        for (boolean f : job.failed) {
            bad += f ? 1 : 0;
        }
        if (bad < n) {
            boolean[] crops = new boolean[n - bad];
            float[][] posteriors = new float[n - bad][];
            float[][] features = withFeatures || session.fusesFeatures() ? new float[n - bad][] : null;
            for (int k = 0, j = 0; k < n; k++) {
                if (!job.failed[k]) {
                    crops[j] = infer.inputs().get(k).crop();
                    posteriors[j] = job.posteriors[k];
                    if (features != null) {
                        features[j] = job.features[k];
                    }
                    j++;
                }
            }
            out.computeIfAbsent(infer.replyTo(), k -> new ArrayList<>()).add(new Done(infer.frameId(), infer.model(), infer.frameInputs(), crops, posteriors,
                features));
        }
        if (bad > 0) {
            out.computeIfAbsent(infer.replyTo(), k -> new ArrayList<>()).add(new Failed(infer.frameId(), infer.model(), infer.frameInputs(), job.reason,
                bad));
        }
    }

    /** One WARN line per slow batch: the model, provider, size, input shape and time, as text and as key-values. */
    private void slowBatch(int size, Input first, long nanos) {
        String shape = "[" + size + ",3," + first.h() + "," + first.w() + "]";
        long ms = nanos / 1_000_000;
        getContext().getLog().atWarn()
            .addKeyValue("event", "slow-batch")
            .addKeyValue("model", session.model().name())
            .addKeyValue("provider", session.provider())
            .addKeyValue("batch_size", size)
            .addKeyValue("shape", shape)
            .addKeyValue("ms", ms)
            .addKeyValue("threshold_ms", slowBatchNanos / 1_000_000)
            .log("slow batch: {} ran {} inputs of shape {} on {} in {} ms (over inference.slow-batch, {} ms)",
                session.model().name(), size, shape, session.provider(), ms, slowBatchNanos / 1_000_000);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private Behavior<Command> stopped() {
        // Whatever still waits gets its one answer before the session goes.
        String reason = "the inference worker of " + session.model().name() + " stopped";
        Map<ActorRef<Answers>, List<Reply>> out = new LinkedHashMap<>();
        for (List<Item> left : batcher.drain()) {
            for (Item i : left) {
                i.job().failed[i.index()] = true;
                i.job().reason = reason;
                answered(i.job(), out);
            }
        }
        send(out);
        session.close();
        return this;
    }
}
