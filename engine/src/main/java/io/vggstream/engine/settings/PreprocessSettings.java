package io.vggstream.engine.settings;

import com.typesafe.config.Config;

/**
 * {@code vggstream.engine.preprocess}: the preprocessor pool.
 *
 * @param workers preprocess actors, each on the preprocess dispatcher; 0: one per core
 */
public record PreprocessSettings(int workers) {

    public PreprocessSettings {
        if (workers < 0) {
            throw new IllegalArgumentException("vggstream.engine.preprocess.workers must not be negative (0: one per core), got " + workers);
        }
    }

    /** The {@code vggstream.engine.preprocess} block of {@code config}. */
    public static PreprocessSettings from(Config config) {
        return new PreprocessSettings(config.getConfig("vggstream.engine.preprocess").getInt("workers"));
    }

    /** The preprocess actors to start: the setting, or one per core. */
    public int effectiveWorkers() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }

    public PreprocessSettings withWorkers(int n) {
        return new PreprocessSettings(n);
    }
}
