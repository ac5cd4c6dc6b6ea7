package io.vggstream.cli;

import io.vggstream.cli.topics.TopicsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The engine image's entry point: only the commands whose classes the engine's runtime holds
 * (run, status, topics). The image leaves out what the others need (PyTorch for train and export,
 * FFmpeg for the video commands, the Kafka broker, JMH), which {@link Main} would load for its help.
 */
@Command(
    name = "vggstream",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "The vggstream engine (the engine image: run, status, topics; the full launcher has every command).",
    subcommands = {
        io.vggstream.cli.engine.RunCommand.class,
        io.vggstream.cli.engine.StatusCommand.class,
        TopicsCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class EngineMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the engine launcher and returns its exit code, without exiting (tests call this). */
    public static int run(String... args) {
        // Before any command class is loaded: one could make a logger, which starts logback in the default format.
        LogFormat.fromArgs(args).ifPresent(LogFormat::apply);
        NativeMemory.skipResidentSizeCheck();
        CommandLine cl = new CommandLine(new EngineMain());
        cl.setExecutionExceptionHandler(new Failures());
        return cl.execute(args);
    }

    @CommandLine.Option(names = "--log-format", paramLabel = "text|json", scope = CommandLine.ScopeType.INHERIT,
        description = "Logs on stderr as readable lines (text, the default) or one JSON object a line (json, for log collectors);"
            + " also: environment VGGSTREAM_LOG_FORMAT.")
    void logFormat(LogFormat.Format format) {
        LogFormat.apply(format);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand.");
    }
}
