package io.vggstream.cli.bench;

import com.typesafe.config.Config;
import io.vggstream.benchmarks.bench.BenchModel;
import io.vggstream.trainer.model.VggConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The model flags that {@code bench} and {@code bench soak} share: an exported model, or a VGG made with random weights. */
final class ModelFlags {

    @Option(names = {"-m", "--model"}, paramLabel = "DIR", description = "An exported model (folder with model.onnx and model.json).")
    Path modelDir;

    @Option(names = "--arch", paramLabel = "LETTER",
        description = "Without --model: the VGG configuration to make with random weights (A, A-LRN, B, C, D, E, B-5x5; default D).")
    String arch = "D";

    @Option(names = "--width", paramLabel = "W", description = "Without --model: its width multiplier (default 0.125; 1 is the paper's VGG).")
    double width = 0.125;

    @Option(names = "--fc", paramLabel = "N", description = "Without --model: FC1/FC2 width (default 4096 x width, at least 64).")
    Integer fc;

    @Option(names = "--classes", paramLabel = "N", description = "Without --model: classes (default 1000).")
    int classes = 1000;

    @Option(names = "--crop", paramLabel = "N", description = "Without --model: the crop the net is laid out for (default 224).")
    int crop = 224;

    /** Whether any flag here was given: then the flags, not the named workloads, say what {@code bench} measures. */
    static boolean anyGiven(CommandLine cl) {
        // Not --config: it names the settings file, unless given a VGG letter (SettingsFileFlags.gaveVggLetter).
        return java.util.stream.Stream.of("--model", "--arch", "--width", "--fc", "--classes", "--crop")
            .anyMatch(cl.getParseResult()::hasMatchedOption);
    }

    /** $VGGSTREAM_HOME, or ~/.vggstream. */
    static Path home() {
        return BenchModel.home();
    }

    /** Where DJL's native library goes when a random-weight model is exported. */
    static Path djl(Config config, Path home) {
        return BenchModel.djl(config, home);
    }

    /** The model to measure: {@code --model}, or the VGG configuration and width with random weights (cached). */
    BenchModel load(CommandLine cl, Config config, PrintWriter out) {
        if (modelDir != null) {
            return BenchModel.load(modelDir);
        }
        VggConfig c;
        try {
            c = VggConfig.of(arch);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--arch: " + e.getMessage());
        }
        BenchModel.RandomSpec rs;
        try {
            rs = new BenchModel.RandomSpec(c, width, fc != null ? fc : BenchModel.RandomSpec.defaultFc(width), classes, crop, 1);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        Path home = home();
        return BenchModel.random(rs, home.resolve("bench-models"), djl(config, home), line -> {
            out.println(line);
            out.flush();
        });
    }
}
