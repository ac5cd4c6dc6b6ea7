package io.vggstream.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher script, as a user runs it: {@code ./vggstream kafka start|status|stop} and
 * {@code topics create} against the broker it starts. Runs the jars this build packaged
 * ({@code VGGSTREAM_NO_BUILD=1}: no Maven inside Maven).
 */
class LauncherKafkaIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path home;

    private Path dataDir;

    record Run(int code, String out) {
    }

    private Run vggstream(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("vggstream").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("VGGSTREAM_NO_BUILD", "1");
        pb.environment().put("VGGSTREAM_HOME", home.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("vggstream %s did not finish", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @AfterEach
    void stopWhatever() throws Exception {
        // A failed assertion must not leave a broker behind.
        if (dataDir != null) {
            vggstream("kafka", "stop", "--data-dir", dataDir.toString());
        }
    }

    @Test
    void shouldStartIdempotentlyReportStatusServeTopicsAndStopLeavingNoProcess() throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        dataDir = home.resolve("kafka");
        String[] where = {"--data-dir", dataDir.toString()};

        Run start = vggstream(concat(new String[] {"kafka", "start", "--port", "" + port, "--controller-port", "" + controllerPort}, where));
        assertThat(start.code()).as(start.out()).isZero();
        assertThat(start.out()).contains("127.0.0.1:" + port);
        long pid = pidOf(start.out());
        assertThat(ProcessHandle.of(pid)).get().matches(ProcessHandle::isAlive);
        // status and stop recognise the broker by its command line: it must fit in what the JDK reads of it.
        assertThat(ProcessHandle.of(pid).get().info().commandLine()).get().asString()
            .contains("io.vggstream.broker.BrokerMain").contains(dataDir.toString());

        Run again = vggstream(concat(new String[] {"kafka", "start", "--port", "" + port, "--controller-port", "" + controllerPort}, where));
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(again.out()).contains("already running").contains("pid " + pid);

        Run status = vggstream(concat(new String[] {"kafka", "status"}, where));
        assertThat(status.code()).as(status.out()).isZero();
        assertThat(status.out()).contains("running on 127.0.0.1:" + port).contains("pid " + pid);

        Run topics = vggstream("topics", "create", "-b", "127.0.0.1:" + port);
        assertThat(topics.code()).as(topics.out()).isZero();
        assertThat(topics.out()).contains("vggstream.frames").contains("CREATED").contains("8454144");

        Run stop = vggstream(concat(new String[] {"kafka", "stop"}, where));
        assertThat(stop.code()).as(stop.out()).isZero();
        assertThat(stop.out()).contains("Kafka stopped");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("broker pid %d still alive", pid).isFalse();
        assertThat(portIsFree(port)).as("port %d still bound after stop", port).isTrue();

        Run after = vggstream(concat(new String[] {"kafka", "status"}, where));
        assertThat(after.code()).isEqualTo(1);
        assertThat(after.out()).contains("not running");
        assertThat(vggstream(concat(new String[] {"kafka", "stop"}, where)).code()).isZero();

        // The data directory outlives the process: a restart finds its cluster and topics again.
        Run restart = vggstream(concat(new String[] {"kafka", "start", "--port", "" + port, "--controller-port", "" + controllerPort}, where));
        assertThat(restart.code()).as(restart.out()).isZero();
        assertThat(restart.out()).contains(clusterOf(start.out()));
        Run described = vggstream("topics", "describe", "-b", "127.0.0.1:" + port);
        assertThat(described.code()).as(described.out()).isZero();
        assertThat(described.out()).contains("EXISTS").doesNotContain("MISSING");
        long pid2 = pidOf(restart.out());
        assertThat(vggstream(concat(new String[] {"kafka", "stop"}, where)).code()).isZero();
        assertThat(ProcessHandle.of(pid2).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        dataDir = null;
    }

    @Test
    void shouldRefuseAPortInUseWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Run r = vggstream("kafka", "start", "--port", "" + taken.getLocalPort(), "--controller-port", "" + freePort(),
                "--data-dir", home.resolve("k2").toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).contains("port " + taken.getLocalPort()).contains("already in use");
        }
        assertThat(Files.exists(home.resolve("k2/broker.state"))).isFalse();
    }

    private static long pidOf(String out) {
        Matcher m = Pattern.compile("pid (\\d+)").matcher(out);
        assertThat(m.find()).as("no pid in: %s", out).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String clusterOf(String out) {
        Matcher m = Pattern.compile("cluster (\\S+?)\\)").matcher(out);
        assertThat(m.find()).as("no cluster id in: %s", out).isTrue();
        return m.group(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 50, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
