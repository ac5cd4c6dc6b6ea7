package io.vggstream.cli.trainer;

import com.typesafe.config.ConfigException;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.BadInputException;
import io.vggstream.trainer.export.OnnxExporter;
import io.vggstream.trainer.train.TrainerSettings;
import io.vggstream.trainer.train.Training;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vggstream export}: writes a checkpoint as {@code OUT/model.onnx} (dense evaluation) and
 * {@code OUT/model.json}, after scoring it on its test set. Exit codes: 0 exported, 1 failed, 2 bad
 * usage (the message names the flag).
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Export a training checkpoint to ONNX for the paper's dense evaluation, with its model card.")
public final class ExportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--checkpoint", required = true, description = "a checkpoint folder (OUT/checkpoints/e0008) or a"
            + " run folder (its latest checkpoint)")
    Path checkpoint;

    @Option(names = "--out", required = true, description = "folder for model.onnx and model.json")
    Path out;

    @Option(names = "--data", description = "where the dataset is now, to score the model (default: the run's --data)")
    String data;

    @Option(names = "--no-eval", description = "skip scoring; the card then carries no accuracy")
    boolean noEval;

    @Option(names = "--config", paramLabel = "FILE", description = "a HOCON settings file over the defaults"
            + " (vggstream.trainer.*: the DJL cache, evaluation batch, ...); an unknown key fails naming it")
    Path settingsFile;

    @Override
    public Integer call() {
        TrainerSettings settings;
        try {
            settings = TrainerSettings.load(Optional.ofNullable(settingsFile));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "settings: " + e.getMessage(), e, null,
                    settingsFile == null ? null : "--config");
        }
        try {
            ModelCard card = Training.exportCheckpoint(checkpoint, out, data, !noEval, settings);
            String acc = card.accuracy() == null ? "not scored" : String.format(Locale.ROOT,
                    "top-1 %.2f%%, top-5 %.2f%% on %d %s images at Q %d", 100 * card.accuracy().top1(),
                    100 * card.accuracy().top5(), card.accuracy().images(), card.accuracy().split(),
                    card.accuracy().testScale());
            spec.commandLine().getOut().printf("wrote %s and %s (%s)%n", out.resolve(OnnxExporter.MODEL_FILE),
                    out.resolve(ModelCard.FILE_NAME), acc);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (BadInputException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null, e.flag());
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("export failed: " + e);
            return 1;
        }
    }
}
