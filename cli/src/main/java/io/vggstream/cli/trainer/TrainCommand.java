package io.vggstream.cli.trainer;

import com.typesafe.config.ConfigException;
import io.vggstream.cli.SettingsFileFlags;
import io.vggstream.trainer.BadInputException;
import io.vggstream.trainer.train.DivergedException;
import io.vggstream.trainer.train.ProgressBar;
import io.vggstream.trainer.train.Recipe;
import io.vggstream.trainer.train.StopSignal;
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
 * {@code vggstream train}: trains a VGG configuration as the paper and writes {@code OUT/model.onnx},
 * {@code OUT/model.json}, {@code OUT/metrics.csv}, {@code OUT/curve.png} and checkpoints. Exit codes:
 * 0 trained (or stopped by Ctrl-C with a checkpoint), 1 failed, 2 bad usage (the message names the flag).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a VGG network (configs A, A-LRN, B, C, D, E, and B-5x5, B's shallow twin) with the paper's schedule and export it"
                + " to ONNX for dense evaluation.",
            "Small recipe (Fashion-MNIST on a 2-core CPU, about 10 min idle, 90.65%% test top-1): --data"
                + " fashion-mnist --arch A --width 0.25 --fc 256 --crop 32 --scale 32 --epochs 10 --batch-size 64"
                + " --init glorot --patience 1 --min-improvement 0.005 --out runs/fmnist-a"})
