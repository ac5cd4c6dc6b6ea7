package io.vggstream.engine.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadGovernorTest {

    private static final long S = 1_000_000_000L;

    @Test
    void shouldStepDownWhenLatencyIsOverBudgetAfterTheCooldown() {
        LoadGovernor g = new LoadGovernor(3, Duration.ofMillis(100), Duration.ofSeconds(2), 0);
        g.observe(500, S);
        assertThat(g.level()).as("within the cooldown").isZero();
        g.observe(500, 2 * S);
        assertThat(g.level()).isEqualTo(1);
        g.observe(500, 3 * S);
        assertThat(g.level()).as("cooldown again").isEqualTo(1);
        g.observe(500, 4 * S);
        assertThat(g.level()).isEqualTo(2);
        g.observe(500, 10 * S);
        assertThat(g.level()).as("no rung below the last").isEqualTo(2);
    }

    @Test
    void shouldStepBackUpWhenLatencyFallsUnderHalfTheBudget() {
        LoadGovernor g = new LoadGovernor(2, Duration.ofMillis(100), Duration.ZERO, 0);
        g.observe(400, 1);
        assertThat(g.level()).isEqualTo(1);
        for (int i = 0; i < 20 && g.smoothedLatencyMs() >= 50; i++) {
            g.observe(10, 2 + i);
        }
        assertThat(g.smoothedLatencyMs()).isLessThan(50);
        assertThat(g.level()).isZero();
        assertThat(g.steps()).isEqualTo(2);
    }

    @Test
    void shouldHoldBetweenHalfTheBudgetAndTheBudget() {
        LoadGovernor g = new LoadGovernor(3, Duration.ofMillis(100), Duration.ZERO, 0);
        g.observe(75, 1);
        g.observe(75, 2);
        assertThat(g.level()).isZero();
        assertThat(g.steps()).isZero();
    }

    @Test
    void shouldNeverStepWithOneLevel() {
        LoadGovernor g = new LoadGovernor(1, Duration.ofMillis(1), Duration.ZERO, 0);
        g.observe(1e6, 1);
        assertThat(g.level()).isZero();
    }
}
