package io.vggstream.cli.replicate;

import com.typesafe.config.Config;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.replicate.TransferExperiment;
import io.vggstream.topics.config.StrictConfig;
import io.vggstream.transfer.Descriptors;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vggstream transfer}: the paper's transfer result at small scale (replicate's
 * {@link TransferExperiment}): heads on a base net's features against nets from scratch, judged
 * over seeds; prints the table and writes it to {@code OUT/transfer.md} (and {@code --doc}).
 */
@Command(name = "transfer", mixinStandardHelpOptions = true,
    description = {"Measure the paper's transfer result at small scale (heads on a base net's features against nets from scratch).",
        "Base A is trained on Fashion-MNIST classes 0-4; for classes 5-9 with n images a class, a fit-head head on A's features is",
        "compared with A trained from scratch on the same images, over several seeds, judged as replicate judges a finding."})
public final class TransferCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "runs/transfer", paramLabel = "DIR", description = "Work folder, resumable (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seeds", defaultValue = "3", paramLabel = "N", description = "Seeds 1..N (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--per-class", defaultValue = "5,20,100,0", split = ",", paramLabel = "N,N,...",
        description = "Training images per new class; 0 = all (about 6,000) (default: ${DEFAULT-VALUE}).")
    List<Integer> perClass;

    @Option(names = "--val-per-class", defaultValue = "200", paramLabel = "N", description = "Held-out test images per new class (default: ${DEFAULT-VALUE}).")
    int valPerClass;

    @Option(names = "--base-images", defaultValue = "10000", paramLabel = "N", description = "Base A's training images (default: ${DEFAULT-VALUE}).")
    int baseImages;

    @Option(names = "--base-epochs", defaultValue = "4", paramLabel = "N", description = "Base A's epochs (default: ${DEFAULT-VALUE}).")
    int baseEpochs;

    @Option(names = "--scratch-images-seen", defaultValue = "10000", paramLabel = "N",
        description = "About how many images a scratch net sees: epochs = N / its images, 3 to 74 (default: ${DEFAULT-VALUE}).")
    int scratchSeen;

    @Option(names = "--width", defaultValue = "0.125", description = "A's conv width multiplier (default: ${DEFAULT-VALUE}).")
    double width;

    @Option(names = "--fc", defaultValue = "128", description = "A's FC width, the descriptor's length (default: ${DEFAULT-VALUE}).")
    int fc;

    @Option(names = {"-p", "--protocol"}, defaultValue = "multi-scale", paramLabel = "NAME",
        description = "Descriptor and measurement protocol (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--descriptor", defaultValue = "averaged", paramLabel = "averaged|per-variant",
        description = "The heads' training rows, as fit-head's --descriptor (default: ${DEFAULT-VALUE}).")
    String descriptor;

    @Option(names = "--doc", paramLabel = "FILE", description = "Also write the table to FILE.")
    Path doc;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds must be at least 1, was " + seeds);
        }
        for (int n : perClass) {
            if (n < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--per-class values must be 0 (all) or positive, was " + n);
            }
        }
        Config config = StrictConfig.load(Optional.empty());
        EngineSettings base = EngineSettings.from(config);
        base = base.withInference(base.inference().withDevices(List.of(Device.parse("cpu"))));
        List<Long> seedList = java.util.stream.LongStream.rangeClosed(1, seeds).boxed().toList();
        TransferExperiment.Result r = TransferExperiment.run(new TransferExperiment.Options(out, seedList, perClass, valPerClass, baseImages,
            baseEpochs, scratchSeen, width, fc, protocol, Descriptors.Kind.parse(descriptor), config, base), spec.commandLine().getErr());
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(r.markdown());
        if (doc != null) {
            Files.writeString(doc, r.markdown());
            stdout.printf("written: %s%n", doc);
        }
        stdout.flush();
        return 0;
    }
}
