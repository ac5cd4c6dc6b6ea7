package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.kafka.KafkaPipe;
import io.vggstream.engine.runtime.ExitGuard;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM exit the engine did not start, under traffic (the test hook: a frame whose header makes another thread call
 * {@code System.exit(89)}, as a library might, once an inference run is in progress): no crash, ever. With
 * {@code java.lang} open (as the launcher and the images run it) the exit guard replaces ONNX Runtime's shutdown hook,
 * waits for the runs in progress and the process exits with the status System.exit was given; without, the guard halts
 * with 88 when a run is in progress, else the exit goes on (89).
 */
@ExtendWith(KafkaBrokerExtension.class)
class SelfExitIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int ROUNDS = 4;
    private static final int BURST = 48;
    private static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";

    @TempDir
    Path dir;

    @Test
    void shouldStopThroughTheEnginesOwnPathOnAFatalErrorInsteadOfPekkosSystemExit(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            List<String> args = List.of(kafka.bootstrapServers(), topics.frames().name(), topics.predictions().name(),
                topics.deadLetter().name(), kafka.uniqueName("engine-fatal"), model.dir().toString(), "dense+crops", "at-least-once",
                kafka.uniqueName("txn-fatal"));
            try (ChildEngine engine = ChildEngine.start(dir.resolve("logs"), dir.resolve("work-fatal"),
                     List.of("-D" + KafkaPipe.KILL_HOOK + "=true", "-XX:TieredStopAtLevel=1", OPENS), args);
                 KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(),
                     new FrameSerializer())) {
                for (int i = 0; i < BURST; i++) {
                    ProducerRecord<String, Frame> r = FrameRecords.record(topics.frames().name(), "cam-" + (i % 4),
                        Frame.of(i, System.currentTimeMillis(), Frames.jpeg(48, 40, i)));
                    if (i == BURST / 4) {
                        r.headers().add(KafkaPipe.FATAL_HEADER, "1".getBytes(StandardCharsets.UTF_8));
                    }
                    p.send(r);
                }
                p.flush();
                assertThat(engine.process().waitFor(180, TimeUnit.SECONDS)).as("exited: %s", engine.log()).isTrue();
                int code = engine.process().exitValue();
                System.out.println("self exit, fatal error: exit " + code + ", crash files " + engine.crashFiles());
                // Pekko's System.exit(-1) would be 255; the engine's own stop after a failure ends with 1, or 3 under a run.
                assertThat(code).as(engine.log()).isIn(1, 3);
                assertThat(engine.log()).contains("carries " + KafkaPipe.FATAL_HEADER).contains("ENDED ").contains("STOPPED");
                assertThat(engine.crashFiles()).isEmpty();
            }
        }
    }

    private record Exit(int round, boolean opens, int exitCode, String guard, List<Path> crashFiles) {
    }

    @Test
    void shouldNeverCrashWhenSomethingElseExitsTheJvmUnderTraffic(LocalKafka kafka) throws Exception {
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        List<Exit> exits = new ArrayList<>();
        try (TestModels.Exported model = TestModels.export(dir.resolve("m"))) {
            for (int round = 0; round < ROUNDS; round++) {
                boolean opens = round % 2 == 0;
                TopicsSettings topics = TestTopics.created(kafka, k, CONFIG);
                List<String> args = List.of(kafka.bootstrapServers(), topics.frames().name(), topics.predictions().name(),
                    topics.deadLetter().name(), kafka.uniqueName("engine-" + round), model.dir().toString(),
                    // 156 inputs a frame: runs are in progress when the exit comes.
                    "dense+crops", "at-least-once", kafka.uniqueName("txn-" + round));
                List<String> jvm = new ArrayList<>(List.of("-D" + KafkaPipe.KILL_HOOK + "=true", "-XX:TieredStopAtLevel=1"));
                if (opens) {
                    jvm.add(OPENS);
                }
                try (ChildEngine engine = ChildEngine.start(dir.resolve("logs"), dir.resolve("work-" + round), jvm, args);
                     KafkaProducer<String, Frame> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new StringSerializer(),
                         new FrameSerializer())) {
                    for (int i = 0; i < BURST; i++) {
                        ProducerRecord<String, Frame> r = FrameRecords.record(topics.frames().name(), "cam-" + (i % 4),
                            Frame.of(i, System.currentTimeMillis(), Frames.jpeg(48, 40, i)));
                        if (i == BURST / 4) {
                            r.headers().add(KafkaPipe.EXIT_HEADER, "1".getBytes(StandardCharsets.UTF_8));
                        }
                        p.send(r);
                    }
                    p.flush();
                    assertThat(engine.process().waitFor(180, TimeUnit.SECONDS)).as("exited: %s", engine.log()).isTrue();
                    String guard = engine.log().lines().filter(l -> l.startsWith("vggstream: ")).findFirst().orElse("");
                    Exit exit = new Exit(round, opens, engine.process().exitValue(), guard, engine.crashFiles());
                    exits.add(exit);
                    System.out.println("self exit " + exit);
                    assertThat(exit.crashFiles()).as("%s: %s", exit, engine.log()).isEmpty();
                    assertThat(engine.log()).as("the hook fired: %s", exit).contains("carries " + KafkaPipe.EXIT_HEADER);
                    if (opens) {
                        assertThat(exit.exitCode()).as("runs waited for, then System.exit's status: %s%n%s", exit, engine.log())
                            .isEqualTo(KafkaPipe.EXIT_HOOK_CODE);
                        assertThat(engine.log()).doesNotContain("could not be taken over");
                    } else {
                        assertThat(exit.exitCode()).as("%s%n%s", exit, engine.log()).isIn(KafkaPipe.EXIT_HOOK_CODE, ExitGuard.EXIT_CODE);
                        assertThat(engine.log()).contains("could not be taken over");
                    }
                }
            }
        }
        System.out.println("self exit: " + exits);
    }
}
