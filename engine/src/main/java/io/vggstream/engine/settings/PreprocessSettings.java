package io.vggstream.engine.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * {@code vggstream.engine.preprocess}: the preprocessor pool and how it decodes.
 *
 * @param workers preprocess actors, each on the preprocess dispatcher; 0: one per core
 * @param reducedDecode decode a JPEG at 1/2, 1/4 or 1/8 by libjpeg's DCT scaling when its smaller side is at least
 *     twice the largest Q (docs/engine.md, "Reduced-size JPEG decoding"); off: every frame is decoded in full
 */
public record PreprocessSettings(int workers, boolean reducedDecode) {

    private static final String KEY = "vggstream.engine.preprocess.";

    public PreprocessSettings {
        if (workers < 0) {
            throw new IllegalArgumentException(KEY + "workers must not be negative (0: one per core), got " + workers);
        }
    }

    /** The {@code vggstream.engine.preprocess} block of {@code config}. */
    public static PreprocessSettings from(Config config) {
        Config c = config.getConfig("vggstream.engine.preprocess");
        boolean reduced;
        try {
            reduced = c.getBoolean("reduced-decode");
        } catch (ConfigException.WrongType e) {
            throw new IllegalArgumentException(KEY + "reduced-decode must be on or off, got '" + c.getValue("reduced-decode").unwrapped() + "'", e);
        }
        return new PreprocessSettings(c.getInt("workers"), reduced);
    }

    /** The preprocess actors to start: the setting, or one per core. */
    public int effectiveWorkers() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }

    public PreprocessSettings withWorkers(int n) {
        return new PreprocessSettings(n, reducedDecode);
    }

    public PreprocessSettings withReducedDecode(boolean on) {
        return new PreprocessSettings(workers, on);
    }
}
