package io.vggstream.engine.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM, SIGINT and SIGHUP as a stop request that the engine answers itself, instead of the
 * JVM's shutdown.
 *
 * <p>Why: on such a signal the JVM starts every shutdown hook at once, in no order, and ONNX
 * Runtime registers one of its own that releases its native environment. A drain running in
 * another hook still runs sessions, which then read freed memory: a SIGSEGV in
 * {@code OrtSession.run} during the drain. Handled here, a signal only completes
 * {@link #requested()}; the engine drains and closes its sessions, and the JVM exits (and ONNX
 * Runtime releases its environment) after the last session has closed.
 *
 * <p>A second signal while the engine stops ends the process at once with {@code 128 + signal}
 * ({@link Runtime#halt}: no shutdown hook runs, so nothing is released under a run either).
 */
public final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    private static final List<String> SIGNALS = List.of("TERM", "INT", "HUP");

    private final CompletableFuture<String> requested = new CompletableFuture<>();
    private final AtomicBoolean first = new AtomicBoolean(true);

    private StopSignals() {
    }

    /** Takes over SIGTERM, SIGINT and SIGHUP for this process (those the JVM lets it handle: not under {@code -Xrs}). */
    public static StopSignals install() {
        StopSignals s = new StopSignals();
        for (String name : SIGNALS) {
            try {
                Signal.handle(new Signal(name), s::onSignal);
            } catch (IllegalArgumentException e) {
                // -Xrs, or a signal the JVM keeps for itself: the JVM's default stays.
                LOG.warn("SIG{} is not handled by the engine ({}): it stops the JVM without draining", name, e.getMessage());
            }
        }
        return s;
    }

    /** Completes with the signal's name (e.g. {@code TERM}) when the first stop signal arrives. */
    public CompletionStage<String> requested() {
        return requested;
    }

    private void onSignal(Signal signal) {
        if (first.getAndSet(false)) {
            LOG.info("SIG{}: stopping (a second signal ends the process at once, without draining)", signal.getName());
            requested.complete(signal.getName());
        } else {
            LOG.warn("SIG{} again while stopping: ending the process now, without draining", signal.getName());
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
    }
}
