package io.vggstream.cli.evaluate;

import io.vggstream.cli.engine.EngineOptions;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.eval.EvaluateOptions;
import io.vggstream.engine.eval.EvaluateResult;
import io.vggstream.engine.eval.Evaluator;
import io.vggstream.engine.model.Model;
import io.vggstream.replicate.DatasetSamples;
import io.vggstream.trainer.data.FashionMnist;
import io.vggstream.trainer.data.ImageFolder;
import io.vggstream.trainer.data.LabeledImages;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vggstream evaluate}: top-1 and top-5 error of each model and protocol, and of the
 * ensemble of the models, on a labelled dataset, without Kafka but through the engine's own
 * preprocessing, batching and fusion. The job is the engine's {@link Evaluator}; this command
 * reads the dataset with the trainer's readers (the engine must not import the trainer) and prints
 * the table.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Measure the top-1 and top-5 error of models, protocols and their ensemble on a labelled dataset (no Kafka).",
        "Writes a markdown table and CSV shaped like the paper's Tables 3 to 6."})
public final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    EngineOptions options = new EngineOptions();

    @Option(names = "--data", required = true, paramLabel = "fashion-mnist|FOLDER",
        description = "fashion-mnist (its test split), or an ImageNet-layout folder (its val/<class>/ split).")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Where Fashion-MNIST's idx files are (default: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate the first N images only (default: all).")
    int limit;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write evaluation.md and evaluation.csv there.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        EngineSettings base = options.settingsForAnyProtocol();
        if (base.models().isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing --model: give one or more models to evaluate.");
        }
        if (limit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must not be negative");
        }
        List<String> classes = Model.load(base.models().get(0)).card().classes();
        DatasetSamples samples = new DatasetSamples(dataset(), classes, limit);
        EvaluateResult result = Evaluator.run(new EvaluateOptions(options.config(), base, options.protocols(), samples,
            Optional.ofNullable(out)), spec.commandLine().getErr());
        stdout.print(result.markdown());
        if (!result.written().isEmpty()) {
            stdout.printf("%nwritten: %s%n", String.join(", ", result.written().stream().map(Path::toString).toList()));
        }
        stdout.flush();
        return 0;
    }

    private LabeledImages dataset() {
        if (data.equals("fashion-mnist")) {
            Path dir = dataDir != null ? dataDir : FashionMnist.DEBIAN_DIR;
            if (!FashionMnist.isFashionMnistDir(dir)) {
                throw new IllegalStateException("Fashion-MNIST is not in " + dir + ": install it with `apt-get install dataset-fashion-mnist`"
                    + " or give its folder with --data-dir");
            }
            return FashionMnist.load(dir, FashionMnist.Split.TEST);
        }
        Path root = Path.of(data);
        if (!Files.isDirectory(root)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--data: " + root + " is neither fashion-mnist nor a folder");
        }
        return ImageFolder.open(root, "val", null);
    }
}
