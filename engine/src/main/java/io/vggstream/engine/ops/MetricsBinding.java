package io.vggstream.engine.ops;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.report.ProcStatus;
import io.vggstream.topics.deadletter.ErrorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The engine's meters in one Prometheus registry: the {@link EngineMetrics} counters as function
 * counters (read at scrape time, nothing double-counted), stage latencies and batch sizes as
 * histograms (through {@link EngineMetrics.Listener}), the consumer's assignment and lag per
 * partition, the model and execution provider of each worker, and the JVM's and the process's
 * memory. All names start with {@code vggstream_}, except the JVM binders' own.
 */
public final class MetricsBinding implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final MultiGauge partitionLag;
    private volatile ConsumerState consumer = ConsumerState.UNKNOWN;
    private volatile int protocolLevel = -1;

    /** A registry with the JVM's and the process's meters; the engine's come with {@link #bind}. */
    public MetricsBinding() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // ONNX Runtime's and OpenCV's memory is native: only the resident set shows it.
        // Named as Prometheus's client libraries name it, so that dashboards made for any process show it.
        Gauge.builder("process.resident.memory", MetricsBinding::residentBytes).baseUnit("bytes")
            .description("Resident set size of the engine process (heap + native: ONNX Runtime, OpenCV), -1 off Linux")
            .register(registry);
        Gauge.builder("vggstream.consumer.assigned.partitions", this, b -> b.consumer.assignedPartitions())
            .description("Partitions of the frames topic assigned to this instance (-1: not known yet)").register(registry);
        Gauge.builder("vggstream.consumer.lag.max", this, b -> b.consumer.largestLag()).baseUnit("records").description(
            "The largest lag over this instance's partitions, in records (-1: not known yet)").register(registry);
        Gauge.builder("vggstream.protocol.level", this, b -> b.protocolLevel).description(
            "The protocol level frames use now: 0 the configured protocol, 1 one step down the degrade ladder, ... (-1: not known yet)")
            .register(registry);
        partitionLag = MultiGauge.builder("vggstream.consumer.lag").baseUnit("records")
            .description("Records behind the log end, per assigned partition (labels topic and partition) of the frames topic").register(registry);
    }

    /** Adds the engine's meters; call once, after {@code Engine.start}. */
    public void bind(Engine engine) {
        EngineMetrics m = engine.metrics();
        counters(m);
        Gauge.builder("vggstream.frames.in.flight", m, EngineMetrics::inFlight)
            .description("Frames consumed and not yet answered (at most max-in-flight)").register(registry);

        Map<EngineMetrics.Stage, Timer> timers = new EnumMap<>(EngineMetrics.Stage.class);
        for (EngineMetrics.Stage stage : EngineMetrics.Stage.values()) {
            timers.put(stage, Timer.builder("vggstream.latency").tag("stage", stage.name().toLowerCase(java.util.Locale.ROOT))
                .description("Latency per stage (docs/operations.md): end_to_end consumed to answered, per frame; decode and"
                    + " preprocess per frame; queue per variant; inference_batch per ONNX Runtime run; fusion per prediction;"
                    + " produce per output record")
                // Decode, preprocess and fusion take well under a millisecond on small frames: the buckets start at 100 us.
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry));
        }
        int maxBatch = engine.settings().inference().maxBatchSize();
        DistributionSummary batchSize = DistributionSummary.builder("vggstream.batch.size").baseUnit("inputs")
            .description("Inputs per inference batch").serviceLevelObjectives(sizes(maxBatch)).register(registry);
        m.listener(new EngineMetrics.Listener() {
            @Override
            public void latency(EngineMetrics.Stage stage, long nanos) {
                timers.get(stage).record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void batch(int size) {
                batchSize.record(size);
            }
        });

        // One time series per model and provider: the value is how many workers serve it so.
        Map<List<String>, Integer> workers = new LinkedHashMap<>();
        for (String p : engine.providers()) {
            int at = p.lastIndexOf('@');
            workers.merge(List.of(at < 0 ? p : p.substring(0, at), at < 0 ? "unknown" : p.substring(at + 1)), 1, Integer::sum);
        }
        workers.forEach((k, n) -> Gauge.builder("vggstream.workers", () -> n).tags(Tags.of("model", k.get(0), "provider", k.get(1)))
            .description("Inference workers (ONNX Runtime sessions) per model and execution provider").register(registry));
    }

    /** The {@link EngineMetrics} counters (bind's first part; tests bind them without an engine). */
    void counters(EngineMetrics m) {
        counter("vggstream.frames.in", m, EngineMetrics::framesIn, "Frames consumed");
        counter("vggstream.frames.predicted", m, EngineMetrics::predictions, "Frames answered with a prediction");
        counter("vggstream.frames.partial", m, EngineMetrics::partial, "Predictions made from part of the variants (frame-deadline)");
        counter("vggstream.frames.dead.lettered", m, EngineMetrics::deadLetters, "Frames answered with a dead letter (dropped included)");
        counter("vggstream.frames.dropped", m, EngineMetrics::dropped, "Frames too old on arrival (max-frame-age), dead-lettered as dropped");
        // One series per kind of the contract, each from 0: a kind's first dead letter is a rate, not a new series.
        for (ErrorKind kind : ErrorKind.values()) {
            FunctionCounter.builder("vggstream.dead.letters", m, x -> x.deadLetters(kind)).tag("kind", kind.code())
                .description("Dead letters produced, by kind (the error.kind header: decode, too-large, dropped, poison, ...)")
                .register(registry);
        }
        counter("vggstream.events.in", m, EngineMetrics::eventsIn, "Events consumed by the enrichment stream (--enrich)");
        counter("vggstream.events.enriched", m, EngineMetrics::eventsEnriched, "Events answered with their vgg object");
        counter("vggstream.events.skipped", m, EngineMetrics::eventsSkipped, "Events passed through unchanged (vgg-skipped header)");
        counter("vggstream.events.failed", m, EngineMetrics::eventsFailed,
            "Events answered with vgg.error (image not had or not classified)");
        counter("vggstream.batches", m, EngineMetrics::batches, "Inference batches run");
        counter("vggstream.batches.failed", m, EngineMetrics::failedBatches, "Inference batches that failed (each input answered as failed)");
        counter("vggstream.model.swaps", m, EngineMetrics::modelSwaps, "Model files hot-swapped in");
        counter("vggstream.model.refused", m, EngineMetrics::refusedModels, "Replaced model files refused (the running model kept)");
    }

    /** The consumer's latest state, set before each scrape. */
    public void consumer(ConsumerState state) {
        consumer = state;
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        // kafka-clients names a partition "topic-N": a label each, so that queries can sum by topic or pick a partition.
        state.lag().forEach((tp, lag) -> {
            int dash = tp.lastIndexOf('-');
            Tags tags = dash < 0 ? Tags.of("topic", tp, "partition", "") : Tags.of("topic", tp.substring(0, dash), "partition", tp.substring(dash + 1));
            rows.add(MultiGauge.Row.of(tags, lag));
        });
        partitionLag.register(rows, true);
    }

    /** The protocol level frames use now (0: the configured protocol; each step down the degrade ladder adds 1), set before each scrape. */
    public void protocolLevel(int level) {
        protocolLevel = level;
    }

    /** vggstream_kafka_connected: 1 while the broker watch's last check passed. */
    public void watch(BrokerWatch brokers) {
        Gauge.builder("vggstream.kafka.connected", brokers, w -> w.state().connected() ? 1 : 0)
            .description("1 when the last check reached the brokers and the frames topic, else 0 (reason on /health/ready and in the log)")
            .register(registry);
    }

    public ConsumerState consumer() {
        return consumer;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private <T> void counter(String name, T obj, ToDoubleFunction<T> f, String description) {
        FunctionCounter.builder(name, obj, f).description(description).register(registry);
    }

    private static double[] sizes(int max) {
        double[] s = new double[max];
        for (int i = 0; i < max; i++) {
            s[i] = i + 1;
        }
        return s;
    }

    private static double residentBytes() {
        // -1 where /proc is missing (not Linux): the gauge then says "unknown", not "none".
        return ProcStatus.residentBytes().orElse(-1);
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // JvmGcMetrics only removes its notification listeners: nothing to report.
            }
        }
        registry.close();
    }
}
