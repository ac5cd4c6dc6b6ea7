package io.vggstream.trainer.schedule;

import ai.djl.training.tracker.Tracker;

/**
 * The paper's learning-rate schedule: start at {@code lr}; when validation accuracy has not improved
 * for {@code patience} epochs, divide by 10; after {@code maxReductions} (3) divisions, the next
 * plateau stops training; never more than {@code maxEpochs} (74) epochs. It is also the optimiser's
 * DJL {@link Tracker}, so the optimiser always reads the current rate.
 */
public final class PlateauSchedule implements Tracker {

    /** The paper's factor. */
    public static final double FACTOR = 10;

    private final int patience;
    private final int maxReductions;
    private final int maxEpochs;
    private final double minImprovement;
    private State state;

    /**
     * The schedule's state after some epochs; a checkpoint stores it.
     *
     * @param lr current learning rate
     * @param best best validation accuracy so far (-1 before the first epoch)
     * @param bestEpoch epoch (1-based) of {@code best}
     * @param sinceBest epochs since the accuracy last improved
     * @param reductions divisions made so far
     * @param epoch epochs completed
     * @param stopped true once training should end
     * @param reason why it stopped, or null
     */
    public record State(double lr, double best, int bestEpoch, int sinceBest, int reductions, int epoch,
            boolean stopped, String reason) {}

    /** What the schedule decided at the end of an epoch. */
    public enum Decision { CONTINUE, REDUCED, STOP }

    /**
     * @param lr initial learning rate (the paper's 1e-2)
     * @param patience epochs without improvement before a division (at least 1)
     * @param maxReductions divisions before the next plateau stops training (the paper's 3)
     * @param maxEpochs hard limit (the paper's 74)
     * @param minImprovement an accuracy must beat the best by more than this to count as better
     */
    public PlateauSchedule(double lr, int patience, int maxReductions, int maxEpochs, double minImprovement) {
        if (!(lr > 0) || patience < 1 || maxReductions < 0 || maxEpochs < 1 || minImprovement < 0) {
            throw new IllegalArgumentException("need lr > 0, patience >= 1, maxReductions >= 0, maxEpochs >= 1,"
                    + " minImprovement >= 0");
        }
        this.patience = patience;
        this.maxReductions = maxReductions;
        this.maxEpochs = maxEpochs;
        this.minImprovement = minImprovement;
        this.state = new State(lr, -1, 0, 0, 0, 0, false, null);
    }

    /** The paper's settings: divide by 10 at most 3 times, at most 74 epochs. */
    public static PlateauSchedule paper(double lr, int patience) {
        return new PlateauSchedule(lr, patience, 3, 74, 0);
    }

    /** Records one finished epoch's validation top-1 and decides what comes next. */
    public synchronized Decision onEpochEnd(double valAccuracy) {
        if (state.stopped()) {
            throw new IllegalStateException("the schedule already stopped: " + state.reason());
        }
        State s = state;
        int epoch = s.epoch() + 1;
        boolean improved = valAccuracy > s.best() + minImprovement;
        double best = improved ? valAccuracy : s.best();
        int bestEpoch = improved ? epoch : s.bestEpoch();
        int sinceBest = improved ? 0 : s.sinceBest() + 1;
        double lr = s.lr();
        int reductions = s.reductions();
        Decision decision = Decision.CONTINUE;
        String reason = null;
        if (sinceBest >= patience) {
            if (reductions < maxReductions) {
                lr /= FACTOR;
                reductions++;
                sinceBest = 0;
                decision = Decision.REDUCED;
            } else {
                decision = Decision.STOP;
                reason = "validation accuracy stopped improving after " + reductions + " learning-rate divisions";
            }
        }
        if (decision != Decision.STOP && epoch >= maxEpochs) {
            decision = Decision.STOP;
            reason = "reached the limit of " + maxEpochs + " epochs";
        }
        state = new State(lr, best, bestEpoch, sinceBest, reductions, epoch, decision == Decision.STOP, reason);
        return decision;
    }

    public synchronized State state() {
        return state;
    }

    /** Restores a checkpointed state. */
    public synchronized void restore(State restored) {
        this.state = restored;
    }

    /** The current learning rate. */
    public double lr() {
        return state().lr();
    }

    @Override
    public float getNewValue(int numUpdate) {
        return (float) lr();
    }
}
