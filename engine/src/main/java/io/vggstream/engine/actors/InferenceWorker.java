package io.vggstream.engine.actors;

import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.infer.Batcher;
import io.vggstream.engine.infer.OrtModel;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One ONNX Runtime session of one model on one device, with dynamic batching: inputs of the same
 * shape wait together until {@code max-batch-size} of them are there or the first has waited
 * {@code max-delay}; then one session run answers each of them once. A failed run answers every
 * input of the batch with the failure. Runs on the inference dispatcher (it blocks in native code).
 */
public final class InferenceWorker extends AbstractBehavior<InferenceWorker.Command> {

    /** What the worker accepts. */
    public sealed interface Command {
    }

    /**
     * One input tensor {@code [3, h, w]} to classify.
     *
     * @param frameId the frame it belongs to
     * @param model the model's index in the ensemble (echoed in the reply)
     * @param crop whether it is a grid crop (echoed)
     * @param sentNanos when it was handed to the worker ({@code System.nanoTime()}): its queue time runs from here to its batch's run
     */
    public record Infer(long frameId, int model, boolean crop, int h, int w, float[] chw, ActorRef<Reply> replyTo, long sentNanos)
        implements Command {

        /** Sent now. */
        public Infer(long frameId, int model, boolean crop, int h, int w, float[] chw, ActorRef<Reply> replyTo) {
            this(frameId, model, crop, h, w, chw, replyTo, System.nanoTime());
        }
    }

    private record Flush(Shape shape) implements Command {
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

    /** The one answer each {@link Infer} gets. */
    public sealed interface Reply {
        long frameId();
    }

    /** The input's softmax posterior and, when asked for, its feature vector. */
    public record Done(long frameId, int model, boolean crop, float[] posterior, float[] feature) implements Reply {
    }

    /** The batch holding the input failed. */
    public record Failed(long frameId, int model, String reason) implements Reply {
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

    private final TimerScheduler<Command> timers;
    private OrtModel session;
    private final Batcher<Shape, Infer> batcher;
    private final Duration maxDelay;
    private final boolean withFeatures;
    private final EngineMetrics metrics;
    private final long slowBatchNanos;

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
            .onMessage(Flush.class, this::onFlush)
            .onMessage(Swap.class, this::onSwap)
            .onSignal(PostStop.class, s -> stopped())
            .build();
    }

    private Behavior<Command> onInfer(Infer infer) {
        Shape shape = new Shape(infer.h(), infer.w());
        Batcher.Added<Infer> added = batcher.add(shape, infer);
        if (added instanceof Batcher.Added.Full<Infer> full) {
            timers.cancel(shape);
            run(full.batch());
        } else if (added instanceof Batcher.Added.Opened<Infer>) {
            if (maxDelay.isZero()) {
                batcher.flush(shape).ifPresent(this::run);
            } else {
                timers.startSingleTimer(shape, new Flush(shape), maxDelay);
            }
        }
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

    private void run(List<Infer> batch) {
        Infer first = batch.get(0);
        List<float[]> inputs = new ArrayList<>(batch.size());
        for (Infer i : batch) {
            inputs.add(i.chw());
        }
        try {
            long t0 = System.nanoTime();
            for (Infer i : batch) {
                metrics.latency(EngineMetrics.Stage.QUEUE, t0 - i.sentNanos());
            }
            OrtModel.Outputs out = session.run(inputs, first.h(), first.w(), withFeatures);
            long took = System.nanoTime() - t0;
            metrics.latency(EngineMetrics.Stage.INFERENCE_BATCH, took);
            metrics.batch(batch.size());
            if (took > slowBatchNanos) {
                slowBatch(batch.size(), first, took);
            }
            for (int k = 0; k < batch.size(); k++) {
                Infer i = batch.get(k);
                i.replyTo().tell(new Done(i.frameId(), i.model(), i.crop(), out.posteriors()[k],
                    out.features() == null ? null : out.features()[k]));
            }
        } catch (Exception e) {
            metrics.failedBatch();
            String reason = "inference failed on " + session.model().name() + " (batch of " + batch.size() + " at "
                + first.h() + "x" + first.w() + "): " + e.getMessage();
            getContext().getLog().warn(reason);
            for (Infer i : batch) {
                i.replyTo().tell(new Failed(i.frameId(), i.model(), reason));
            }
        }
    }

    /** One WARN line per slow batch: the model, provider, size, input shape and time, as text and as key-values. */
    private void slowBatch(int size, Infer first, long nanos) {
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
        for (List<Infer> left : batcher.drain()) {
            for (Infer i : left) {
                i.replyTo().tell(new Failed(i.frameId(), i.model(), "the inference worker of " + session.model().name() + " stopped"));
            }
        }
        session.close();
        return this;
    }
}
