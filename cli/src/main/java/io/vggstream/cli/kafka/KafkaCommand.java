package io.vggstream.cli.kafka;

import io.vggstream.broker.BrokerDaemon;
import io.vggstream.broker.KraftBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vggstream kafka start|status|stop}: a real single-node KRaft broker in the background, no Docker. */
@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = "Run a local single-node Kafka broker (KRaft, from Maven Central) in the background on 127.0.0.1.",
    subcommands = {KafkaCommand.Start.class, KafkaCommand.Status.class, KafkaCommand.Stop.class})
public final class KafkaCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand: start, status or stop.");
    }

    /** Where the broker keeps its log, state file and output. */
    static final class DataDir {
        @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The broker's data directory (default: $VGGSTREAM_HOME/kafka, VGGSTREAM_HOME defaulting to ~/.vggstream).")
        Path dir;

        BrokerDaemon daemon() {
            return new BrokerDaemon(dir != null ? dir : defaultDir());
        }

        static Path defaultDir() {
            String home = System.getenv("VGGSTREAM_HOME");
            Path base = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".vggstream");
            return base.resolve("kafka");
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start the broker (idempotent: a running broker is left as it is) and print its bootstrap address.")
    static final class Start implements Callable<Integer> {
        @CommandLine.Mixin
        DataDir dataDir = new DataDir();

        @Option(names = "--port", defaultValue = "9092", description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--controller-port", defaultValue = "9093",
            description = "KRaft controller port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int controllerPort;

        @Option(names = "--timeout", defaultValue = "PT90S", description = "How long to wait for the broker (default: 90 s).")
        Duration timeout;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (port < 1 || port > 65535 || controllerPort < 1 || controllerPort > 65535 || port == controllerPort) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--port and --controller-port must be two different ports in 1..65535");
            }
            PrintWriter out = spec.commandLine().getOut();
            BrokerDaemon daemon = dataDir.daemon();
            try {
                BrokerDaemon.Started s = daemon.start(port, controllerPort, timeout);
                if (s.alreadyRunning()) {
                    out.printf("Kafka is already running on %s (pid %d, data in %s)%n",
                        s.status().bootstrapServers(), s.status().pid(), daemon.dataDir());
                } else {
                    out.printf("Kafka is up on %s (pid %d, cluster %s)%n  data: %s%n  log:  %s%n",
                        s.status().bootstrapServers(), s.status().pid(), s.status().clusterId().orElse("?"),
                        daemon.dataDir(), daemon.logFile());
                }
                out.println(s.status().bootstrapServers());
                return 0;
            } catch (KraftBroker.PortInUseException e) {
                spec.commandLine().getErr().println("vggstream kafka start: " + e.getMessage()
                    + " (use --port/--controller-port, or `vggstream kafka status` if it is ours)");
                return 1;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Say whether the broker runs, where, and as which process. Exit code 0 if it runs, 1 if not.")
    static final class Status implements Callable<Integer> {
        @CommandLine.Mixin
        DataDir dataDir = new DataDir();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            BrokerDaemon daemon = dataDir.daemon();
            BrokerDaemon.Status s = daemon.status();
            if (!s.running()) {
                out.printf("Kafka is not running (data in %s)%n", daemon.dataDir());
                return 1;
            }
            if (s.clusterId().isEmpty()) {
                out.printf("Kafka process %d runs but does not answer on %s (starting, or stuck: see %s)%n",
                    s.pid(), s.bootstrapServers(), daemon.logFile());
                return 1;
            }
            out.printf("Kafka is running on %s (pid %d, cluster %s, %d broker%s)%n  data: %s%n  log:  %s%n",
                s.bootstrapServers(), s.pid(), s.clusterId().get(), s.brokers(), s.brokers() == 1 ? "" : "s",
                daemon.dataDir(), daemon.logFile());
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop the broker cleanly (SIGTERM, then SIGKILL after --timeout). Stopping a stopped broker is fine.")
    static final class Stop implements Callable<Integer> {
        @CommandLine.Mixin
        DataDir dataDir = new DataDir();

        @Option(names = "--timeout", defaultValue = "PT30S", description = "How long a clean shutdown may take (default: 30 s).")
        Duration timeout;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            boolean stopped = dataDir.daemon().stop(timeout);
            spec.commandLine().getOut().println(stopped ? "Kafka stopped" : "Kafka was not running");
            return 0;
        }
    }
}
