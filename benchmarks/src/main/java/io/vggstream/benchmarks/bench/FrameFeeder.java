package io.vggstream.benchmarks.bench;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameSerializer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The camera side: a separate Kafka producer of JPEG frames (the contract's serializer, key = the
 * stream id, headers seq and ts) on a thread of its own. One stream per partition, written round
 * robin, so that every partition carries work. At a fixed rate, {@code ts} is each frame's scheduled
 * capture time; as fast as it goes, it keeps at most {@code maxBacklog} frames not yet answered
 * (enough that the engine never starves, not so many that the topic fills for nothing).
 */
final class FrameFeeder implements AutoCloseable {

    private final KafkaProducer<String, Frame> producer;
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running = true;

    /**
     * @param rate frames/s, or NaN for as fast as the engine answers
     * @param answered frames answered so far (predictions and dead letters), for the backlog bound
     * @param ready whether the engine answers yet: after one frame per partition, the stream waits for it
     */
    FrameFeeder(KafkaSettings kafka, TopicsSettings topics, List<byte[]> frames, int partitions, double rate,
                LongSupplier answered, long maxBacklog, java.util.function.BooleanSupplier ready) {
        Map<String, Object> props = KafkaLimits.producer(kafka, topics);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-producer-" + Long.toHexString(System.nanoTime()));
        // Frames go out as they are made: a camera does not wait to fill a batch.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(props, new StringSerializer(), new FrameSerializer(topics.maxFrameBytes()));
        String topic = topics.frames().name();
        long[] seq = new long[partitions];
        thread = new Thread(() -> {
            // The first frame of each partition goes alone and is waited for: a partition whose leader is still
            // settling answers NOT_LEADER_OR_FOLLOWER, and retries must not overtake one another.
            try {
                for (int p = 0; p < partitions && running; p++) {
                    long ts0 = System.currentTimeMillis();
                    sent.incrementAndGet();
                    producer.send(new ProducerRecord<>(topic, p, ts0, "cam-" + p,
                        Frame.of(seq[p]++, ts0, frames.get(p % frames.size())).withContentType("image/jpeg"))).get();
                    acked.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                failure.compareAndSet(null, e);
                return;
            }
            // The stream proper starts once the engine answers: frames sent while it joins its group would pile up
            // and be worked off in the measured window, above the offered rate.
            while (running && !ready.getAsBoolean()) {
                LockSupport.parkNanos(10_000_000);
            }
            long startNanos = System.nanoTime();
            long startMs = System.currentTimeMillis();
            double period = Double.isNaN(rate) ? 0 : 1e9 / rate;
            long i = 0;
            while (running) {
                long ts;
                if (period > 0) {
                    long due = startNanos + (long) (i * period);
                    long now = System.nanoTime();
                    if (due > now) {
                        LockSupport.parkNanos(Math.min(due - now, 2_000_000));
                        continue;
                    }
                    ts = startMs + (due - startNanos) / 1_000_000;
                } else {
                    if (sent.get() - answered.getAsLong() >= maxBacklog) {
                        LockSupport.parkNanos(500_000);
                        continue;
                    }
                    ts = System.currentTimeMillis();
                }
                int p = (int) (i % partitions);
                Frame f = Frame.of(seq[p]++, ts, frames.get((int) (i % frames.size()))).withContentType("image/jpeg");
                sent.incrementAndGet();
                producer.send(new ProducerRecord<>(topic, p, ts, "cam-" + p, f), (meta, e) -> {
                    if (e == null) {
                        acked.incrementAndGet();
                    } else {
                        failure.compareAndSet(null, e);
                    }
                });
                i++;
            }
            producer.flush();
        }, "bench-producer");
        thread.setDaemon(true);
    }

    FrameFeeder start() {
        thread.start();
        return this;
    }

    /** Frames handed to the producer so far. */
    long sent() {
        return sent.get();
    }

    /** Frames the broker acknowledged. */
    long acked() {
        return acked.get();
    }

    /** Stops producing and waits for every frame sent to be acknowledged or failed. */
    long stop() throws InterruptedException {
        running = false;
        thread.join(60_000);
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("producing frames failed: " + e.getMessage(), e);
        }
        return acked.get();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
