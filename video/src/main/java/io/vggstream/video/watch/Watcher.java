package io.vggstream.video.watch;

import io.vggstream.report.Clock;
import io.vggstream.report.Percentiles;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import io.vggstream.video.VideoException;
import io.vggstream.video.watch.WatchOptions.View;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code watch}: a live view of the predictions topic. {@link #open} positions a consumer on
 * every partition (at the end, or at the start with {@code fromBeginning}) before it returns, so
 * whatever is produced after {@code open} is seen; {@link #run} then reads until the limit, the
 * duration, or {@link #stop()}, and returns the summary.
 *
 * <p>The consumer has a throwaway group id and never commits: watching leaves nothing behind on
 * the broker and takes nothing from the engine's group.
 *
 * <pre>{@code
 * try (Watcher w = Watcher.open(WatchOptions.defaults().withLimit(500), kafka, topics)) {
 *     // ... start publishing ...
 *     WatchSummary s = w.run(System.out);
 * }
 * }</pre>
 */
public final class Watcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);

    private final WatchOptions options;
    private final String topic;
    private final KafkaConsumer<String, Prediction> consumer;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final Map<String, StreamStats> streams = new LinkedHashMap<>();
    private long invalid;

    private Watcher(WatchOptions options, String topic, KafkaConsumer<String, Prediction> consumer) {
        this.options = options;
        this.topic = topic;
        this.consumer = consumer;
    }

    /**
     * Connects and positions the consumer. Fails with a {@link VideoException} naming the broker
     * when it does not answer, or the topic when it does not exist.
     */
    public static Watcher open(WatchOptions options, KafkaSettings kafka, TopicsSettings topics) {
        String topic = options.topic().orElse(topics.predictions().name());
        Map<String, Object> props = KafkaLimits.consumer(kafka, topics);
        // Its own group, never committed: a watcher neither shares the engine's partitions nor leaves offsets behind.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "vggstream-watch-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vggstream-watch");
        KafkaConsumer<String, Prediction> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new PredictionDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, options.kafkaTimeout());
            if (infos == null || infos.isEmpty()) {
                throw new VideoException("topic " + topic + " does not exist at " + kafka.bootstrapServers()
                    + " (./vggstream topics create makes the contract's topics)");
            }
            List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            // assign(), not subscribe(): no rebalance to wait for, so "from now" is now.
            consumer.assign(parts);
            if (options.fromBeginning()) {
                consumer.seekToBeginning(parts);
            } else {
                consumer.seekToEnd(parts);
            }
            for (TopicPartition p : parts) {
                consumer.position(p, options.kafkaTimeout());
            }
            return new Watcher(options, topic, consumer);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw new VideoException("Kafka at " + kafka.bootstrapServers() + " did not answer within " + options.kafkaTimeout().toSeconds()
                + " s (is it running? ./vggstream kafka start)", e);
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
    }

    /** Asks {@link #run} to end now and return its summary. Any thread. */
    public void stop() {
        stopRequested.set(true);
        consumer.wakeup();
    }

    /** Reads and shows predictions on {@code out}; see {@link #run(PrintWriter)}. */
    public WatchSummary run(PrintStream out) {
        PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8), true);
        return run(w);
    }

    /** Reads and shows predictions until the limit, the duration or a stop; then shows the last state and returns the summary. */
    public WatchSummary run(PrintWriter out) {
        long start = System.nanoTime();
        long deadline = options.duration().map(d -> start + d.toNanos()).orElse(Long.MAX_VALUE);
        long period = (options.view() == View.ANSI ? options.refresh() : options.plainInterval()).toNanos();
        long nextDraw = options.view() == View.ANSI ? start : start + period;
        WatchView.Redraw redraw = new WatchView.Redraw();
        long seen = 0;
        long limit = options.limit().orElse(Long.MAX_VALUE);
        try {
            while (!stopRequested.get() && seen < limit) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    break;
                }
                long waitNanos = Math.max(1_000_000, Math.min(Math.min(nextDraw - now, deadline - now), 200_000_000));
                ConsumerRecords<String, Prediction> records;
                try {
                    records = consumer.poll(Duration.ofNanos(waitNanos));
                } catch (RecordDeserializationException e) {
                    invalid++;
                    LOG.warn("skipped a record that is not a prediction at {} offset {}: {}", e.topicPartition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                long arrival = System.nanoTime();
                for (ConsumerRecord<String, Prediction> r : records) {
                    Prediction p = r.value();
                    if (p == null || (!options.streams().isEmpty() && !options.streams().contains(p.stream()))) {
                        continue;
                    }
                    streams.computeIfAbsent(p.stream(), s -> new StreamStats(s, options.latencyWindow(), options.rateWindow().toNanos()))
                        .add(p, arrival);
                    if (++seen >= limit) {
                        break;
                    }
                }
                now = System.nanoTime();
                if (options.view() != View.NONE && now - nextDraw >= 0) {
                    draw(out, redraw, now - start, now);
                    nextDraw = now + period;
                }
            }
        } catch (WakeupException e) {
            // stop() was called: fall through to the summary
        } catch (KafkaException e) {
            throw new VideoException("reading " + topic + " failed: " + e.getMessage(), e);
        }
        long end = System.nanoTime();
        if (options.view() != View.NONE) {
            draw(out, redraw, end - start, end);
        }
        return summary((end - start) / 1e9);
    }

    private void draw(PrintWriter out, WatchView.Redraw redraw, long elapsedNanos, long now) {
        List<WatchView.Row> rows = rows(now);
        String elapsed = Clock.format(elapsedNanos / 1e9);
        if (options.view() == View.ANSI) {
            long total = streams.values().stream().mapToLong(StreamStats::frames).sum();
            String title = String.format(java.util.Locale.ROOT, "vggstream watch  %s  %d predictions  %s  (Ctrl-C to stop)", topic, total, elapsed);
            out.print(redraw.frame(WatchView.table(title, rows, io.vggstream.video.Terminal.columns())));
        } else {
            for (WatchView.Row r : rows) {
                out.println(WatchView.plain(elapsed, r));
            }
        }
        out.flush();
    }

    private List<WatchView.Row> rows(long now) {
        List<WatchView.Row> rows = new ArrayList<>();
        streams.values().stream().sorted(Comparator.comparing(StreamStats::stream)).forEach(s -> rows.add(s.row(now)));
        return rows;
    }

    private WatchSummary summary(double seconds) {
        long frames = 0;
        long labelled = 0;
        long correct = 0;
        double fps = 0;
        List<WatchSummary.StreamSummary> per = new ArrayList<>();
        List<double[]> lat = new ArrayList<>();
        for (StreamStats s : streams.values().stream().sorted(Comparator.comparing(StreamStats::stream)).toList()) {
            frames += s.frames();
            labelled += s.labelled();
            correct += s.correct();
            fps += s.overallFps();
            per.add(s.summary());
            lat.add(s.latencies().values());
        }
        double[] all = lat.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
        OptionalDouble accuracy = labelled == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) correct / labelled);
        return new WatchSummary(frames, labelled, correct, accuracy, fps, Percentiles.of(all, all.length, 0.5),
            Percentiles.of(all, all.length, 0.99), seconds, invalid, per);
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
