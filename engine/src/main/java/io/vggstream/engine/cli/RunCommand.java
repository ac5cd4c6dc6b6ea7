package io.vggstream.engine.cli;

import io.vggstream.engine.settings.EnrichSettings;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.runtime.StopSignals;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.ops.OpsServer;
import io.vggstream.engine.ops.OpsSettings;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vggstream run}: the streaming engine, until Ctrl-C or SIGTERM, which drain it cleanly. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the streaming engine: frames from Kafka, predictions and dead letters back to Kafka.",
        "Runs until Ctrl-C or SIGTERM, then finishes and commits the frames in flight and exits 0 (a second signal: at once, 128+signal)."})
public final class RunCommand implements Callable<Integer> {

    @Mixin
    EngineOptions options = new EngineOptions();

    @Option(names = {"-b", "--bootstrap-server", "--bootstrap"}, paramLabel = "HOST:PORT",
        description = "Kafka bootstrap servers (default: vggstream.kafka.bootstrap-servers, 127.0.0.1:9092).")
    String bootstrap;

    @Option(names = "--group-id", paramLabel = "ID", description = "Consumer group (default: vggstream.engine.group-id).")
    String groupId;

    @Option(names = "--exactly-once",
        description = "Outputs and offsets in Kafka transactions: exactly one output per frame for read-committed consumers"
            + " (default: vggstream.engine.delivery, at-least-once).")
    boolean exactlyOnce;

    @Option(names = "--enrich", description = "Also enrich JSON events (vggstream.engine.enrich: topics, image field, encoding).")
    boolean enrich;

    @Option(names = "--ops-port", paramLabel = "PORT",
        description = "Port of /metrics, /health/live and /health/ready; 0 = off (default: vggstream.engine.ops.port, 9464).")
    Integer opsPort;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // Taken before any session runs (warm-up included): a stop signal then drains and closes the engine before
        // the JVM begins to exit (see StopSignals: ONNX Runtime's own shutdown hook must not run under a session).
        StopSignals signals = StopSignals.install();
        PrintWriter out = spec.commandLine().getOut();
        EngineSettings settings = options.settings();
        if (groupId != null) {
            settings = settings.withGroupId(groupId);
        }
        if (exactlyOnce) {
            settings = settings.withDelivery(new io.vggstream.engine.settings.Delivery(true,
                settings.delivery().transactionalId()));
        }
        KafkaSettings kafka = KafkaSettings.from(options.config());
        if (bootstrap != null) {
            kafka = kafka.withBootstrapServers(bootstrap);
        }
        TopicsSettings topics = TopicsSettings.from(options.config());
        EnrichSettings enrichSettings = EnrichSettings.from(options.config());
        if (enrich) {
            enrichSettings = enrichSettings.enabled(true);
        }
        OpsSettings ops = OpsSettings.from(options.config());
        if (opsPort != null) {
            ops = ops.withPort(opsPort);
        }
        // Up before the models load, so that probes see "live, not ready" through warm-up.
        OpsServer opsServer = ops.enabled() ? OpsServer.start(ops) : null;
        StreamingEngine running;
        try {
            running = StreamingEngine.start(Engine.start(settings, options.config()), kafka, topics,
                java.util.Optional.of(enrichSettings));
        } catch (RuntimeException e) {
            if (opsServer != null) {
                opsServer.close();
            }
            throw e;
        }
        if (opsServer != null) {
            opsServer.attach(running);
        }
        Engine engine = running.engine();
        out.printf("vggstream engine: %s, protocol %s (Q %s), %s%n", String.join(" + ", engine.models().stream().map(m -> m.name()).toList()),
            engine.protocol(), engine.scales(), String.join(", ", engine.providers()));
        out.printf("  %s -> %s (dead letters: %s), group %s, Ctrl-C to stop%n", topics.frames().name(), topics.predictions().name(),
            topics.deadLetter().name(), settings.groupId());
        if (opsServer != null) {
            out.printf("  ops: http://%s:%d/metrics, /health/live, /health/ready%n", ops.bindAddress(), opsServer.port());
        }
        if (enrichSettings.enabled()) {
            out.printf("  enriching %s -> %s (image at %s, %s)%n", enrichSettings.inputTopic(), enrichSettings.outputTopic(),
                enrichSettings.imageField(), enrichSettings.encoding().name().toLowerCase(Locale.ROOT));
        }
        out.flush();

        ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vggstream-status");
            t.setDaemon(true);
            return t;
        });
        long period = settings.statusInterval().toMillis();
        long[] last = {0, System.nanoTime()};
        status.scheduleAtFixedRate(() -> {
            EngineMetrics m = engine.metrics();
            long now = System.nanoTime();
            long done = m.predictions() + m.deadLetters();
            double fps = (done - last[0]) / ((now - last[1]) / 1e9);
            last[0] = done;
            last[1] = now;
            var st = running.status();
            double lag = st.maxRecords();
            out.printf(Locale.ROOT, "%6.1f frames/s | in flight %3d | batch %4.2f | lag %s | protocol %s | predictions %d, partial %d,"
                    + " dead letters %d (dropped %d)%n",
                fps, m.inFlight(), m.meanBatchSize(), lag < 0 ? "?" : String.format(Locale.ROOT, "%.0f", lag),
                engine.levels().get(st.level()), m.predictions(), m.partial(), m.deadLetters(), m.dropped());
            out.flush();
        }, period, period, TimeUnit.MILLISECONDS);
        CompletableFuture<Object> stopOrEnd = CompletableFuture.anyOf(signals.requested().toCompletableFuture(),
            running.ended().toCompletableFuture());
        try {
            stopOrEnd.join();
        } catch (RuntimeException e) {
            // Kafka failed the stream: stop everything and say so.
            status.shutdownNow();
            stop(running, opsServer);
            throw new IllegalStateException("the Kafka stream failed: " + e.getMessage(), e);
        }
        status.shutdownNow();
        stop(running, opsServer);
        out.printf("stopped: %d predictions, %d dead letters%n", engine.metrics().predictions(), engine.metrics().deadLetters());
        return 0;
    }

    /**
     * Drains and closes the engine (its sessions close after their last run). Should a run still be in
     * progress after that, the process ends here without shutdown hooks: exiting would run ONNX Runtime's,
     * which releases its environment under the run.
     */
    private static void stop(StreamingEngine running, OpsServer opsServer) {
        try {
            running.close();
        } finally {
            if (opsServer != null) {
                opsServer.close();
            }
            if (OrtModel.runsInProgress() > 0) {
                org.slf4j.LoggerFactory.getLogger(RunCommand.class).error(
                    "an ONNX Runtime run is still in progress after the engine stopped: ending the process without shutdown hooks");
                Runtime.getRuntime().halt(1);
            }
        }
    }
}
