package io.vggstream.benchmarks.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.kafka.ConsumerMetrics;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The soak's probe: every {@code interval}, on a thread of its own, one {@link Sample} of the
 * process's memory (heap in use, heap right after the latest collection, RSS, direct buffers), the
 * engine's counters and frames in flight, the latency of the predictions that arrived since the
 * previous sample, the consumer's rebalance count, CPU and load.
 *
 * <p>Heap after GC comes from the collectors' notifications: the heap pools' usage right after each
 * collection, summed. Heap in use saw-tooths with every young collection; the level it falls back
 * to is what would grow if something leaked.
 */
final class SoakSampler implements AutoCloseable {

    /**
     * One sample.
     *
     * @param seconds since the soak's start (the first answer)
     * @param phase {@code soak} while frames are offered, {@code drain} while the backlog is worked off
     * @param offered frames the broker acknowledged
     * @param framesIn frames the engine consumed
     * @param predicted frames the engine answered with a prediction (partial ones included)
     * @param dropped frames answered with a {@code dropped} dead letter (too old on arrival)
     * @param otherDeadLetters frames answered with any other dead letter
     * @param inFlight frames inside the engine at the sample
     * @param latencyCount predictions read since the previous sample; {@code p50Ms}, {@code p99Ms} their capture-to-read latency
     * @param heapAfterGcBytes heap in use right after the latest collection (-1 before the first)
     * @param rebalances the consumer's {@code rebalance-total} (NaN when it did not answer in time)
     * @param cpuCores the process's CPU since the previous sample, in cores
     */
    record Sample(double seconds, String phase, long offered, long framesIn, long predicted, long dropped, long otherDeadLetters,
                  long inFlight, int latencyCount, double p50Ms, double p99Ms, long heapUsedBytes, long heapAfterGcBytes,
                  long heapCommittedBytes, long rssBytes, long directBytes, long directCount, long gcCount, double rebalances,
                  double cpuCores, double load1) {
    }

    /** What the sampler reads; the engine's metrics, the producer's acknowledgements, predictions' latencies. */
    interface Source {
        EngineMetrics metrics();

        long offered();

        /** Latencies (ms) of the predictions read since the last call. */
        double[] drainLatencies();

        StreamingEngine engine();
    }

    static final String REBALANCE_TOTAL = "rebalance-total";

    private final Source source;
    private final long startNanos;
    private final Duration interval;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private final Set<String> heapPools;
    private volatile long heapAfterGc = -1;
    private volatile String phase = "soak";
    private volatile boolean running = true;
    private volatile String rebalanceGroup = "";
    private long lastCpu;
    private long lastNanos;

    SoakSampler(Source source, long startNanos, Duration interval) {
        this.source = source;
        this.startNanos = startNanos;
        this.interval = interval;
        this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                NotificationListener l = this::onGc;
                emitter.addNotificationListener(l, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(l);
                    } catch (javax.management.ListenerNotFoundException e) {
                        // already gone
                    }
                });
            }
        }
        this.lastCpu = ResourceMeter.processCpuNanos();
        this.lastNanos = System.nanoTime();
        this.thread = new Thread(this::loop, "bench-soak-sampler");
        thread.setDaemon(true);
    }

    SoakSampler start() {
        thread.start();
        return this;
    }

    private void onGc(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                sum += e.getValue().getUsed();
            }
        }
        heapAfterGc = sum;
    }

    void phase(String p) {
        this.phase = p;
    }

    private void loop() {
        long next = System.nanoTime();
        while (running) {
            next += interval.toNanos();
            try {
                synchronized (samples) {
                    samples.add(sample());
                }
            } catch (RuntimeException e) {
                // a sample that cannot be taken (the engine closing) is skipped
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } else {
                next = System.nanoTime();
            }
        }
    }

    private Sample sample() {
        EngineMetrics m = source.metrics();
        long now = System.nanoTime();
        long cpu = ResourceMeter.processCpuNanos();
        double cores = now > lastNanos ? (cpu - lastCpu) / (double) (now - lastNanos) : Double.NaN;
        lastCpu = cpu;
        lastNanos = now;
        double[] lat = source.drainLatencies();
        java.util.Arrays.sort(lat);
        Latencies.Summary s = Latencies.Summary.of(lat);
        long direct = 0;
        long directCount = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                direct = b.getMemoryUsed();
                directCount = b.getCount();
            }
        }
        long gcCount = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long dropped = m.dropped();
        return new Sample((now - startNanos) / 1e9, phase, source.offered(), m.framesIn(), m.predictions(), dropped,
            m.deadLetters() - dropped, m.inFlight(), s.count(), s.p50(), s.p99(), heap.getUsed(), heapAfterGc, heap.getCommitted(),
            ResourceMeter.rssBytes(), direct, directCount, gcCount, rebalances(source.engine(), Duration.ofMillis(700)), cores,
            Machine.loadAverage()[0]);
    }

    /** The frames consumer's {@code rebalance-total} (consumer-coordinator-metrics), or NaN when it does not answer in time. */
    double rebalances(StreamingEngine engine, Duration timeout) {
        try {
            Map<MetricName, ? extends Metric> metrics = engine.consumerMetrics(timeout).toCompletableFuture()
                .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            Optional<ConsumerMetrics.Reading> r = ConsumerMetrics.coordinator(metrics, REBALANCE_TOTAL);
            r.ifPresent(x -> rebalanceGroup = x.group());
            return r.map(ConsumerMetrics.Reading::value).orElse(Double.NaN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** The metric group the rebalance count was read from (empty when never read). */
    String rebalanceGroup() {
        return rebalanceGroup;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** Stops sampling after one last sample. */
    List<Sample> stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            synchronized (samples) {
                samples.add(sample());
            }
        } catch (RuntimeException e) {
            // the engine is closed
        }
        return samples();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        unsubscribe.forEach(Runnable::run);
    }
}
