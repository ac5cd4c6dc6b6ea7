package io.vggstream.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * A {@link KraftBroker} in a background child JVM, found again through a state file in its
 * data directory: what {@code ./vggstream kafka start|status|stop} drive.
 */
public final class BrokerDaemon {

    static final String STATE_FILE = "broker.state";
    static final String LOG_FILE = "broker.log";

    private final Path dataDir;

    public BrokerDaemon(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve(LOG_FILE);
    }

    /** What {@code status} reports. {@code clusterId} is empty when the broker did not answer. */
    public record Status(boolean running, long pid, int port, Optional<String> clusterId, int brokers) {
        public String bootstrapServers() {
            return "127.0.0.1:" + port;
        }
    }

    /** The result of {@link #start}: the broker, and whether it had been running already. */
    public record Started(Status status, boolean alreadyRunning) {
    }

    /** Reads the state file and asks the broker; a dead process or a stale file reads as not running. */
    public Status status() {
        Optional<State> state = readState();
        if (state.isEmpty() || !isOurBroker(state.get().pid())) {
            return new Status(false, state.map(State::pid).orElse(-1L), state.map(State::port).orElse(-1), Optional.empty(), 0);
        }
        State s = state.get();
        // Generous: a busy machine can take seconds to answer a new client.
        Optional<DescribeClusterResultView> cluster = describe(s.port(), Duration.ofSeconds(15));
        return new Status(true, s.pid(), s.port(), cluster.map(DescribeClusterResultView::clusterId),
            cluster.map(DescribeClusterResultView::brokers).orElse(0));
    }

    /**
     * Starts the broker in a child JVM and returns once it accepts connections; returns the
     * running one when there is one already (start is idempotent).
     *
     * @throws KraftBroker.PortInUseException when a port is taken by another process
     * @throws IllegalStateException when the broker does not come up; the message holds the end of its log
     */
    public Started start(int port, int controllerPort, Duration timeout) {
        Status current = status();
        if (current.running()) {
            return new Started(current, true);
        }
        deleteState();
        KraftBroker.requireFree(port, "client");
        KraftBroker.requireFree(controllerPort, "controller");
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka data directory " + dataDir, e);
        }
        Process child = spawn(port, controllerPort);
        writeState(new State(child.pid(), port, controllerPort));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                deleteState();
                throw new IllegalStateException("the Kafka broker exited with code " + child.exitValue()
                    + " while starting; the end of " + logFile() + ":\n" + tail(logFile(), 25));
            }
            Optional<DescribeClusterResultView> up = describe(port, Duration.ofSeconds(2));
            if (up.isPresent()) {
                return new Started(new Status(true, child.pid(), port, Optional.of(up.get().clusterId()), up.get().brokers()), false);
            }
            waitBriefly(child);
        }
        child.destroyForcibly();
        deleteState();
        throw new IllegalStateException("the Kafka broker did not accept connections on 127.0.0.1:" + port
            + " within " + timeout + "; the end of " + logFile() + ":\n" + tail(logFile(), 25));
    }

    /**
     * Stops the broker with SIGTERM (a clean shutdown), then SIGKILL if it has not exited within
     * {@code timeout}. Returns false when no broker was running.
     */
    public boolean stop(Duration timeout) {
        Optional<State> state = readState();
        if (state.isEmpty()) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(state.get().pid()).filter(h -> isOurBroker(h.pid()));
        if (handle.isEmpty()) {
            deleteState();
            return false;
        }
        ProcessHandle h = handle.get();
        h.destroy();
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            h.destroyForcibly();
            h.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the Kafka broker", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for the Kafka broker to exit failed", e);
        }
        deleteState();
        return true;
    }

    private Process spawn(int port, int controllerPort) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        // A session of its own: the broker outlives the launcher and ignores the terminal's Ctrl-C.
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid");
        }
        // The class path goes in the environment, not on the command line: a full one is far longer
        // than the 4096 characters the JDK reads of /proc/PID/cmdline, and status and stop find the
        // broker by its main class and data directory there.
        cmd.addAll(List.of(java, "-Xms64m", "-Xmx512m",
            "-Djava.io.tmpdir=" + dataDir.resolve("tmp"),
            "-Dvggstream.log.level=INFO",
            BrokerMain.class.getName(), dataDir.toString(), Integer.toString(port), Integer.toString(controllerPort)));
        try {
            Files.createDirectories(dataDir.resolve("tmp"));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
            pb.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker's JVM (" + java + ")", e);
        }
    }

    private boolean isOurBroker(long pid) {
        return ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            // Where the OS hides the command line, trust the pid: the state file is ours.
            .map(h -> h.info().commandLine().map(this::isOurCommandLine).orElse(true))
            .orElse(false);
    }

    private boolean isOurCommandLine(String commandLine) {
        return commandLine.contains(BrokerMain.class.getName()) && commandLine.contains(dataDir.toString());
    }

    private record DescribeClusterResultView(String clusterId, int brokers) {
    }

    private static Optional<DescribeClusterResultView> describe(int port, Duration timeout) {
        Map<String, Object> conf = Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
            // One quiet attempt per probe: callers loop.
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(conf)) {
            DescribeClusterResult r = admin.describeCluster();
            String id = r.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int n = r.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            return Optional.of(new DescribeClusterResultView(id, n));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void waitBriefly(Process child) {
        try {
            child.waitFor(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    private record State(long pid, int port, int controllerPort) {
    }

    private Optional<State> readState() {
        Path file = dataDir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(new State(Long.parseLong(p.getProperty("pid")),
                Integer.parseInt(p.getProperty("port")), Integer.parseInt(p.getProperty("controller.port"))));
        } catch (IOException | RuntimeException e) {
            // A torn or hand-edited file: treat as no broker, and start will replace it.
            return Optional.empty();
        }
    }

    private void writeState(State s) {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(s.pid()));
        p.setProperty("port", Integer.toString(s.port()));
        p.setProperty("controller.port", Integer.toString(s.controllerPort()));
        p.setProperty("started", Instant.now().toString());
        try (Writer w = Files.newBufferedWriter(dataDir.resolve(STATE_FILE), StandardCharsets.UTF_8)) {
            p.store(w, "the vggstream Kafka broker started by `vggstream kafka start`");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(STATE_FILE), e);
        }
    }

    private void deleteState() {
        try {
            Files.deleteIfExists(dataDir.resolve(STATE_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dataDir.resolve(STATE_FILE), e);
        }
    }

    static String tail(Path file, int lines) {
        try {
            // Lenient decoding: a broker log is not guaranteed to be valid UTF-8.
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
