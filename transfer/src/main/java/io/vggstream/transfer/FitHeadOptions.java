package io.vggstream.transfer;

import com.typesafe.config.Config;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One {@code fit-head} run.
 *
 * @param config the settings the measuring engine starts with
 * @param base the engine's settings (devices, limits); its models and protocol are replaced
 * @param model the base model: a folder with {@code model.onnx} and {@code model.json}, or an {@code .onnx} file
 * @param data the ImageNet-layout folder
 * @param out where the new model's {@code model.onnx} and {@code model.json} go
 * @param protocol the dense-evaluation protocol whose variants the descriptors come from, and the served model is measured with
 * @param descriptor the paper's one averaged row per image (served with the features fused) or one row per variant
 * @param classifier logistic or svm
 * @param c C, or null to choose it by cross-validation
 * @param folds cross-validation folds
 * @param holdout the fraction of each class held out when the folder has no {@code val/}
 * @param seed the held-out part's and the cross-validation's seed
 * @param threads ONNX Runtime's intra-op threads for the descriptors
 */
public record FitHeadOptions(Config config, EngineSettings base, Path model, Path data, Path out, Protocol protocol,
                             Descriptors.Kind descriptor, LinearHead.Classifier classifier, Double c, int folds, double holdout, long seed, int threads) {

    public static final int DEFAULT_FOLDS = 5;
    public static final double DEFAULT_HOLDOUT = 0.2;

    public FitHeadOptions {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(model, "--model");
        Objects.requireNonNull(data, "--data");
        Objects.requireNonNull(out, "--out");
        Objects.requireNonNull(protocol, "--protocol");
        Objects.requireNonNull(descriptor, "--descriptor");
        Objects.requireNonNull(classifier, "--classifier");
        if (folds < 2) {
            throw new IllegalArgumentException("--folds must be at least 2, was " + folds);
        }
        if (c != null && !(c > 0 && Double.isFinite(c))) {
            throw new IllegalArgumentException("--c must be a positive number, was " + c);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, was " + threads);
        }
    }
}
