package io.vggstream.trainer.train;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for a training run: a shutdown hook asks the loop to stop and waits (up to a timeout) until
 * the loop has written its checkpoint. Tests call {@link #request()} directly.
 */
public final class StopSignal implements AutoCloseable {

    private final CountDownLatch saved = new CountDownLatch(1);
    private final Duration timeout;
    private final Thread hook;
    private volatile boolean requested;
    private volatile boolean finished;

    private StopSignal(Duration timeout, boolean installHook) {
        this.timeout = timeout;
        this.hook = installHook ? new Thread(this::onShutdown, "trainer-stop") : null;
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** Installs a JVM shutdown hook (Ctrl-C, SIGTERM). */
    public static StopSignal onShutdown(Duration timeout) {
        return new StopSignal(timeout, true);
    }

    /** No hook: stops only when asked. */
    public static StopSignal manual() {
        return new StopSignal(Duration.ZERO, false);
    }

    private void onShutdown() {
        if (finished) {
            return;
        }
        requested = true;
        try {
            saved.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the loop to stop after its current step. */
    public void request() {
        requested = true;
    }

    public boolean requested() {
        return requested;
    }

    /** The loop calls this once its checkpoint is on disk (or when it ends for any reason). */
    public void acknowledge() {
        finished = true;
        saved.countDown();
    }

    @Override
    public void close() {
        acknowledge();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook returns at once since we are finished
            }
        }
    }
}
