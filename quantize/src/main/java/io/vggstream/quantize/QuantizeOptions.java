package io.vggstream.quantize;

import com.typesafe.config.Config;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code quantize} run.
 *
 * @param model the float32 model's folder (model.onnx and model.json)
 * @param calibration labelled images to calibrate on (their labels only check that several classes are there)
 * @param calibrationName what the card calls the calibration set
 * @param images how many of them to run, spread evenly over the set
 * @param method how activation ranges are chosen
 * @param fp32Layers names of the convs to leave in float32 (e.g. {@code conv1_1})
 * @param out the folder to write the QDQ model to
 * @param check when present, the fp32 and the int8 model's accuracy are measured with it and written into the card
 */
public record QuantizeOptions(Path model, Evaluation.Samples calibration, String calibrationName, int images,
        Method method, Set<String> fp32Layers, Path out, Optional<Check> check) {

    public QuantizeOptions {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(calibration, "calibration");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(out, "out");
        fp32Layers = Set.copyOf(fp32Layers);
        check = Objects.requireNonNullElse(check, Optional.empty());
        if (images < 1) {
            throw new IllegalArgumentException("--images must be at least 1, was " + images);
        }
    }

    /**
     * The accuracy check: both graphs through the engine ({@link Evaluation#run}) under one protocol.
     *
     * @param split what the card calls the part measured, e.g. {@code test}
     */
    public record Check(Config config, EngineSettings base, Protocol protocol, Evaluation.Samples samples, String split) {
        public Check {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(samples, "samples");
        }
    }
}
