package io.vggstream.benchmarks.bench;

import com.typesafe.config.Config;
import io.vggstream.broker.KraftBroker;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The overload soak (issue 7, promise 4): the full Kafka path (a real broker, the streaming engine,
 * a separate producer and separate readers of the predictions and dead letters) with frames offered
 * at {@code overload} times what the engine can answer, for {@code duration}, the engine's
 * {@code max-frame-age} set so that frames too old on arrival are answered with {@code dropped} dead
 * letters. First the engine's capacity is measured through the same full path (as fast as it answers,
 * {@link FullPath}), unless given. Then, every {@code sample-interval}, {@link SoakSampler} takes memory,
 * counters, latency and the consumer's rebalance count. When the offering stops, the engine works off
 * the backlog (old frames: dropped at once) and drains, and every offset of the frames topic is checked
 * against the answers read back ({@link AnswerLedger}).
 */
public final class Soak {

    private final SoakSpec spec;
    private final BenchModel model;
    private final Config config;
    private final Consumer<String> log;
    private final String runId = Long.toHexString(System.currentTimeMillis() & 0xffffffffL);

    public Soak(SoakSpec spec, BenchModel model, Config config, Consumer<String> log) {
        this.spec = spec;
        this.model = model;
        this.config = config;
        this.log = log;
    }

