package io.vggstream.cli.transfer;

import com.typesafe.config.Config;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.topics.config.StrictConfig;
import io.vggstream.transfer.Descriptors;
import io.vggstream.transfer.FitHead;
import io.vggstream.transfer.FitHeadOptions;
import io.vggstream.transfer.FitHeadResult;
import io.vggstream.transfer.LinearHead;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vggstream fit-head}: your own classes on a trained VGG's features. The job is transfer's
 * {@link FitHead}; this command reads the flags and prints what was fitted and measured.
 */
@Command(name = "fit-head", mixinStandardHelpOptions = true,
    description = {"Fit a linear head on a model's deep features for your own classes, served as one new model.",
        "The descriptors are FC2 features of the protocol's scales and flips: the paper's one mean per image, L2-normalised (the",
        "default; the engine averages the served variants' features before the head), or one L2-normalised row per variant; the head",
        "is L2-regularised logistic regression or a linear SVM",
        "(LIBLINEAR), C chosen by cross-validation; base graph plus head is written as one model whose card states the served model's",
        "accuracy, measured through the engine on held-out images."})
public final class FitHeadCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
        description = "The base model: a folder with model.onnx and model.json (the trainer's or an imported VGG), or an .onnx file.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FOLDER",
        description = "Your images: FOLDER/train/<class>/* and optionally FOLDER/val/<class>/* (without val, a seeded part of train is held out).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the new model.onnx and model.json go.")
    Path out;

    @Option(names = {"-p", "--protocol"}, paramLabel = "NAME", defaultValue = "multi-scale",
        description = "The scales and flips the descriptors are made from, and the served model is measured with: single or multi-scale,"
            + " options ,flips=off ,scales=Q1:Q2 (default: ${DEFAULT-VALUE}, the paper's).")
    String protocol;

    @Option(names = "--descriptor", paramLabel = "averaged|per-variant", defaultValue = "averaged",
        description = "averaged: the paper's descriptor, the mean of an image's variants' features, L2-normalised; the served model"
            + " averages the variants' features the same way before the head (its card's head.fusion = features). per-variant: each"
            + " scale and flip's feature is a training row, the head applied per variant and the posteriors averaged (head.fusion ="
            + " posteriors). Either way the served model scores what the fit scores (default: ${DEFAULT-VALUE}).")
    String descriptor;

    @Option(names = "--classifier", paramLabel = "logistic|svm", defaultValue = "logistic",
        description = "L2-regularised logistic regression or linear SVM (default: ${DEFAULT-VALUE}; its posteriors are calibrated).")
    String classifier;

    @Option(names = "--c", paramLabel = "C", description = "The regularisation constant (default: chosen by cross-validation on the training images).")
    Double c;

    @Option(names = "--folds", paramLabel = "K", defaultValue = "5", description = "Cross-validation folds (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--holdout", paramLabel = "F", defaultValue = "0.2",
        description = "Without val/, the fraction of each class held out to measure on (default: ${DEFAULT-VALUE}).")
    double holdout;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the held-out part and the folds (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads for the descriptors (default: the cores).")
    Integer threads;

    @Option(names = "--device", paramLabel = "DEVICE",
        description = "Where the served model is measured: auto, cpu or cuda:N (default: vggstream.engine.inference.devices).")
    String device;

    @Option(names = "--config", paramLabel = "FILE", description = "A HOCON settings file over the defaults; unknown keys are refused.")
    Path configFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        Config config = StrictConfig.load(Optional.ofNullable(configFile));
        EngineSettings base = EngineSettings.from(config);
        if (device != null) {
            base = base.withInference(base.inference().withDevices(List.of(Device.parse(device))));
        }
        FitHeadOptions options = new FitHeadOptions(config, base, model, data, out, Protocol.parse(protocol),
            Descriptors.Kind.parse(descriptor), LinearHead.Classifier.parse(classifier), c, folds, holdout, seed,
            threads != null ? threads : Runtime.getRuntime().availableProcessors());
        FitHeadResult r = FitHead.run(options, spec.commandLine().getErr());
        var card = r.card();
        stdout.printf("classes: %s%n", String.join(", ", card.classes()));
        stdout.printf("training images per class: %s (%s)%n", counts(card.classes(), r.trainCounts()), r.imbalance());
        stdout.printf("skipped (unreadable or refused by the engine's checks): %d%s%n", r.skippedCount(),
            r.skipped().isEmpty() ? "" : "\n  " + String.join("\n  ", r.skipped()));
        stdout.printf(Locale.ROOT, "head: %s, C %s, %s%n", card.head().classifier(), card.head().c(), card.head().cSearch());
        if (!r.cvByC().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<Double, Double> e : r.cvByC().entrySet()) {
                sb.append(String.format(Locale.ROOT, " %s:%.3f", e.getKey(), e.getValue()));
            }
            stdout.printf("cross-validated accuracy by C:%s%n", sb);
        }
        stdout.printf(Locale.ROOT, "fitted classifier on the %s descriptors of the %d held-out images (softmax per row, mean over an image's"
            + " rows): top-1 %.4f%n",
            options.descriptor().label(), r.measured(), r.fittedTop1());
        stdout.printf(Locale.ROOT, "served model through the engine (%s) on the same images: top-1 %.4f, top-5 %.4f (in the card);"
            + " same class as the fitted classifier on %d of %d%n", card.accuracy().split(), r.servedTop1(), r.servedTop5(), r.agreeing(),
            r.measured());
        stdout.printf(Locale.ROOT, "written: %s (base model.onnx SHA-256 %s), %.1f s%n", r.onnx(), card.head().baseSha256(), r.seconds());
        stdout.flush();
        return 0;
    }

    private static String counts(List<String> classes, int[] n) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < n.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(classes.get(k)).append(' ').append(n[k]);
        }
        return sb.toString();
    }
}
