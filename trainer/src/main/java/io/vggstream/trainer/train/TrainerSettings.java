package io.vggstream.trainer.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The trainer's settings from {@code vggstream.trainer} in {@code reference.conf}, read once.
 *
 * @param djlCacheDir where DJL extracts libtorch
 * @param loaderThreads image loader threads (resolved: at least 1)
 * @param loaderBuffers batch buffers in flight
 * @param statsMaxImages images the RGB statistics are computed on
 * @param holdoutEvery every n-th training image is held out for validation when there is no val set
 * @param evalBatchSize evaluation batch, 0 = training batch
 * @param minImprovement accuracy margin that counts as an improvement
 * @param keepCheckpoints checkpoints kept
 * @param progressInterval progress redraw interval on a terminal
 * @param interruptSaveTimeout how long Ctrl-C waits for the checkpoint
 */
public record TrainerSettings(Path djlCacheDir, int loaderThreads, int loaderBuffers, int statsMaxImages,
        int holdoutEvery, int evalBatchSize, double minImprovement, int keepCheckpoints, Duration progressInterval,
        Duration interruptSaveTimeout) {

    /** Reads {@code vggstream.trainer} from the default configuration. */
    public static TrainerSettings load() {
        return from(ConfigFactory.load().getConfig("vggstream.trainer"));
    }

    public static TrainerSettings from(Config c) {
        int threads = c.getInt("loader.threads");
        if (threads <= 0) {
            threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        }
        TrainerSettings s = new TrainerSettings(Path.of(c.getString("djl-cache-dir")), threads,
                c.getInt("loader.buffers"), c.getInt("stats.max-images"), c.getInt("validation.holdout-every"),
                c.getInt("validation.batch-size"), c.getDouble("validation.min-improvement"),
                c.getInt("checkpoints.keep"), c.getDuration("progress.interval"),
                c.getDuration("interrupt.save-timeout"));
        if (s.loaderBuffers < 2 || s.holdoutEvery < 2 || s.keepCheckpoints < 1 || s.statsMaxImages < 1) {
            throw new IllegalArgumentException("vggstream.trainer: loader.buffers >= 2, validation.holdout-every >= 2,"
                    + " checkpoints.keep >= 1 and stats.max-images >= 1 are required");
        }
        return s;
    }

    public TrainerSettings withLoaderThreads(int n) {
        return new TrainerSettings(djlCacheDir, n, loaderBuffers, statsMaxImages, holdoutEvery, evalBatchSize,
                minImprovement, keepCheckpoints, progressInterval, interruptSaveTimeout);
    }
}
