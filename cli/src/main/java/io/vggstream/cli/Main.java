package io.vggstream.cli;

import io.vggstream.cli.kafka.KafkaCommand;
import io.vggstream.cli.topics.TopicsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point behind {@code ./vggstream}. Each job is a subcommand; exit codes are
 * 0 on success, 2 on bad usage (picocli's default), 1 on failure.
 */
@Command(
    name = "vggstream",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Real-time video classification with VGG networks over Kafka.",
    subcommands = {
        io.vggstream.cli.demo.DemoCommand.class,
        KafkaCommand.class,
        TopicsCommand.class,
        io.vggstream.cli.trainer.TrainCommand.class,
        io.vggstream.cli.trainer.ExportCommand.class,
        io.vggstream.cli.onnx.ImportCommand.class,
        io.vggstream.cli.quantize.QuantizeCommand.class,
        io.vggstream.cli.engine.RunCommand.class,
        io.vggstream.cli.engine.ClassifyCommand.class,
        io.vggstream.cli.engine.StatusCommand.class,
        io.vggstream.cli.evaluate.EvaluateCommand.class,
        io.vggstream.cli.transfer.FitHeadCommand.class,
        io.vggstream.cli.replicate.TransferCommand.class,
        io.vggstream.cli.replicate.ReplicateCommand.class,
        io.vggstream.cli.bench.BenchCommand.class,
        io.vggstream.cli.video.PublishCommand.class,
        io.vggstream.cli.video.WatchCommand.class,
        io.vggstream.cli.video.AnnotateCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the launcher and returns its exit code, without exiting (tests call this). */
    public static int run(String... args) {
        // Before any command class is loaded: one could make a logger, which starts logback in the default format.
        LogFormat.fromArgs(args).ifPresent(LogFormat::apply);
        NativeMemory.skipResidentSizeCheck();
        return commandLine().execute(args);
    }

    @CommandLine.Option(names = "--log-format", paramLabel = "text|json", scope = CommandLine.ScopeType.INHERIT,
        description = "Logs on stderr as readable lines (text, the default) or one JSON object a line (json, for log collectors);"
            + " also: environment VGGSTREAM_LOG_FORMAT.")
    void logFormat(LogFormat.Format format) {
        LogFormat.apply(format);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new Failures());
        return cl;
    }

    @Override
    public void run() {
        // A bare "vggstream" is a usage error: say what there is.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand.");
    }
}
