package io.vggstream.trainer.train;

/** Where a training run reports as it goes; {@link ProgressBar} draws it on stderr. */
public interface Progress {

    /** After each batch: {@code done} of {@code total} batches of epoch {@code epoch}. */
    void update(int epoch, int epochs, int done, int total, double loss, double acc, double imagesPerSecond,
            double etaSeconds);

    /** A line of its own: an epoch's summary, the end of training. */
    void println(String line);
}