public final class TrainCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // A field default, not defaultValue: picocli would apply that after the parse, over an old-style --config letter.
    @Option(names = "--arch", paramLabel = "LETTER", description = "the VGG configuration: A, A-LRN, B, C, D, E, or B-5x5"
            + " (B with one 5x5 conv per pair of 3x3) (default: A)")
    String arch = "A";

    @Option(names = "--width", defaultValue = "1", description = "conv width multiplier in (0, 1]: 1, 0.5, 0.25, ...; each conv's channels"
            + " to the nearest multiple of 16, at least 16 (default: ${DEFAULT-VALUE})")
    double width;

    @Option(names = "--fc", defaultValue = "4096", description = "width of FC1 and FC2 (default: ${DEFAULT-VALUE})")
    int fc;

    @Option(names = "--data", description = "fashion-mnist (Debian's /usr/share/datasets/fashion-mnist), a folder with"
            + " Fashion-MNIST's idx files, or an ImageNet-style folder with train/<class>/* and val/<class>/*")
    String data;

    @Option(names = "--crop", defaultValue = "224", description = "training crop, a multiple of 32; FC1 is crop/32 wide"
            + " as a conv (default: ${DEFAULT-VALUE})")
    int crop;

    @Option(names = "--scale", description = "training scale S: S, Smin:Smax (jittered per image), paper-256,"
            + " paper-384 or paper-jitter (the paper's S for a 224 crop, in proportion to --crop; default paper-256)")
    String scale;

    @Option(names = "--epochs", defaultValue = "74", description = "most epochs, at most 74 (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "256", description = "images per step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", description = "initial learning rate (default 0.01; 0.001 when --init copies a net of the"
            + " same config); with --resume, replaces the checkpoint's current rate (after a divergence)")
    Double lr;

    @Option(names = "--init", defaultValue = "glorot", description = "glorot (Glorot and Bengio's uniform init, the"
            + " paper's post-submission note), normal (the paper's N(0, variance 1e-2), i.e. std 0.1: diverges at"
            + " width 1/4, see docs/trainer.md), normal:STD, or a checkpoint (or run folder) to copy from: all layers of"
            + " a net of the same config, else its first four convs and three FC layers (default: ${DEFAULT-VALUE})")
    String init;

    @Option(names = "--init-rest", defaultValue = "glorot", description = "random init of the layers a copy leaves out:"
            + " glorot or normal (default: ${DEFAULT-VALUE})")
    String initRest;

    @Option(names = "--patience", defaultValue = "2", description = "epochs without a better validation top-1 before"
            + " the learning rate is divided by 10 (default: ${DEFAULT-VALUE})")
    int patience;

    @Option(names = "--min-improvement", defaultValue = "0", description = "a validation top-1 must beat the best by"
            + " more than this (a fraction) to count as an improvement (default: ${DEFAULT-VALUE})")
    double minImprovement;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "L2 weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--dropout", defaultValue = "0.5", description = "dropout after FC1 and FC2 (default: ${DEFAULT-VALUE})")
    double dropout;

    @Option(names = "--alpha-std", defaultValue = "0.1", description = "PCA colour shift, standard deviation of alpha;"
            + " 0 turns it off (default: ${DEFAULT-VALUE})")
    double alphaStd;

    @Option(names = "--gpus", defaultValue = "-1", description = "GPUs for synchronous data parallelism: -1 all, 0 none"
            + " (default: ${DEFAULT-VALUE})")
    int gpus;

    @Option(names = "--loader-threads", description = "image loader threads, 0 = in the training thread (default:"
            + " vggstream.trainer.loader.threads, auto)")
    Integer loaderThreads;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the init, shuffles and augmentation"
            + " (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--train-images", paramLabel = "N", description = "train on N training images, evenly spaced over"
            + " the split (default: all)")
    Integer trainImages;

    @Option(names = "--val-images", paramLabel = "N", description = "validate each epoch on N held-out images, evenly"
            + " spaced (default: all)")
    Integer valImages;

    @Option(names = "--test-images", paramLabel = "N", description = "score the exported model on N test images, evenly"
            + " spaced (default: all)")
    Integer testImages;

    @Option(names = "--classes", paramLabel = "LIST", description = "train on these classes of the data only, by label:"
            + " 0-4, 0,2,5-7 (relabelled 0..k-1 in label order; the card names them; default: all)")
    String classes;

    @CommandLine.Mixin
    SettingsFileFlags settingsFile = new SettingsFileFlags(letter -> arch = letter);

    @Option(names = "--out", required = true, description = "run folder: model.onnx, model.json, metrics.csv,"
            + " curve.png, checkpoints/")
    String out;

    @Option(names = "--resume", description = "continue the run in --out from its latest checkpoint, with its stored"
            + " recipe (other flags but --lr are ignored)")
    boolean resume;

    @Override
    public Integer call() {
        if (!resume && data == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--data=<data>'"
                    + " (fashion-mnist or a dataset folder)");
        }
        Recipe recipe = new Recipe(arch, width, fc, data, crop, scale, epochs, batchSize, lr, init,
                initRest.toLowerCase(Locale.ROOT), patience, minImprovement, momentum, weightDecay, dropout, alphaStd, gpus, seed, out, trainImages, valImages, testImages, classes);
        TrainerSettings settings;
        try {
            settings = TrainerSettings.load(settingsFile.file());
        } catch (ConfigException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "settings: " + e.getMessage(), e, null,
                    settingsFile.file().isPresent() ? settingsFile.flag() : null);
        }
        if (loaderThreads != null) {
            if (loaderThreads < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--loader-threads must be 0 (build batches in the training thread) or more");
            }
            settings = settings.withLoaderThreads(loaderThreads);
        }
        try (StopSignal stop = StopSignal.onShutdown(settings.interruptSaveTimeout())) {
            Training.Result result = Training.run(recipe, resume, resume ? lr : null, settings, stop,
                    ProgressBar.stderr(settings.progressInterval()));
            spec.commandLine().getOut().printf(Locale.ROOT, "%s after %d epochs (%s) in %s%n",
                    result.interrupted() ? "interrupted" : "trained", result.epochs(), result.stopReason(),
                    result.wall().toString().substring(2).toLowerCase(Locale.ROOT));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (DivergedException e) {
            spec.commandLine().getErr().println("train: " + e.getMessage());
            return 1;
        } catch (BadInputException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null,
                    e.flag() == null ? null : e.flag());
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("train failed: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            spec.commandLine().getErr().println("train interrupted");
            return 1;
        }
    }
}
