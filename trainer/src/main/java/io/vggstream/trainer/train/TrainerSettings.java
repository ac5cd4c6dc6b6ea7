package io.vggstream.trainer.train;

import com.typesafe.config.Config;
import io.vggstream.topics.config.StrictConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The trainer's settings from {@code vggstream.trainer} in {@code reference.conf}, read once.
 *
 * @param djlCacheDir where DJL extracts libtorch
 * @param loaderThreads image loader threads, 0 = inline; -1 = auto, see {@link #loaderThreads(boolean)}
 * @param loaderBuffers batch buffers in flight
 * @param statsMaxImages images the RGB statistics are computed on
 * @param holdoutEvery every n-th training image is held out for validation when there is no val set
 * @param evalBatchSize evaluation batch, 0 = training batch
 * @param keepCheckpoints checkpoints kept
 * @param progressInterval progress redraw interval on a terminal
 * @param interruptSaveTimeout how long Ctrl-C waits for the checkpoint
 */
public record TrainerSettings(Path djlCacheDir, int loaderThreads, int loaderBuffers, int statsMaxImages,
        int holdoutEvery, int evalBatchSize, int keepCheckpoints, Duration progressInterval,
        Duration interruptSaveTimeout) {

    /**
     * Reads {@code vggstream.trainer} through {@link StrictConfig}, as every other command reads
     * its settings: {@code application.conf} over the {@code reference.conf}s, and a key no
     * {@code reference.conf} documents (a typo) fails naming it.
     */
    public static TrainerSettings load() {
        return load(Optional.empty());
    }

    /** The same with a settings file (HOCON) on top. */
    public static TrainerSettings load(Optional<Path> settingsFile) {
        return from(StrictConfig.load(settingsFile).getConfig("vggstream.trainer"));
    }

    public static TrainerSettings from(Config c) {
        String t = c.getString("loader.threads").trim();
        int threads;
        try {
            threads = t.equals("auto") ? -1 : Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("vggstream.trainer.loader.threads must be auto or a count >= 0, was " + t);
        }
        if (threads < -1) {
            throw new IllegalArgumentException("vggstream.trainer.loader.threads must be auto or a count >= 0, was " + t);
        }
        TrainerSettings s = new TrainerSettings(Path.of(c.getString("djl-cache-dir")), threads,
                c.getInt("loader.buffers"), c.getInt("stats.max-images"), c.getInt("validation.holdout-every"),
                c.getInt("validation.batch-size"), c.getInt("checkpoints.keep"), c.getDuration("progress.interval"),
                c.getDuration("interrupt.save-timeout"));
        if (s.loaderBuffers < 2 || s.holdoutEvery < 2 || s.keepCheckpoints < 1 || s.statsMaxImages < 1) {
            throw new IllegalArgumentException("vggstream.trainer: loader.buffers >= 2, validation.holdout-every >= 2,"
                    + " checkpoints.keep >= 1 and stats.max-images >= 1 are required");
        }
        return s;
    }

    public TrainerSettings withLoaderThreads(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("loader threads must be >= 0, was " + n);
        }
        return new TrainerSettings(djlCacheDir, n, loaderBuffers, statsMaxImages, holdoutEvery, evalBatchSize,
                keepCheckpoints, progressInterval, interruptSaveTimeout);
    }

    /**
     * Loader threads to use: as configured, or for {@code auto} half the cores on a GPU, none (inline)
     * on a CPU with 4 cores or fewer, a quarter of the cores on a bigger CPU.
     */
    public int loaderThreads(boolean onGpu) {
        if (loaderThreads >= 0) {
            return loaderThreads;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        return onGpu ? Math.max(1, cores / 2) : cores <= 4 ? 0 : cores / 4;
    }
}
