package io.vggstream.engine.serve;

import com.typesafe.config.Config;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.EnrichSettings;
import io.vggstream.engine.runtime.StopSignals;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.ops.BrokerWatch;
import io.vggstream.engine.ops.OpsServer;
import io.vggstream.engine.ops.OpsSettings;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The streaming engine as a job (behind {@code vggstream run} and the benchmarks' engine processes):
 * {@link Options} -> {@link #run} until a stop signal or the stream's end -> {@link Result}.
 */
public final class Serve {

    /** Everything one engine process is started with, each block read from the settings (flags applied by the caller). */
    public record Options(EngineSettings engine, KafkaSettings kafka, TopicsSettings topics, EnrichSettings enrich,
                          OpsSettings ops, Config config) {

        /** Every block as the settings say, no flags. */
        public static Options from(Config config) {
            return new Options(EngineSettings.from(config), KafkaSettings.from(config), TopicsSettings.from(config),
                EnrichSettings.from(config), OpsSettings.from(config), config);
        }
    }

    /** What the engine did before it stopped. */
    public record Result(long predictions, long deadLetters) {
    }

    private Serve() {
    }

    /**
     * Runs the engine, printing its banner and a status line every {@code vggstream.engine.status-interval} to
     * {@code out}, until Ctrl-C or SIGTERM (which drain it) or until Kafka fails the stream (an exception).
     */
    public static Result run(Options options, PrintWriter out) {
        // Taken before any session runs (warm-up included): a stop signal then drains and closes the engine before
        // the JVM begins to exit (see StopSignals: ONNX Runtime's own shutdown hook must not run under a session).
        StopSignals signals = StopSignals.install();
        EngineSettings settings = options.engine();
        TopicsSettings topics = options.topics();
        EnrichSettings enrichSettings = options.enrich();
        OpsSettings ops = options.ops();
        // Up before the models load, so that probes see "live, not ready" through warm-up.
        OpsServer opsServer = ops.enabled() ? OpsServer.start(ops) : null;
        // Started before warm-up too: a wrong address, a refused login or a missing topic is said within seconds.
        BrokerWatch brokers = BrokerWatch.start(options.kafka(), topics.frames().name());
        if (opsServer != null) {
            opsServer.watch(brokers);
        }
        StreamingEngine running;
        try {
            running = StreamingEngine.start(Engine.start(settings, options.config()), options.kafka(), topics,
                java.util.Optional.of(enrichSettings));
        } catch (RuntimeException e) {
            brokers.close();
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
            out.printf("  ops: http://%s:%d/metrics, /health/live, /health/started, /health/ready%n", ops.bindAddress(), opsServer.port());
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
        long[] last = {0, System.nanoTime(), 0};
        status.scheduleAtFixedRate(() -> {
            EngineMetrics m = engine.metrics();
            long now = System.nanoTime();
            long done = m.predictions() + m.deadLetters();
            long events = m.eventsAnswered();
            double seconds = (now - last[1]) / 1e9;
            double fps = (done - last[0]) / seconds;
            // The enrichment stream's events are not frames: a line of their own kind, so that an engine that only enriches
            // does not read as idle.
            String enriching = !enrichSettings.enabled() ? "" : String.format(Locale.ROOT,
                " | events %.1f/s: enriched %d, skipped %d, failed %d", (events - last[2]) / seconds, m.eventsEnriched(),
                m.eventsSkipped(), m.eventsFailed());
            last[0] = done;
            last[1] = now;
            last[2] = events;
            var st = running.status();
            double lag = st.maxRecords();
            BrokerWatch.State kafka = brokers.state();
            out.printf(Locale.ROOT, "%6.1f frames/s | in flight %3d | batch %4.2f | lag %s | protocol %s | predictions %d, partial %d,"
                    + " dead letters %d (dropped %d)%s%s%n",
                fps, m.inFlight(), m.meanBatchSize(), lag < 0 ? "?" : String.format(Locale.ROOT, "%.0f", lag),
                engine.levels().get(st.level()), m.predictions(), m.partial(), m.deadLetters(), m.dropped(), enriching,
                kafka.status() == BrokerWatch.Status.FAILING ? " | KAFKA FAILING: " + kafka.reason() : "");
            out.flush();
        }, period, period, TimeUnit.MILLISECONDS);
        CompletableFuture<Object> stopOrEnd = CompletableFuture.anyOf(signals.requested().toCompletableFuture(),
            running.ended().toCompletableFuture());
        try {
            stopOrEnd.join();
        } catch (RuntimeException e) {
            // Kafka failed the stream: stop everything and say so.
            status.shutdownNow();
            brokers.close();
            stop(running, opsServer);
            throw new IllegalStateException("the Kafka stream failed: " + e.getMessage(), e);
        }
        status.shutdownNow();
        brokers.close();
        stop(running, opsServer);
        EngineMetrics m = engine.metrics();
        Result result = new Result(m.predictions(), m.deadLetters());
        String events = !enrichSettings.enabled() ? ""
            : String.format(Locale.ROOT, "; events enriched %d, skipped %d, failed %d", m.eventsEnriched(), m.eventsSkipped(), m.eventsFailed());
        out.printf("stopped: %d predictions, %d dead letters%s%n", result.predictions(), result.deadLetters(), events);
        out.flush();
        return result;
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
                org.slf4j.LoggerFactory.getLogger(Serve.class).error(
                    "an ONNX Runtime run is still in progress after the engine stopped: ending the process without shutdown hooks");
                Runtime.getRuntime().halt(1);
            }
        }
    }
}
