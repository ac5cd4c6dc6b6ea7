package io.vggstream.engine.eval;

import com.typesafe.config.Config;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code evaluate} run.
 *
 * @param config the settings the engines start with (dispatchers, Pekko)
 * @param base the engine's settings; its {@code models()} are the models evaluated, each alone and, when there are several, as
 *             an ensemble
 * @param protocols the test-time protocols, each a block of rows
 * @param samples the labelled images
 * @param out where {@code evaluation.md} and {@code evaluation.csv} go; empty: nowhere
 */
public record EvaluateOptions(Config config, EngineSettings base, List<Protocol> protocols, Evaluation.Samples samples,
                              Optional<Path> out) {

    public EvaluateOptions {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(samples, "samples");
        if (base.models().isEmpty()) {
            throw new IllegalArgumentException("Missing --model: give one or more models to evaluate.");
        }
        protocols = List.copyOf(protocols);
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("Missing --protocol: give one or more protocols to evaluate under.");
        }
        out = Objects.requireNonNullElse(out, Optional.empty());
    }
}
