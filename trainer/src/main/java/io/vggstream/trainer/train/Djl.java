package io.vggstream.trainer.train;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** DJL's process-wide setup: offline, a cache folder we choose, the PyTorch engine. */
public final class Djl {
    private static final Logger LOG = LoggerFactory.getLogger(Djl.class);

    /** The engine the trainer runs on. */
    public static final String ENGINE = "PyTorch";

    private Djl() {}

    /**
     * Sets {@code ai.djl.offline=true} and {@code DJL_CACHE_DIR} (unless already set as a system
     * property or environment variable) before DJL first loads, and returns the engine.
     */
    public static synchronized Engine engine(Path defaultCacheDir) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", defaultCacheDir.toAbsolutePath().toString());
        }
        Engine engine = Engine.getEngine(ENGINE);
        LOG.debug("DJL {} on {} {}", Engine.getDjlVersion(), engine.getEngineName(), engine.getVersion());
        return engine;
    }
}
