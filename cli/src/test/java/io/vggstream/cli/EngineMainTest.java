package io.vggstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The engine image's launcher runs on a classpath without what that image leaves out (the trainer,
 * benchmarks, video, replicate and broker modules; PyTorch, FFmpeg, the Kafka broker, JMH): each of
 * its commands starts in a JVM given only the rest of this test's classpath.
 */
class EngineMainTest {

    /**
     * What deploy/docker/Dockerfile does not copy: the other modules' classes (their target folders in a reactor
     * build, their installed jars when cli is built alone) and their own dependencies.
     */
    private static final Pattern LEFT_OUT = Pattern.compile(
        "[/\\\\](trainer|benchmarks|video|replicate|broker)[/\\\\]target[/\\\\]|vggstream-(trainer|benchmarks|video|replicate|broker)-[^/\\\\]*\\.jar$|pytorch|[/\\\\]ai[/\\\\]djl[/\\\\]|ffmpeg|javacv"
            + "|kafka_2\\.13|kafka-(server|raft|metadata|storage|group-coordinator|share-coordinator|transaction-coordinator"
            + "|coordinator-common|tools-api)|jmh|log4j|metrics-core");

    @Test
    void shouldRunEveryEngineCommandWhenTheOtherCommandsClassesAreMissing() throws Exception {
        List<String> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            (LEFT_OUT.matcher(entry).find() ? dropped : kept).add(entry);
        }
        assertThat(dropped).as("the test's classpath has what the image leaves out").anyMatch(e -> e.contains("pytorch"))
            .anyMatch(e -> e.contains("kafka_2.13")).anyMatch(e -> e.contains("trainer"));
        String classpath = String.join(File.pathSeparator, kept);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }

        assertThat(engineMain(classpath, "--help")).contains("run").contains("status").contains("topics").doesNotContain("train");
        assertThat(engineMain(classpath, "run", "--help")).contains("--model");
        assertThat(engineMain(classpath, "topics", "--help")).contains("create");
        // status reaches its HTTP client and says nothing answers (exit 1), without a missing class on the way.
        assertThat(engineMain(classpath, "status", "--port", Integer.toString(closed))).contains("no engine answers");
        // JSON logs (logback.xml's json appender, logstash-logback-encoder) start on the image's classpath: LogFormat
        // fails the command, naming the missing class, when that appender cannot start.
        assertThat(engineMain(classpath, "--log-format", "json", "status", "--port", Integer.toString(closed))).contains("no engine answers")
            .doesNotContain("cannot write json logs");
    }

    private static String engineMain(String classpath, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", classpath, EngineMain.class.getName()));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("%s", String.join(" ", args)).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", args), out).isEqualTo(Arrays.asList(args).contains("status") ? 1 : 0);
        return out;
    }
}
