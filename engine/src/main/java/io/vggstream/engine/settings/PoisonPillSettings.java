package io.vggstream.engine.settings;

import com.typesafe.config.Config;

/**
 * {@code vggstream.engine.poison-pill} (docs/engine.md, "Poison pills"; both deliveries).
 *
 * @param maxDeaths deaths of the engine a record may be part of before it is dead-lettered (at least 2: the death that
 *                  starts a window is not pinned on one record)
 * @param probationRecords the records from the committed offset processed one at a time after a death
 */
public record PoisonPillSettings(boolean enabled, int maxDeaths, int probationRecords) {

    public PoisonPillSettings {
        if (maxDeaths < 2) {
            throw new IllegalArgumentException("vggstream.engine.poison-pill.max-deaths must be at least 2, was " + maxDeaths
                + " (the first death, with many records in flight, pins none of them)");
        }
        if (probationRecords < 1) {
            throw new IllegalArgumentException("vggstream.engine.poison-pill.probation-records must be at least 1, was " + probationRecords);
        }
    }

    /** The {@code vggstream.engine.poison-pill} block of {@code config}. */
    public static PoisonPillSettings from(Config config) {
        Config c = config.getConfig("vggstream.engine.poison-pill");
        return new PoisonPillSettings(c.getBoolean("enabled"), c.getInt("max-deaths"), c.getInt("probation-records"));
    }

    public PoisonPillSettings withEnabled(boolean on) {
        return new PoisonPillSettings(on, maxDeaths, probationRecords);
    }

    public PoisonPillSettings withMaxDeaths(int n) {
        return new PoisonPillSettings(enabled, n, probationRecords);
    }

    public PoisonPillSettings withProbationRecords(int n) {
        return new PoisonPillSettings(enabled, maxDeaths, n);
    }
}
