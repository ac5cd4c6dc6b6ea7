package io.vggstream.cli.quantize;

import com.typesafe.config.Config;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.model.ModelLoadException;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.quantize.FolderSamples;
import io.vggstream.quantize.Method;
import io.vggstream.quantize.QuantizeException;
import io.vggstream.quantize.QuantizeOptions;
import io.vggstream.quantize.QuantizeResult;
import io.vggstream.quantize.Quantizer;
import io.vggstream.replicate.DatasetSamples;
import io.vggstream.topics.config.StrictConfig;
import io.vggstream.trainer.data.FashionMnist;
import io.vggstream.trainer.data.ImageFolder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vggstream quantize}: a float32 model into an int8 QDQ model (the job is the quantize
 * module's {@link Quantizer}). Calibration reads Fashion-MNIST's train split, or a folder of class
 * folders; {@code --evaluate} measures both models through the engine and records both in the card.
 * Exit codes: 0 written, 1 refused or failed (the message says which), 2 bad usage.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Quantize a model to int8 (QDQ ONNX: weights per output channel, activations per tensor),"
                + " calibrated on real images through the engine's preprocessing.",
            "The engine serves the result as any model (run, classify, evaluate, bench --model)."})
public final class QuantizeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR", description = "the float32 model: a folder with model.onnx and model.json")
    Path model;

    @Option(names = "--calibration", required = true, paramLabel = "fashion-mnist|FOLDER",
            description = "fashion-mnist (its train split), or a folder of <class>/<image> (or train/<class>/<image>)")
    String calibration;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where Fashion-MNIST's idx files are (default: /usr/share/datasets/fashion-mnist)")
    Path dataDir;

    @Option(names = "--images", paramLabel = "N", defaultValue = "500",
            description = "calibration images, spread evenly over the set (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--method", paramLabel = "minmax|percentile|entropy", defaultValue = "minmax",
            description = "how activation ranges are chosen (default: ${DEFAULT-VALUE}; see docs/quantization.md)")
    String method;

    @Option(names = "--fp32", paramLabel = "CONV", description = "a convolution to leave in float32, e.g. conv1_1; repeat for several")
    List<String> fp32 = List.of();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for the int8 model.onnx and model.json")
    Path out;

    @Option(names = "--evaluate", paramLabel = "fashion-mnist|FOLDER",
            description = "also measure the float32 and the int8 model on this set's test (val/) split and write both into the card")
    String evaluate;

    @Option(names = "--limit", paramLabel = "N", description = "with --evaluate: the first N images only (default: all)")
    int limit;

    @Option(names = {"-p", "--protocol"}, paramLabel = "NAME", defaultValue = "single",
            description = "with --evaluate: the protocol both models are measured with (default: ${DEFAULT-VALUE})")
    String protocol;

    @Option(names = "--config", paramLabel = "FILE", description = "a HOCON settings file for --evaluate's engine; unknown keys are refused")
    Path configFile;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Method m;
        try {
            m = Method.parse(method.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null, "--method");
        }
        if (images < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--images must be at least 1, was " + images);
        }
        if (limit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must not be negative, was " + limit);
        }
        try {
            List<String> classes = Model.load(model).card().classes();
            Evaluation.Samples cal;
            String calName;
            if (calibration.equals("fashion-mnist")) {
                cal = new DatasetSamples(FashionMnist.load(fashionDir(), FashionMnist.Split.TRAIN), classes, 0);
                calName = "fashion-mnist train";
            } else {
                cal = FolderSamples.open(Path.of(calibration), classes);
                calName = Path.of(calibration).toAbsolutePath().normalize().toString();
            }
            Optional<QuantizeOptions.Check> check = Optional.empty();
            if (evaluate != null) {
                Config config = StrictConfig.load(Optional.ofNullable(configFile));
                EngineSettings base = EngineSettings.from(config).withModels(List.of(model));
                Protocol p;
                try {
                    p = Protocol.parse(protocol);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null, "--protocol");
                }
                Evaluation.Samples test;
                if (evaluate.equals("fashion-mnist")) {
                    test = new DatasetSamples(FashionMnist.load(fashionDir(), FashionMnist.Split.TEST), classes, limit);
                } else {
                    Path root = Path.of(evaluate);
                    if (!Files.isDirectory(root)) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--evaluate: " + root
                                + " is neither fashion-mnist nor a folder");
                    }
                    test = new DatasetSamples(ImageFolder.open(root, "val", null), classes, limit);
                }
                check = Optional.of(new QuantizeOptions.Check(config, base, p, test,
                        evaluate.equals("fashion-mnist") ? "test" : "val"));
            }
            QuantizeResult r = Quantizer.run(new QuantizeOptions(model, cal, calName, images, m, Set.copyOf(fp32), out,
                    check), err);
            o.printf("quantized %s into %s: %s, %d calibration images of %s, %d activations, float32 layers %s%n",
                    model, r.out(), m.label(), r.images(), calName, r.ranges().size(),
                    r.card().quantization().fp32Layers().isEmpty() ? "none" : r.card().quantization().fp32Layers());
            if (r.fp32().isPresent()) {
                Evaluation.Row f = r.fp32().get();
                Evaluation.Row q = r.int8().orElseThrow();
                o.printf(Locale.ROOT, "top-1 error (%s, %d images): float32 %.2f%%, int8 %.2f%% (%+.2f points)%n",
                        f.protocol().name(), f.images(), f.top1Error(), q.top1Error(), q.top1Error() - f.top1Error());
            }
            o.flush();
            return 0;
        } catch (QuantizeException | ModelLoadException e) {
            err.println("quantize refused: " + e.getMessage());
            return 1;
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (Exception e) {
            err.println("quantize failed: " + e);
            return 1;
        }
    }

    private Path fashionDir() {
        Path dir = dataDir != null ? dataDir : FashionMnist.DEBIAN_DIR;
        if (!FashionMnist.isFashionMnistDir(dir)) {
            throw new QuantizeException("Fashion-MNIST is not in " + dir + ": install it with `apt-get install"
                    + " dataset-fashion-mnist` or give its folder with --data-dir");
        }
        return dir;
    }
}
