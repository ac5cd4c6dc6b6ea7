package io.vggstream.engine.protocol;

import java.time.Duration;

/**
 * Graceful degradation: picks the protocol level for the next frame from the engine's smoothed
 * latency. Above the budget it steps down a rung (cheaper protocol), under half the budget it
 * steps back up, never twice within the cooldown, so each step's effect shows before the next.
 * Not thread-safe, on purpose: one actor (the aggregator, where each frame's latency is observed)
 * owns it, feeds it and reads it.
 */
public final class LoadGovernor {

    /** Weight of the newest latency in the moving average. */
    static final double ALPHA = 0.2;

    private final int levels;
    private final double budgetMs;
    private final long cooldownNanos;
    private int level;
    private double ewmaMs = Double.NaN;
    private long lastStep;
    private long steps;

    /**
     * @param levels how many protocol levels there are (1: never degrade)
     * @param nowNanos the clock at start, e.g. {@link System#nanoTime()}
     */
    public LoadGovernor(int levels, Duration budget, Duration cooldown, long nowNanos) {
        this.levels = levels;
        this.budgetMs = budget.toNanos() / 1e6;
        this.cooldownNanos = cooldown.toNanos();
        this.lastStep = nowNanos;
    }

    /** The level the next frame should use. */
    public int level() {
        return level;
    }

    /** Records one frame's engine latency and steps the level when due. */
    public void observe(double latencyMs, long nowNanos) {
        ewmaMs = Double.isNaN(ewmaMs) ? latencyMs : ALPHA * latencyMs + (1 - ALPHA) * ewmaMs;
        if (nowNanos - lastStep < cooldownNanos) {
            return;
        }
        if (ewmaMs > budgetMs && level < levels - 1) {
            level++;
            lastStep = nowNanos;
            steps++;
        } else if (ewmaMs < budgetMs / 2 && level > 0) {
            level--;
            lastStep = nowNanos;
            steps++;
        }
    }

    public double smoothedLatencyMs() {
        return ewmaMs;
    }

    public long steps() {
        return steps;
    }
}
