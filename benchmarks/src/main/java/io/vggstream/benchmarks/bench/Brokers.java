package io.vggstream.benchmarks.bench;

import com.typesafe.config.Config;
import io.vggstream.broker.BrokerMain;
import io.vggstream.broker.KraftBroker;
import io.vggstream.topics.KafkaSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The brokers a run measures the Kafka path against, each started on first use and shared by the
 * workloads of one run: a KRaft broker in the benchmark's own JVM (its threads compete with the
 * engine's inside one process), one in a JVM of its own ({@link BrokerMain}, what
 * {@code ./vggstream kafka start} runs, as deployed), or an external one ({@code --bootstrap}).
 */
final class Brokers implements AutoCloseable {

    /** BrokerMain's line once it accepts connections. */
    private static final Pattern READY = Pattern.compile("Kafka broker ready on (\\S+)");

    /**
     * One broker as the Kafka path sees it.
     *
     * @param mode the point's mode: {@link Point.Mode#FULL_PATH} in-process or external, {@link Point.Mode#FULL_PATH_CHILD_BROKER} in a child
     * @param pids the child process, whose CPU a window counts; empty otherwise
     */
    record Broker(Point.Mode mode, KafkaSettings kafka, String description, long[] pids) {
    }

    private final Config config;
    private final Optional<String> bootstrap;
    private final Path workDir;
    private final Consumer<String> log;
    private KraftBroker inProcess;
    private Broker inProcessView;
    private Process child;
    private Path childData;
    private Thread childHook;
    private CompletableFuture<Broker> childStart;

    /**
     * @param bootstrap an external broker: then {@link #inProcess()} is that one, and there is no child
     * @param workDir where the child broker's log goes
     */
    Brokers(Config config, Optional<String> bootstrap, Path workDir, Consumer<String> log) {
        this.config = config;
        this.bootstrap = bootstrap;
        this.workDir = workDir;
        this.log = log;
    }

    boolean external() {
        return bootstrap.isPresent();
    }

    /** The broker in the benchmark's JVM, or the external one. */
    synchronized Broker inProcess() {
        if (inProcessView == null) {
            if (bootstrap.isPresent()) {
                inProcessView = new Broker(Point.Mode.FULL_PATH, KafkaSettings.from(config).withBootstrapServers(bootstrap.get()),
                    "external broker at " + bootstrap.get(), new long[0]);
            } else {
                log.accept("starting a Kafka broker (KRaft) in this JVM ...");
                inProcess = KraftBroker.start(KraftBroker.Settings.ephemeral(), Duration.ofSeconds(90));
                inProcessView = new Broker(Point.Mode.FULL_PATH, KafkaSettings.from(config).withBootstrapServers(inProcess.bootstrapServers()),
                    "KRaft broker in the benchmark's JVM (same process as the engine, producer and consumer) at "
                        + inProcess.bootstrapServers(), new long[0]);
            }
        }
        return inProcessView;
    }

    /**
     * Starts the child broker on another thread, if it is not started yet: its JVM's start-up overlaps whatever the caller
     * does next (the in-process broker's).
     */
    synchronized void startChildInBackground() {
        if (bootstrap.isEmpty() && childStart == null) {
            childStart = CompletableFuture.supplyAsync(() -> {
                try {
                    return startChild();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start the child Kafka broker", e);
                }
            });
        }
    }

    /** The broker in a JVM of its own (-Xmx512m, as {@code ./vggstream kafka start} runs it), on free ports. */
    Broker child() {
        if (bootstrap.isPresent()) {
            throw new IllegalStateException("with --bootstrap there is no child broker");
        }
        startChildInBackground();
        try {
            return childStart.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private Broker startChild() throws IOException {
        {
            log.accept("starting a Kafka broker (KRaft) in a JVM of its own ...");
            Files.createDirectories(workDir);
            childData = Files.createTempDirectory("vggstream-bench-kafka-");
            Files.createDirectories(childData.resolve("tmp"));
            Path logFile = workDir.resolve("broker-child.log");
            ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx512m", "-Djava.io.tmpdir=" + childData.resolve("tmp"), "-Dvggstream.log.level=WARN",
                BrokerMain.class.getName(), childData.resolve("data").toString(), "0", "0"))
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            // The class path goes in the environment: a long command line crashes native start-ups (see ScaleOut).
            pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
            Process started = pb.start();
            synchronized (this) {
                child = started;
                childHook = new Thread(started::destroyForcibly, "bench-broker-cleanup");
                Runtime.getRuntime().addShutdownHook(childHook);
            }
            CompletableFuture<String> ready = new CompletableFuture<>();
            Thread pump = new Thread(() -> pump(started, logFile, ready), "bench-broker-log");
            pump.setDaemon(true);
            pump.start();
            String address;
            try {
                address = ready.get(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the child broker started", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the child Kafka broker did not come up within 90 s ("
                    + (e.getCause() != null ? e.getCause().getMessage() : e) + "); its output is in " + logFile, e);
            }
            return new Broker(Point.Mode.FULL_PATH_CHILD_BROKER, KafkaSettings.from(config).withBootstrapServers(address),
                "KRaft broker in its own JVM (pid " + started.pid() + ", -Xmx512m) at " + address, new long[] {started.pid()});
        }
    }

    /** Copies the child's output into its log file and completes {@code ready} with its address. */
    private static void pump(Process p, Path logFile, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    ready.complete(m.group(1));
                }
            }
            ready.completeExceptionally(new IllegalStateException("the broker's JVM exited"));
        } catch (IOException e) {
            ready.completeExceptionally(new UncheckedIOException(e));
        }
    }

    @Override
    public void close() {
        if (childStart != null) {
            // A start still under way finishes (or fails) first, so that its process is known and stopped.
            childStart.exceptionally(e -> null).join();
        }
        closeBrokers();
    }

    private synchronized void closeBrokers() {
        if (inProcess != null) {
            inProcess.close();
            inProcess = null;
        }
        if (child != null) {
            child.destroy(); // SIGTERM: BrokerMain shuts the broker down cleanly
            try {
                if (!child.waitFor(30, TimeUnit.SECONDS)) {
                    child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                child.destroyForcibly();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(childHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
            deleteTree(childData);
            child = null;
        }
    }

    private static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
