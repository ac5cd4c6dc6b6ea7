package io.vggstream.engine.ops;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The ops server's executor: a fixed pool whose every task (one HTTP exchange: reading the request,
 * handling it, writing the answer) is interrupted once it has run for {@code timeout}. The JDK
 * server reads and writes the exchange's socket channel in blocking mode, and an interrupted
 * channel read or write closes the channel: a client that sent half a request, or stopped reading
 * the answer, loses its connection and gives its thread back.
 */
final class TimedExecutor implements Executor, AutoCloseable {

    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService watchdog;
    private final long timeoutNanos;

    TimedExecutor(int threads, Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        // Unbounded queue: the JDK server has no answer for a refused exchange; the deadline empties the pool instead.
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), daemon("vggstream-ops"));
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, daemon("vggstream-ops-deadline"));
        w.setRemoveOnCancelPolicy(true);
        this.watchdog = w;
    }

    @Override
    public void execute(Runnable exchange) {
        pool.execute(() -> runWithDeadline(exchange));
    }

    private void runWithDeadline(Runnable exchange) {
        Thread me = Thread.currentThread();
        Object lock = new Object();
        boolean[] done = {false};
        ScheduledFuture<?> cut = watchdog.schedule(() -> {
            synchronized (lock) {
                // Only while this exchange runs: the thread must not be interrupted in the next one.
                if (!done[0]) {
                    me.interrupt();
                }
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        try {
            exchange.run();
        } finally {
            synchronized (lock) {
                done[0] = true;
            }
            cut.cancel(false);
            // Clear an interrupt that came as the exchange ended.
            Thread.interrupted();
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        watchdog.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
