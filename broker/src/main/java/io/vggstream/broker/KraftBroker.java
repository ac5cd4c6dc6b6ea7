package io.vggstream.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) in this JVM, listening on
 * 127.0.0.1 only. The same class backs the tests' JUnit extension and the child JVM behind
 * {@code ./vggstream kafka start}, so both run the broker the same way.
 */
public final class KraftBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KraftBroker.class);

    /** The largest record value the local broker accepts: an 8 MiB frame plus room for headers and batch overhead. */
    public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024 + 64 * 1024;

    private final Settings settings;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;
    private boolean closed;

    /**
     * What to start.
     *
     * @param dataDir where the log lives; formatted on first start, reused afterwards
     * @param port the client port on 127.0.0.1, or 0 for a free one
     * @param controllerPort the KRaft controller port, or 0 for a free one
     * @param deleteOnClose whether {@link #close()} removes {@code dataDir} (tests: yes)
     * @param overrides broker properties that replace the defaults
     */
    public record Settings(Path dataDir, int port, int controllerPort, boolean deleteOnClose, Map<String, String> overrides) {
        public Settings {
            Objects.requireNonNull(dataDir, "dataDir");
            overrides = Map.copyOf(overrides);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            if (controllerPort < 0 || controllerPort > 65535) {
                throw new IllegalArgumentException("controller port must be 0..65535, got " + controllerPort);
            }
        }

        /** A throwaway broker on free ports in a fresh temporary directory, deleted on close. */
        public static Settings ephemeral() {
            try {
                return new Settings(Files.createTempDirectory("vggstream-kafka-"), 0, 0, true, Map.of());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary Kafka data directory", e);
            }
        }
    }

    private KraftBroker(Settings settings, int port, int controllerPort) {
        this.settings = settings;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * Formats the data directory if needed, starts the broker and returns once it accepts
     * client connections.
     *
     * @throws PortInUseException when a requested port is taken
     */
    public static KraftBroker start(Settings settings, Duration readyTimeout) {
        int port = settings.port() == 0 ? freePort() : requireFree(settings.port(), "client");
        int controllerPort = settings.controllerPort() == 0 ? freePort() : requireFree(settings.controllerPort(), "controller");
        KraftBroker broker = new KraftBroker(settings, port, controllerPort);
        try {
            broker.startServer();
            broker.awaitReady(readyTimeout);
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return settings.dataDir();
    }

    /** The broker's properties, as written to {@code server.properties} and handed to Kafka. */
    Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", settings.dataDir().resolve("log").toString());
        // One node: every internal topic has exactly one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // No waiting for more members: a local group starts at once.
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default 128 MiB dedupe buffer alone would need a bigger heap than a dev broker deserves.
        p.put("log.cleaner.dedupe.buffer.size", "8388608");
        // Frames are up to 8 MiB; the topic settings say so too, this covers topics made by hand.
        p.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        // Topics come from `vggstream topics create` with the contract's settings, not from a typo.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.putAll(settings.overrides());
        return p;
    }

    private void startServer() {
        Map<String, String> props = properties();
        try {
            Files.createDirectories(settings.dataDir());
            Path propsFile = settings.dataDir().resolve("server.properties");
            Properties asProperties = new Properties();
            asProperties.putAll(props);
            try (Writer w = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
                asProperties.store(w, "written by vggstream; regenerated on every start");
            }
            // A directory formatted before keeps its cluster id and its topics: format only once.
            if (!Files.exists(settings.dataDir().resolve("log").resolve("meta.properties"))) {
                format(propsFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Kafka data directory " + settings.dataDir(), e);
        }
        server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        log.info("KRaft broker starting on {} (controller {}), data in {}", bootstrapServers(), controllerPort, settings.dataDir());
    }

    /** Formats a new log directory under a fresh cluster id. */
    private static void format(Path propsFile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {
                "format", "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString()}, ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting the Kafka log directory failed (" + rc + "): "
                + out.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> conf = Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            // Fail each probe fast; the loop below owns the overall deadline.
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(conf)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the Kafka broker on " + bootstrapServers()
                            + " did not accept connections within " + timeout, e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    /** Stops the broker and waits for it; removes the data directory when the settings ask for it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
        if (settings.deleteOnClose()) {
            deleteTree(settings.dataDir());
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not remove {} completely: {}", dir, e.toString());
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** Binds the port once to prove it is free, so that a taken port is a clear error, not a Kafka stack trace. */
    static int requireFree(int port, String role) {
        if (!isFree(port)) {
            throw new PortInUseException(port, role);
        }
        return port;
    }

    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port the broker needs is already taken by another process. */
    public static final class PortInUseException extends IllegalStateException {
        private final int port;

        PortInUseException(int port, String role) {
            super("port " + port + " on 127.0.0.1 (the broker's " + role + " port) is already in use by another process;"
                + " stop it, or choose another port");
            this.port = port;
        }

        public int port() {
            return port;
        }
    }
}
