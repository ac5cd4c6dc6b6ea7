package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.testing.ChildEngine;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.engine.testing.TestTopics;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM never crashes the engine: twenty stops of the engine process, every other one while it
 * infers a backlog (frames in flight, the drain answering every one of them), each a clean exit (code 0, as
 * documented) with no crash file written, neither in the log folder nor in the working directory.
 * Before the fix, ONNX Runtime's own JVM shutdown hook released its environment under the drain's
 * runs: a SIGSEGV in {@code OrtSession.run}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GracefulStopIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int STOPS = 20;
    /** Frames sent before each stop under traffic: more than max-in-flight (32), so that the engine is busy when the stop comes. */
    private static final int BURST = 48;
    /**
     * Rounds a traffic lane may add for signals that came between two polls, with every frame consumed so far answered
     * and none in flight: such a stop is checked like the others but does not count as one under traffic.
     */
    private static final int SPARE_ROUNDS = 5;

    @TempDir
    Path dir;

    private record Stop(int round, boolean traffic, long inFlight, long drained, int exitCode, long millis, List<Path> crashFiles) {

        /** A stop under traffic that found frames in flight, or an idle one. */
        boolean counts() {
            return !traffic || inFlight > 0;
        }
    }

    @Test
    void shouldExitCleanlyOnEverySigtermWhenIdleOrUnderTraffic(LocalKafka kafka) throws Exception {
        long t0 = System.nanoTime();
        List<Stop> stops = new ArrayList<>();
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            // Two lanes at once, each with its own topics and group, to halve the wall time: idle stops, and stops under traffic.
            ExecutorService lanes = Executors.newFixedThreadPool(2);
            try {
                Future<List<Stop>> idle = lanes.submit(() -> lane(kafka, model.dir(), false));
                Future<List<Stop>> busy = lanes.submit(() -> lane(kafka, model.dir(), true));
                stops.addAll(idle.get());
                stops.addAll(busy.get());
            } finally {
                lanes.shutdownNow();
            }
        }
        List<Stop> counted = stops.stream().filter(Stop::counts).toList();
        long underTraffic = counted.stream().filter(Stop::traffic).count();
        assertThat(counted).as("%s", stops).hasSize(STOPS);
        assertThat(underTraffic).isEqualTo(STOPS / 2);
        assertThat(stops).as("%s", stops).allMatch(s -> s.exitCode() == 0 && s.crashFiles().isEmpty());
        assertThat(counted.stream().filter(Stop::traffic))
            .as("under traffic, the drain answered every frame in flight at the signal: %s", stops)
            .allMatch(s -> s.drained() >= s.inFlight());
        assertThat(stops.stream().filter(s -> !s.traffic())).as("idle: %s", stops).allMatch(s -> s.inFlight() == 0 && s.drained() == 0);
        System.out.printf("graceful stop: %d stops (%d under traffic, %d more that found none in flight), exit codes %s, stop ms %s,"
                + " frames in flight at the stop %s, answered by the drain %s; %d s in all%n",
            counted.size(), underTraffic, stops.size() - counted.size(), stops.stream().map(Stop::exitCode).toList(),
            stops.stream().map(Stop::millis).toList(), stops.stream().filter(Stop::traffic).map(Stop::inFlight).toList(),
            stops.stream().filter(Stop::traffic).map(Stop::drained).toList(), (System.nanoTime() - t0) / 1_000_000_000);
    }

    /**
     * STOPS / 2 starts and SIGTERMs of the engine, on topics and a group of the lane's own; under traffic, STOPS / 2 with
     * frames in flight, in at most SPARE_ROUNDS more rounds.
     */
    private List<Stop> lane(LocalKafka kafka, Path model, boolean traffic) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        String name = traffic ? "busy" : "idle";
        List<Stop> stops = new ArrayList<>();
        try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(),
                 new FrameSerializer());
             Answers answers = new Answers(kafka.bootstrapServers(), topics)) {
            List<String> args = List.of(kafka.bootstrapServers(), topics.frames().name(), topics.predictions().name(),
                topics.deadLetter().name(), kafka.uniqueName("engine"), model.toString(),
                // 156 inputs a frame: the engine is mid-batch when the stop comes.
                "dense+crops", "at-least-once", kafka.uniqueName("txn"));
            long produced = 0;
            for (int round = 0; stops.stream().filter(Stop::counts).count() < STOPS / 2 && round < STOPS / 2 + SPARE_ROUNDS; round++) {
                Path work = dir.resolve("work-" + name + "-" + round);
                // C1 only: the children start faster, and what is tested (the order of the stop) does not depend on the JIT.
                try (ChildEngine engine = ChildEngine.start(dir.resolve("logs"), work, List.of("-XX:TieredStopAtLevel=1"), args)) {
                    if (traffic) {
                        long before = answers.count();
                        for (int i = 0; i < BURST; i++) {
                            producer.send(FrameRecords.record(topics.frames().name(), "cam-" + (i % 4),
                                Frame.of(produced + i, System.currentTimeMillis(), Frames.jpeg(48, 40, produced + i))));
                        }
                        producer.flush();
                        produced += BURST;
                        // The stop comes once this engine answers: it is inferring, with frames still to do.
                        answers.awaitMoreThan(before, Duration.ofSeconds(120));
                    }
                    long s0 = System.nanoTime();
                    int code = engine.terminate(120);
                    Stop stop = new Stop(round, traffic, engine.inFlightAtStop(), engine.answeredAfterStop(), code,
                        (System.nanoTime() - s0) / 1_000_000, engine.crashFiles());
                    stops.add(stop);
                    System.out.println("graceful stop " + stop);
                    assertThat(stop.exitCode()).as("stop %s; the engine's output:%n%s", stop, engine.log()).isZero();
                    assertThat(stop.crashFiles()).as("stop %s", stop).isEmpty();
                    assertThat(engine.log()).as("stop %s", stop).contains("STOPPED");
                }
            }
        }
        return stops;
    }

    /** Counts the engine's answers (predictions and dead letters) as they are written, on a thread of its own. */
    private static final class Answers implements AutoCloseable {
        private final AtomicLong count = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Answers(String bootstrap, TopicsSettings topics) {
            KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : List.of(topics.predictions().name(), topics.deadLetter().name())) {
                c.partitionsFor(t, Duration.ofSeconds(60)).forEach(p -> tps.add(new TopicPartition(t, p.partition())));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            // Resolved now, not at the first poll: otherwise the first round's answers could be seen only after the engine
            // had finished its whole burst, and its stop would find nothing in flight.
            tps.forEach(tp -> c.position(tp, Duration.ofSeconds(60)));
            CountDownLatch polled = new CountDownLatch(1);
            thread = new Thread(() -> {
                try (c) {
                    while (running.get()) {
                        int n = c.poll(Duration.ofMillis(100)).count();
                        polled.countDown();
                        if (n > 0) {
                            synchronized (count) {
                                count.addAndGet(n);
                                count.notifyAll();
                            }
                        }
                    }
                }
            }, "answers");
            thread.start();
            try {
                if (!polled.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the answers' consumer did not poll within 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        long count() {
            return count.get();
        }

        void awaitMoreThan(long n, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            synchronized (count) {
                while (count.get() <= n) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        throw new AssertionError("no answer within " + within + " (answers so far: " + count.get() + ")");
                    }
                    count.wait(left);
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
