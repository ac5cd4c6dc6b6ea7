package io.vggstream.cli.engine;

import io.vggstream.engine.ops.EngineStatus;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vggstream status}: flags over {@link EngineStatus}; exit 0 when the engine is ready. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Ask a running engine (vggstream run) how it is: ready or not, partitions, lag, frames, memory.",
        "Exit status 0 when it is ready (warm, and Kafka can be used), 1 when not or unreachable."})
public final class StatusCommand implements Callable<Integer> {

    @Option(names = "--host", paramLabel = "HOST", description = "Where the engine runs (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Its ops port, vggstream.engine.ops.port (default: ${DEFAULT-VALUE}).")
    int port = 9464;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long to wait for an answer, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout = Duration.ofSeconds(5);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        EngineStatus.Result r = EngineStatus.run(new EngineStatus.Options(host, port, timeout), spec.commandLine().getOut());
        return r.ready() ? 0 : 1;
    }
}
