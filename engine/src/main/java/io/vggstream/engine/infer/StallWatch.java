package io.vggstream.engine.infer;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds an inference run stuck in native code ({@code inference.stall-timeout}): the frame deadline answers its frames
 * but cannot end the run, and the worker, its session and its thread are lost for good. A run in progress for longer is
 * a stall: {@link #stalled()} names it (and {@code /health/live} answers 503 with it), it is logged at ERROR once,
 * and with {@code stall-exit} on the process ends at once with {@value #EXIT_CODE}, without shutdown hooks (ONNX
 * Runtime's would release its environment under the stuck run; the drain of a normal stop would wait for it forever).
 * The death then counts for poison-pill protection like any other: the frame alone in probation stalls again, is
 * pinned, and is dead-lettered at {@code poison-pill.max-deaths}.
 */
public final class StallWatch implements AutoCloseable {

    /** The exit code of a process ended for a stall. */
    public static final int EXIT_CODE = 87;

    private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);

    private final long timeoutNanos;
    private final boolean exit;
    private final Supplier<Optional<RunClock.Running>> oldest;
    private final LongSupplier clock;
    private final IntConsumer halt;
    private final ScheduledExecutorService timer;
    /** The start of the last run reported, so that one stall is logged once. */
    private long reported = Long.MIN_VALUE;

    StallWatch(Duration timeout, boolean exit, Supplier<Optional<RunClock.Running>> oldest, LongSupplier clock, IntConsumer halt,
               boolean scheduled) {
        this.timeoutNanos = timeout.toNanos();
        this.exit = exit;
        this.oldest = oldest;
        this.clock = clock;
        this.halt = halt;
        if (scheduled && timeoutNanos > 0) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "stall-watch");
                t.setDaemon(true);
                return t;
            });
            // Often enough that a stall is seen within a quarter of the timeout, at most a second late.
            long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
            timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /**
     * Watches this process's runs ({@code inference.stall-timeout} and {@code .stall-exit}); a no-op when the timeout is 0.
     */
    public static StallWatch start(Duration timeout, boolean exit) {
        return new StallWatch(timeout, exit, RunClock::oldest, System::nanoTime,
            code -> Runtime.getRuntime().halt(code), true);
    }

    /** What is stalled, for /health/live: the oldest run when it has been in progress longer than the timeout. */
    public Optional<String> stalled() {
        if (timeoutNanos == 0) {
            return Optional.empty();
        }
        long now = clock.getAsLong();
        return oldest.get().filter(r -> now - r.startNanos() > timeoutNanos)
            .map(r -> "an inference run of " + r.what() + " has been in progress for " + (now - r.startNanos()) / 1_000_000_000
                + " s (over inference.stall-timeout, " + timeoutNanos / 1_000_000_000 + " s)");
    }

    /** Logs a new stall at ERROR, and ends the process when stall-exit is on. */
    synchronized void check() {
        Optional<RunClock.Running> run = oldest.get();
        Optional<String> stall = stalled();
        if (stall.isEmpty() || run.isEmpty() || run.get().startNanos() == reported) {
            return;
        }
        reported = run.get().startNanos();
        LOG.atError()
            .addKeyValue("event", "inference-stall")
            .addKeyValue("run", run.get().what())
            .addKeyValue("exit", exit)
            .log("inference stalled: {}; {}", stall.get(), exit
                ? "ending the process (inference.stall-exit, exit code " + EXIT_CODE + ") so that its supervisor restarts it"
                : "/health/live answers 503 until the process is restarted");
        if (exit) {
            halt.accept(EXIT_CODE);
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
