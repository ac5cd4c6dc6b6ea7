package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful degradation by real load over a real budget: frames offered faster than the engine answers
 * them push its latency over the budget and it steps the protocol down the ladder, rung by rung; when
 * the load goes away it steps back up to the configured protocol. Every prediction names its protocol.
 * The budget and the load are calibrated from this machine's measured latencies, so the test means the
 * same on a fast or a slow one.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DegradationIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final Protocol TOP = Protocol.parse("multi-scale");
    private static final Protocol MID = Protocol.parse("single");
    private static final Protocol BOTTOM = Protocol.parse("single,flips=off");
    /** The budget over one unloaded frame's latency at the middle rung: stepping up to the top needs under half of it. */
    private static final double BUDGET_OVER_UNLOADED = 6;
    /** The latency under load aimed at, over the budget: the engine is over it even on the middle rung. */
    private static final double LOADED_OVER_BUDGET = 4;

    @TempDir
    Path dir;

    @Test
    void shouldStepDownTheLadderUnderLoadAndBackUpWhenTheLoadGoes(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            Calibration cal = calibrate(kafka, k, model);
            double budgetMs = BUDGET_OVER_UNLOADED * cal.unloadedMs();
            // In-flight frames wait behind each other: latency under load grows with max-in-flight.
            int maxInFlight = (int) Math.min(2048, Math.max(32,
                Math.ceil(cal.inFlight() * LOADED_OVER_BUDGET * budgetMs / cal.loadedMs())));
            System.out.printf(Locale.ROOT, "DegradationIT: at %s one frame alone took %.1f ms, %d in flight %.1f ms each; budget %.1f ms,"
                + " max-in-flight %d%n", MID, cal.unloadedMs(), cal.inFlight(), cal.loadedMs(), budgetMs, maxInFlight);

            TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
            EngineSettings settings = settings(model, maxInFlight, kafka.uniqueName("g"))
                .withDegrade(new EngineSettings.Degrade(true, Duration.ofNanos(Math.round(budgetMs * 1e6)), List.of(TOP, MID, BOTTOM),
                    Duration.ofMillis(300)));
            List<Prediction> loaded = new ArrayList<>();
            List<Prediction> unloaded = new ArrayList<>();
            List<Protocol> levels;
            try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics);
                 KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer());
                 KafkaConsumer<String, Prediction> c = TestTopics.fromStart(kafka.bootstrapServers(), topics.predictions().name(), new StringDeserializer(), new PredictionDeserializer())) {
                levels = running.engine().levels();
                Sender send = new Sender(p, topics);
                long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
                // Load: keep twice max-in-flight frames waiting beyond those in flight until the bottom rung answers.
                while (!answeredBy(loaded, BOTTOM) && System.nanoTime() < deadline) {
                    if (send.sent() - loaded.size() < 3L * maxInFlight) {
                        send.frames(maxInFlight);
                    }
                    c.poll(Duration.ofMillis(50)).forEach(r -> loaded.add(r.value()));
                }
                // The load goes: the backlog is worked off, then one frame at a time, each answered before the next.
                while (loaded.size() < send.sent() && System.nanoTime() < deadline) {
                    c.poll(Duration.ofMillis(200)).forEach(r -> loaded.add(r.value()));
                }
                while (!answeredBy(unloaded, TOP) && System.nanoTime() < deadline) {
                    send.frames(1);
                    while (loaded.size() + unloaded.size() < send.sent() && System.nanoTime() < deadline) {
                        c.poll(Duration.ofMillis(200)).forEach(r -> unloaded.add(r.value()));
                    }
                }
                System.out.printf(Locale.ROOT, "DegradationIT: %d frames under load: %s; then %d one at a time: %s%n", loaded.size(),
                    runs(loaded), unloaded.size(), runs(unloaded));
            }
            assertThat(levels).containsExactly(TOP, MID, BOTTOM);
            assertThat(answeredBy(loaded, BOTTOM)).as("under load, the bottom rung reached: %s", runs(loaded)).isTrue();
            assertThat(loaded.stream().map(x -> x.protocol().name()).distinct().toList())
                .as("under load, the protocols in the order first used: down the ladder a rung at a time")
                .containsExactly(TOP.toString(), MID.toString(), BOTTOM.toString());
            assertThat(answeredBy(unloaded, TOP)).as("without load, back to the top: %s", runs(unloaded)).isTrue();
            List<String> climb = runs(unloaded);
            assertThat(climb).as("without load, only up, a rung at a time")
                .isEqualTo(List.of(BOTTOM.toString(), MID.toString(), TOP.toString()).subList(3 - Math.min(3, climb.size()), 3));
            Prediction last = unloaded.get(unloaded.size() - 1);
            assertThat(last.protocol().scales()).hasSize(3);
            assertThat(last.protocol().flips()).isTrue();
            assertThat(loaded.get(loaded.size() - 1).protocol().flips()).isFalse();
        }
    }

    /** What one frame at the middle rung takes alone, and what each of {@code inFlight} frames takes when they come at once. */
    private record Calibration(double unloadedMs, int inFlight, double loadedMs) {
    }

    /** The middle rung without degradation: 10 frames to warm up, 21 one at a time (the median), then 3 x max-in-flight at once. */
    private Calibration calibrate(LocalKafka kafka, KafkaSettings k, TestModels.Exported model) throws Exception {
        // Topics of its own: the test's engine reads its frames topic from the start.
        TopicsSettings topics = TestTopics.ensured(k, TopicsSettings.from(CONFIG).withNames(kafka.uniqueName("calibration-frames"),
            kafka.uniqueName("calibration-predictions"), kafka.uniqueName("calibration-dlq")));
        int inFlight = CONFIG.getInt("vggstream.engine.max-in-flight");
        EngineSettings settings = settings(model, inFlight, kafka.uniqueName("calibration")).withProtocol(MID);
        try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics);
             KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(), new FrameSerializer());
             KafkaConsumer<String, Prediction> c = TestTopics.fromStart(kafka.bootstrapServers(), topics.predictions().name(), new StringDeserializer(), new PredictionDeserializer())) {
            assertThat(running.engine().levels()).as("no degradation while calibrating").containsExactly(MID);
            Sender send = new Sender(p, topics);
            List<Prediction> got = new ArrayList<>();
            for (int i = 0; i < 31; i++) {
                send.frames(1);
                await(c, got, send.sent());
            }
            double unloaded = median(got.subList(10, 31));
            send.frames(3 * inFlight);
            await(c, got, send.sent());
            // The last max-in-flight of the burst: each entered the engine with the others in flight ahead of it.
            double loaded = median(got.subList(got.size() - inFlight, got.size()));
            return new Calibration(unloaded, inFlight, loaded);
        }
    }

    private EngineSettings settings(TestModels.Exported model, int maxInFlight, String group) {
        Config c = ConfigFactory.parseMap(Map.of("vggstream.engine.max-in-flight", maxInFlight)).withFallback(CONFIG);
        return EngineSettings.from(c).withModels(List.of(model.dir())).withInference(InferenceSettings.from(c).withDevices(List.of(Device.parse("cpu")))).withGroupId(group)
            .withProtocol(TOP);
    }

    private static void await(KafkaConsumer<String, Prediction> c, List<Prediction> got, long n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (got.size() < n && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
        }
        assertThat(got).hasSize((int) n);
    }

    private static double median(List<Prediction> ps) {
        double[] ms = ps.stream().mapToDouble(x -> x.latencyMs().engine()).sorted().toArray();
        return ms[ms.length / 2];
    }

    private static boolean answeredBy(List<Prediction> ps, Protocol p) {
        return ps.stream().anyMatch(x -> x.protocol().name().equals(p.toString()));
    }

    /** The protocols in answer order (as predictions name them: Protocol.toString), repeats collapsed: one entry a run of one rung. */
    private static List<String> runs(List<Prediction> ps) {
        List<String> out = new ArrayList<>();
        for (Prediction x : ps) {
            if (out.isEmpty() || !out.get(out.size() - 1).equals(x.protocol().name())) {
                out.add(x.protocol().name());
            }
        }
        return out;
    }

    /** Frames of one stream, numbered on; images encoded once, so that the sender keeps up with the engine. */
    private static final class Sender {
        private static final List<byte[]> IMAGES = java.util.stream.IntStream.range(0, 16).mapToObj(i -> Frames.jpeg(48, 40, i)).toList();
        private final KafkaProducer<String, Frame> producer;
        private final TopicsSettings topics;
        private long n;

        Sender(KafkaProducer<String, Frame> producer, TopicsSettings topics) {
            this.producer = producer;
            this.topics = topics;
        }

        void frames(int count) {
            for (int i = 0; i < count; i++, n++) {
                producer.send(FrameRecords.record(topics.frames().name(), "cam",
                    Frame.of(n, System.currentTimeMillis(), IMAGES.get((int) (n % IMAGES.size())))));
            }
            producer.flush();
        }

        long sent() {
            return n;
        }
    }
}
