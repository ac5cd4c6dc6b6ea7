package io.vggstream.trainer.train;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A run whose loss, gradient or weights stopped being finite numbers. Training stops at once:
 * nothing is exported and no checkpoint is written after the fault, so the latest checkpoint is
 * the last good one.
 */
public final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int step;
    private final double lastFiniteLoss;
    private final transient Path checkpoint;

    /**
     * @param epoch 1-based epoch of the fault
     * @param step 1-based step within the epoch (0: found at the epoch's end)
     * @param steps steps in the epoch
     * @param what what was not finite, e.g. {@code loss NaN}
     * @param lastFiniteLoss the last step's mean loss that was a number (NaN: none in this invocation)
     * @param lr the learning rate in use
     * @param checkpoint the last good checkpoint, or null when the run has none
     */
    public DivergedException(int epoch, int step, int steps, String what, double lastFiniteLoss, double lr,
            Path checkpoint) {
        super(message(epoch, step, steps, what, lastFiniteLoss, lr, checkpoint));
        this.epoch = epoch;
        this.step = step;
        this.lastFiniteLoss = lastFiniteLoss;
        this.checkpoint = checkpoint;
    }

    private static String message(int epoch, int step, int steps, String what, double lastFiniteLoss, double lr,
            Path checkpoint) {
        String where = step > 0 ? String.format(Locale.ROOT, "epoch %d, step %d of %d", epoch, step, steps)
                : String.format(Locale.ROOT, "the end of epoch %d", epoch);
        String last = Double.isNaN(lastFiniteLoss) ? "no finite loss before it"
                : String.format(Locale.ROOT, "last finite loss %.6g", lastFiniteLoss);
        String lower = String.format(Locale.ROOT, "%.3g", lr / 10);
        String hint = checkpoint != null
                ? "the last good checkpoint is " + checkpoint + "; continue from it with --resume --lr " + lower
                        + " (a tenth of " + String.format(Locale.ROOT, "%.3g", lr) + ")"
                : "no checkpoint was written yet: start again with a lower --lr (e.g. " + lower
                        + ") or --init glorot";
        return "training diverged at " + where + ": " + what + " (" + last + "); nothing exported; " + hint;
    }

    public int epoch() {
        return epoch;
    }

    public int step() {
        return step;
    }

    public double lastFiniteLoss() {
        return lastFiniteLoss;
    }

    /** The last good checkpoint, or null. */
    public Path checkpoint() {
        return checkpoint;
    }
}
