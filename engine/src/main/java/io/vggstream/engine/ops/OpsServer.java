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
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The operator's endpoints, on the JDK's own HTTP server (no web framework in the engine):
 * <ul>
 *   <li>{@code GET /metrics}: every meter in the Prometheus text format;</li>
 *   <li>{@code GET /health/live}: 200 while the process starts or the actor system runs, 503 once
 *       it has terminated or an inference run has stalled ({@code inference.stall-timeout}; the body
 *       names the run): restart me;</li>
 *   <li>{@code GET /health/started}: 200 once the engine is warm (started, every session run once):
 *       a startup probe that covers model load and warm-up;</li>
 *   <li>{@code GET /health/ready}: 200 only when the engine is warm, no run has stalled and Kafka can be used (the
 *       {@link BrokerWatch}'s last check passed); 503 otherwise, with the reason in the body. Holding
 *       partitions is not a condition (an instance beyond the partition count is a spare, not broken):
 *       it is reported in the body and as {@code vggstream_consumer_assigned_partitions}.</li>
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
    private volatile BrokerWatch watch;

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
        // What /health/ready answers, as a time series (alerts: not ready for long); read without asking the consumer.
        io.micrometer.core.instrument.Gauge.builder("vggstream.ready", ops, o -> o.engine != null && o.live()
                && (o.watch == null || o.watch.state().connected()) ? 1 : 0)
            .description("1 when /health/ready answers 200 (warm, and Kafka usable), else 0").register(ops.metrics.registry());
        server.createContext("/metrics", ops::onMetrics);
        server.createContext("/health/live", ops::onLive);
        server.createContext("/health/ready", ops::onReady);
        server.createContext("/health/started", ops::onStarted);
        server.start();
        return ops;
    }

    /** The running engine: warm (Engine.start has returned) and consuming. */
    public void attach(StreamingEngine running) {
        metrics.bind(running.engine());
        engine = running;
    }

    /** The watch whose verdict readiness includes; without one (tests of the engine alone) readiness is warmth. */
    public void watch(BrokerWatch brokers) {
        metrics.watch(brokers);
        watch = brokers;
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

    /** Whether the engine is warm and Kafka can be used: what /health/ready says. */
    public Readiness readiness() {
        BrokerWatch w = watch;
        Optional<BrokerWatch.State> kafka = w == null ? Optional.empty() : Optional.of(w.state());
        StreamingEngine e = engine;
        if (e == null) {
            return new Readiness(false, kafka, ConsumerState.UNKNOWN);
        }
        return new Readiness(true, kafka, refreshConsumer(e));
    }

    /**
     * @param warm the models are loaded and every session has run each input shape once
     * @param kafka the broker watch's last verdict; empty when no watch is attached
     * @param consumer the partitions held and their lag (reported, not a condition)
     */
    public record Readiness(boolean warm, Optional<BrokerWatch.State> kafka, ConsumerState consumer) {
        public boolean ready() {
            return warm && kafka.map(BrokerWatch.State::connected).orElse(true);
        }

        /** The body of /health/ready: one "key: value" a line, for people and for {@code vggstream status}. */
        public String text() {
            return String.format(Locale.ROOT, "status: %s%nwarm: %s%n%sassigned-partitions: %d%nmax-lag: %.0f%n",
                ready() ? "ready" : "not-ready", warm ? "yes" : "no", kafka.map(k -> k.line() + "\n").orElse(""),
                consumer.assignedPartitions(), consumer.largestLag());
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
            metrics.protocolLevel(e.status().level());
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

    private void onStarted(HttpExchange x) throws IOException {
        boolean started = engine != null && live();
        reply(x, started ? 200 : 503, "text/plain; charset=utf-8", started ? "started\n" : engine == null ? "warming up\n" : "terminated\n");
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
