package io.vggstream.cli.evaluate;

import io.vggstream.cli.engine.EngineOptions;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.replicate.DatasetSamples;
import io.vggstream.trainer.data.FashionMnist;
import io.vggstream.trainer.data.ImageFolder;
import io.vggstream.trainer.data.LabeledImages;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vggstream evaluate}: top-1 and top-5 error of each model and protocol, and of the
 * ensemble of the models, on a labelled dataset, without Kafka but through the engine's own
 * preprocessing, batching and fusion. Lives in the cli module because it joins the trainer's
 * dataset readers to the engine, which must not import the trainer.
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
        PrintWriter err = spec.commandLine().getErr();
        EngineSettings base = options.settingsForAnyProtocol();
        if (base.models().isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing --model: give one or more models to evaluate.");
        }
        if (limit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must not be negative");
        }
        List<Protocol> protocols = options.protocols();
        List<Model> models = base.models().stream().map(Model::load).toList();
        // Every protocol must fit every model before hours of evaluation start.
        for (Protocol protocol : protocols) {
            models.forEach(m -> protocol.scalesFor(m.card()));
        }
        List<String> classes = models.get(0).card().classes();
        LabeledImages images = dataset();
        DatasetSamples samples = new DatasetSamples(images, classes, limit);
        List<Evaluation.Row> rows = new ArrayList<>();
        for (Protocol protocol : protocols) {
            List<Evaluation.Run> runs = new ArrayList<>();
            for (Path model : base.models()) {
                AtomicInteger done = new AtomicInteger();
                int tick = Math.max(1, samples.size() / 10);
                err.printf("evaluating %s with %s on %d images of %s%n", model.getFileName(), protocol, samples.size(), samples.name());
                err.flush();
                Evaluation.Run run = Evaluation.run(options.config(), base, model, protocol, samples, i -> {
                    int d = done.incrementAndGet();
                    if (d % tick == 0) {
                        err.printf("  %d/%d%n", d, samples.size());
                        err.flush();
                    }
                });
                runs.add(run);
                rows.add(Evaluation.row(run, samples));
            }
            if (runs.size() > 1) {
                rows.add(Evaluation.ensemble(runs, samples));
            }
        }
        String md = Evaluation.markdown(samples.name(), rows);
        stdout.print(md);
        stdout.flush();
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("evaluation.md"), md);
            Files.writeString(out.resolve("evaluation.csv"), Evaluation.csv(rows));
            stdout.printf("%nwritten: %s, %s%n", out.resolve("evaluation.md"), out.resolve("evaluation.csv"));
        }
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
