package io.vggstream.engine.api;

import io.vggstream.engine.protocol.Protocol;
import java.util.List;

/**
 * What the engine serves, as a prediction describes it: the models' names, their classes (the
 * same for every model of the ensemble), and for each protocol level its protocol and the scales
 * Q it uses for the first model.
 */
public record Served(List<String> models, List<String> classes, List<Level> levels) {

    /** One rung of the protocol ladder: level 0 is the configured protocol. */
    public record Level(Protocol protocol, List<Integer> scales) {
        public Level {
            scales = List.copyOf(scales);
        }
    }

    public Served {
        models = List.copyOf(models);
        classes = List.copyOf(classes);
        levels = List.copyOf(levels);
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("a served model set has at least one protocol level");
        }
    }

    /** The configured protocol (level 0). */
    public Protocol protocol() {
        return levels.get(0).protocol();
    }

    /** The scales of the configured protocol (level 0). */
    public List<Integer> scales() {
        return levels.get(0).scales();
    }
}