    public SoakResult run() throws Exception {
        RunSetup.Start start = RunSetup.start(spec, model, config);
        Instant started = start.started();
        List<byte[]> frames = start.frames();
        int jpegBytes = start.jpegBytes();
        int cores = Runtime.getRuntime().availableProcessors();
        int perFrame = start.perFrame();
        List<String> shapes = start.shapes();
        int burst = spec.burst(perFrame);
        int inFlight = RunSetup.inFlight(spec, spec.batch(), perFrame, config);
        log.accept(String.format(Locale.ROOT, "model: %s%nprotocol %s: %d inputs per frame, shapes %s; frames %s JPEG, %d bytes on average;"
                + " %d ONNX Runtime threads, %d cores; max-in-flight %d, max-frame-age %s", model.description(), spec.protocol(), perFrame,
            shapes, spec.resolution(), jpegBytes, spec.threads(), cores, inFlight, human(spec.maxFrameAge())));

        KraftBroker broker = null;
        Optional<String> problem = Optional.empty();
        double capacity = Double.NaN;
        String capacityHow = "";
        Point capacityPoint = null;
        double rate = Double.NaN;
        Run r = new Run();
        try {
            KafkaSettings kafka;
            TopicsSettings base = TopicsSettings.from(config);
            if (spec.bootstrap().isPresent()) {
                kafka = KafkaSettings.from(config).withBootstrapServers(spec.bootstrap().get());
            } else {
                log.accept("starting an in-process Kafka broker (KRaft) ...");
                broker = KraftBroker.start(KraftBroker.Settings.ephemeral(), Duration.ofSeconds(90));
                kafka = KafkaSettings.from(config).withBootstrapServers(broker.bootstrapServers());
            }
            EngineSettings settings = engineSettings(inFlight);
            if (spec.capacity().isPresent()) {
                capacity = spec.capacity().get();
                capacityHow = "given (--capacity)";
            } else {
                log.accept(String.format(Locale.ROOT, "capacity: the full path as fast as the engine answers, %s warm-up, %s window ...",
                    human(spec.capacityWarmup()), human(spec.capacityWindow())));
                String prefix = "vggstream-soak-" + runId + "-capacity";
                TopicsSettings topics = BenchTopics.create(kafka, base, prefix, spec.partitions());
                try {
                    capacityPoint = FullPath.run(settings.withGroupId(prefix + "-engine"), config, kafka, topics, spec.partitions(), frames,
                        perFrame, Double.NaN, Warmup.fixed(spec.capacityWarmup()), spec.capacityWindow(), burst);
                } finally {
                    BenchTopics.delete(kafka, topics);
                }
                capacity = capacityPoint.framesPerSecond();
                capacityHow = String.format(Locale.ROOT, "measured in this run: the full path (Kafka -> engine -> Kafka) as fast as the"
                    + " engine answers, %.1f s window after %s warm-up, %d frames predicted", capacityPoint.seconds(), human(spec.capacityWarmup()),
                    capacityPoint.framesOut());
                if (!(capacity > 0)) {
                    throw new IllegalStateException("the capacity measurement answered no frame: nothing to overload");
                }
            }
            rate = spec.overload() * capacity;
            log.accept(String.format(Locale.ROOT, "capacity %.2f frames/s (%s); offering %.1fx = %.2f frames/s for %s", capacity, capacityHow,
                spec.overload(), rate, human(spec.duration())));
            soak(r, settings.withMaxFrameAge(spec.maxFrameAge()), kafka, base, frames, rate);
        } catch (RuntimeException e) {
            // Report what was measured, and say what stopped the run.
            problem = Optional.of(e.toString());
            log.accept("the soak stopped early: " + e);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
        String brokerText = spec.bootstrap().map(b -> "external broker at " + b).orElse("in-process KRaft broker (same JVM, same cores)");
        return new SoakResult(spec, started, Instant.now(), Machine.describe(), start.loadBefore(), Machine.loadAverage(), model.description(),
            perFrame, shapes, jpegBytes, brokerText, inFlight, capacity, capacityHow, capacityPoint, rate, r.soakSeconds, r.drainSeconds,
            r.offered, r.framesIn, r.predicted, r.partial, r.dropped, r.otherDeadLetters, r.maxInFlightSeen, r.check, r.readPredicted,
            r.readDropped, r.readDeadLetters, r.latency.summary(), r.engineLatency.summary(), r.rebalances, r.rebalanceGroup, r.samples, problem);
    }

    /** What the soak phase fills in, also when it stops early. */
    private static final class Run {
        double soakSeconds;
        double drainSeconds;
        long offered;
        long framesIn;
        long predicted;
        long partial;
        long dropped;
        long otherDeadLetters;
        long maxInFlightSeen;
        AnswerLedger.Check check = new AnswerLedger.Check(0, 0, 0, 0, 0, List.of());
        long readPredicted;
        long readDropped;
        long readDeadLetters;
        final Latencies latency = new Latencies();
        final Latencies engineLatency = new Latencies();
        double rebalances = Double.NaN;
        String rebalanceGroup = "";
        List<SoakSampler.Sample> samples = List.of();
    }

    private void soak(Run r, EngineSettings settings, KafkaSettings kafka, TopicsSettings base, List<byte[]> frames, double rate)
        throws InterruptedException {
        String prefix = "vggstream-soak-" + runId;
        TopicsSettings topics = BenchTopics.create(kafka, base, prefix, spec.partitions());
        AnswerLedger ledger = new AnswerLedger(spec.partitions());
        List<Double> window = new ArrayList<>();
        long[] soakFromMs = {Long.MAX_VALUE};
        PredictionCollector.Listener onPrediction = (p, arrivalMs) -> {
            boolean first = ledger.answer(p.source().partition(), p.source().offset(), AnswerLedger.Kind.PREDICTED);
            // Latency of the soak's frames predicted in full; the first frame of each partition went before the clock started.
            if (first && !p.partial() && p.ts() >= soakFromMs[0]) {
                double ms = Math.max(0, arrivalMs - p.ts());
                r.latency.add(ms);
                r.engineLatency.add(p.latencyMs().engine());
                synchronized (window) {
                    window.add(ms);
                }
            }
        };
        SoakSampler sampler = null;
        try (PredictionCollector preds = new PredictionCollector(kafka, topics).listener(onPrediction).start();
             DeadLetterReader dlq = new DeadLetterReader(kafka, topics, ledger).start()) {
            StreamingEngine running = StreamingEngine.start(Engine.start(settings.withGroupId(prefix + "-engine"), config), kafka, topics);
            try {
                EngineMetrics m = running.engine().metrics();
                try (FrameFeeder in = new FrameFeeder(kafka, topics, frames, spec.partitions(), rate, () -> 0, Long.MAX_VALUE,
                    () -> m.predictions() + m.deadLetters() > 0).start()) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos() + settings.frameDeadline().toNanos();
                    while (m.predictions() + m.deadLetters() == 0) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("no answer arrived within 2 minutes of the first frame");
                        }
                        Thread.sleep(20);
                    }
                    long t0 = System.nanoTime();
                    soakFromMs[0] = System.currentTimeMillis();
                    SoakSampler.Source source = new SoakSampler.Source() {
                        @Override
                        public EngineMetrics metrics() {
                            return m;
                        }

                        @Override
                        public long offered() {
                            return in.acked();
                        }

                        @Override
                        public double[] drainLatencies() {
                            synchronized (window) {
                                double[] a = window.stream().mapToDouble(Double::doubleValue).toArray();
                                window.clear();
                                return a;
                            }
                        }

                        @Override
                        public StreamingEngine engine() {
                            return running;
                        }
                    };
                    sampler = new SoakSampler(source, t0, spec.sampleInterval()).start();
                    long end = t0 + spec.duration().toNanos();
                    long nextLog = t0 + Duration.ofSeconds(60).toNanos();
                    while (System.nanoTime() < end) {
                        Thread.sleep(Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000)));
                        preds.count(); // surfaces a reader's failure
                        dlq.records();
                        if (System.nanoTime() >= nextLog) {
                            nextLog += Duration.ofSeconds(60).toNanos();
                            progress(t0, in.acked(), m, ledger);
                        }
                    }
                    // The drain starts now: stopping the feeder flushes its producer, which can take seconds under overload.
                    r.soakSeconds = (System.nanoTime() - t0) / 1e9;
                    sampler.phase("drain");
                    r.offered = in.stop();
                    log.accept(String.format(Locale.ROOT, "offering stopped after %.0f s: %d frames offered (%.1f frames/s), %d consumed so far;"
                        + " working off the backlog ...", r.soakSeconds, r.offered, r.offered / r.soakSeconds, m.framesIn()));
                }
                long[] ends = endOffsets(kafka, topics.frames().name(), spec.partitions());
                long total = java.util.Arrays.stream(ends).sum();
                long drainFrom = System.nanoTime();
                long drainDeadline = drainFrom + spec.drainTimeout().toNanos();
                long nextLog = drainFrom + Duration.ofSeconds(30).toNanos();
                while (m.framesIn() < total && System.nanoTime() < drainDeadline) {
                    Thread.sleep(100);
                    if (System.nanoTime() >= nextLog) {
                        nextLog += Duration.ofSeconds(30).toNanos();
                        log.accept(String.format(Locale.ROOT, "  backlog: %d of %d frames consumed", m.framesIn(), total));
                    }
                }
                // Closing drains: every frame consumed is answered, produced and committed.
                running.close();
                r.drainSeconds = (System.nanoTime() - drainFrom) / 1e9;
                r.framesIn = m.framesIn();
                r.predicted = m.predictions();
                r.partial = m.partial();
                r.dropped = m.dropped();
                r.otherDeadLetters = m.deadLetters() - m.dropped();
                r.maxInFlightSeen = m.maxInFlightSeen();
                long answers = r.predicted + r.dropped + r.otherDeadLetters;
                long readDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (ledger.answered() < answers && System.nanoTime() < readDeadline) {
                    Thread.sleep(50);
                }
                r.samples = sampler.stop();
                r.rebalanceGroup = sampler.rebalanceGroup();
                r.rebalances = r.samples.stream().mapToDouble(SoakSampler.Sample::rebalances).filter(Double::isFinite)
                    .reduce((a, b) -> b).orElse(Double.NaN);
                r.check = ledger.check(ends);
                r.readPredicted = ledger.count(AnswerLedger.Kind.PREDICTED);
                r.readDropped = ledger.count(AnswerLedger.Kind.DROPPED);
                r.readDeadLetters = ledger.count(AnswerLedger.Kind.DEAD_LETTER);
                if (m.framesIn() < total) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "the engine had consumed %d of %d frames when --drain-timeout (%s)"
                        + " ran out", m.framesIn(), total, human(spec.drainTimeout())));
                }
                log.accept(String.format(Locale.ROOT, "drained in %.1f s: %d offered, %d consumed; predicted %d, dropped %d, other dead letters"
                        + " %d; read back: %d answered offsets, %d missing, %d duplicates; rebalances %.0f", r.drainSeconds, r.offered, r.framesIn,
                    r.predicted, r.dropped, r.otherDeadLetters, r.check.answered(), r.check.missing(), r.check.duplicates(), r.rebalances));
            } finally {
                if (sampler != null) {
                    if (r.samples.isEmpty()) {
                        r.samples = sampler.stop();
                    }
                    sampler.close();
                }
                running.close();
            }
        } finally {
            BenchTopics.delete(kafka, topics);
        }
    }

    private void progress(long t0, long offered, EngineMetrics m, AnswerLedger ledger) {
        log.accept(String.format(Locale.ROOT, "  %4.0f s: offered %d, consumed %d, predicted %d, dropped %d, in flight %d; heap %.0f MB, RSS %.0f MB",
            (System.nanoTime() - t0) / 1e9, offered, m.framesIn(), m.predictions(), m.dropped(), m.inFlight(),
            java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6, ResourceMeter.rssBytes() / 1e6));
    }

    /** The end offset of each partition of {@code topic}: the frames written to it. */
    static long[] endOffsets(KafkaSettings kafka, String topic, int partitions) {
        try (Admin admin = Admin.create(KafkaLimits.admin(kafka))) {
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var got = admin.listOffsets(ask).all().get(30, TimeUnit.SECONDS);
            long[] ends = new long[partitions];
            got.forEach((tp, info) -> ends[tp.partition()] = info.offset());
            return ends;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the end offsets of " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getMessage(), e);
        }
    }

    private EngineSettings engineSettings(int maxInFlight) {
        return RunSetup.engineSettings(spec, model, config, maxInFlight);
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms / 60_000 + " min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms + " ms";
    }
}
