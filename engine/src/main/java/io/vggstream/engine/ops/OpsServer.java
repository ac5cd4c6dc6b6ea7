package io.vggstream.engine.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vggstream.engine.runtime.StreamingEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The operator's endpoints, on the JDK's own HTTP server (no web framework in the engine):
 * <ul>
 *   <li>{@code GET /metrics}: every meter in the Prometheus text format;</li>
 *   <li>{@code GET /health/live}: 200 while the process starts or the actor system runs, 503 once
 *       it has terminated or an inference run has stalled ({@code inference.stall-timeout}; the body
 *       names the run): restart me;</li>
 *   <li>{@code GET /health/ready}: 200 only when the engine is warm (started, every session run
 *       once) and the consumer holds partitions of the frames topic; 503 otherwise.</li>
 * </ul>
 * It starts before the engine, so that probes see "live, not ready" during model load and
 * warm-up; {@link #attach} hands it the running engine.
 */
public final class OpsServer implements AutoCloseable {

    /** How long a scrape or a probe waits for the consumer to report. */
    private static final Duration CONSUMER_TIMEOUT = Duration.ofSeconds(2);

    private final HttpServer server;
    private final TimedExecutor executor;
    private final MetricsBinding metrics;
    private volatile StreamingEngine engine;

    private OpsServer(HttpServer server, TimedExecutor executor, MetricsBinding metrics) {
        this.server = server;
        this.executor = executor;
        this.metrics = metrics;
    }

    /**
     * Serves on {@code port} on the loopback interface with the documented timeout and threads;
     * 0 takes a free port (tests: see {@link #port()}).
     *
     * @throws UncheckedIOException when the port is taken
     */
    public static OpsServer start(int port) {
        return start(OpsSettings.loopback(port));
    }

    /**
     * Serves on {@code settings}' address and port.
     *
     * @throws UncheckedIOException when the address cannot be had or the port is taken
     */
    public static OpsServer start(OpsSettings settings) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port()), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the ops endpoints on " + settings.bindAddress() + ":" + settings.port()
                + " (vggstream.engine.ops.bind-address, .port): " + e.getMessage(), e);
        }
        // The JDK server reads a request on the executor's thread: a client that sends half a request
        // holds that thread until it sends the rest. So every request gets a deadline, and liveness
        // needs only one free thread among several.
        TimedExecutor executor = new TimedExecutor(settings.threads(), settings.requestTimeout());
        server.setExecutor(executor);
        OpsServer ops = new OpsServer(server, executor, new MetricsBinding());
        server.createContext("/metrics", ops::onMetrics);
        server.createContext("/health/live", ops::onLive);
        server.createContext("/health/ready", ops::onReady);
        server.start();
        return ops;
    }

    /** The running engine: warm (Engine.start has returned) and consuming. */
    public void attach(StreamingEngine running) {
        metrics.bind(running.engine());
        engine = running;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public MetricsBinding metrics() {
        return metrics;
    }

    /** Whether the engine is warm and the consumer holds partitions: what /health/ready says. */
    public Readiness readiness() {
        StreamingEngine e = engine;
        if (e == null) {
            return new Readiness(false, false, ConsumerState.UNKNOWN);
        }
        ConsumerState state = refreshConsumer(e);
        return new Readiness(true, state.assignedPartitions() > 0, state);
    }

    /**
     * @param warm the models are loaded and every session has run each input shape once
     * @param assigned the consumer holds at least one partition of the frames topic
     */
    public record Readiness(boolean warm, boolean assigned, ConsumerState consumer) {
        public boolean ready() {
            return warm && assigned;
        }

        /** The body of /health/ready: one "key: value" a line, for people and for {@code vggstream status}. */
        public String text() {
            return String.format(Locale.ROOT, "status: %s%nwarm: %s%nassigned-partitions: %d%nmax-lag: %.0f%n",
                ready() ? "ready" : "not-ready", warm ? "yes" : "no", consumer.assignedPartitions(), consumer.largestLag());
        }
    }

    private ConsumerState refreshConsumer(StreamingEngine e) {
        ConsumerState state;
        try {
            state = ConsumerState.of(e.consumerMetrics(CONSUMER_TIMEOUT).toCompletableFuture()
                .get(CONSUMER_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            state = ConsumerState.UNKNOWN;
        } catch (Exception ex) {
            state = ConsumerState.UNKNOWN;
        }
        metrics.consumer(state);
        return state;
    }

    private boolean live() {
        StreamingEngine e = engine;
        // A fatal error ends the streams as the actor system begins terminating, which may never finish: not live either.
        return e == null || !e.engine().system().whenTerminated().isCompleted() && !e.ended().toCompletableFuture().isCompletedExceptionally();
    }

    private void onMetrics(HttpExchange x) throws IOException {
        StreamingEngine e = engine;
        if (e != null) {
            refreshConsumer(e);
        }
        reply(x, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }

    private void onLive(HttpExchange x) throws IOException {
        boolean live = live();
        StreamingEngine e = engine;
        // A run stuck in native code: only a restart frees its worker, session and thread.
        java.util.Optional<String> stall = e == null ? java.util.Optional.empty() : e.engine().stalled();
        if (live && stall.isPresent()) {
            reply(x, 503, "text/plain; charset=utf-8", "stalled: " + stall.get() + "\n");
            return;
        }
        reply(x, live ? 200 : 503, "text/plain; charset=utf-8", live ? (e == null ? "starting\n" : "live\n") : "terminated\n");
    }

    private void onReady(HttpExchange x) throws IOException {
        Readiness r = readiness();
        StreamingEngine e = engine;
        boolean stalled = e != null && e.engine().stalled().isPresent();
        reply(x, r.ready() && live() && !stalled ? 200 : 503, "text/plain; charset=utf-8", r.text());
    }

    private static void reply(HttpExchange x, int code, String type, String body) throws IOException {
        try (x) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", type);
            if (x.getRequestMethod().equals("HEAD")) {
                x.sendResponseHeaders(code, -1);
                return;
            }
            x.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
        metrics.close();
    }
}
