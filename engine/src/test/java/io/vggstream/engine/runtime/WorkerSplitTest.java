package io.vggstream.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerSplitTest {

    private static final Duration BOUND = Duration.ofMillis(50);

    @Test
    void shouldSplitOnlyWhenEveryModelsLoneFrameOnOneThreadIsWithinTheBound() {
        // 20 ms on 2 threads is at most 40 ms on one: split. 30 ms is up to 60 ms: keep one worker.
        assertThat(WorkerSplit.splits(new long[] {20_000_000}, 2, BOUND)).isTrue();
        assertThat(WorkerSplit.splits(new long[] {30_000_000}, 2, BOUND)).isFalse();
        // An ensemble splits only when all of its models are small.
        assertThat(WorkerSplit.splits(new long[] {1_000_000, 30_000_000}, 2, BOUND)).isFalse();
        assertThat(WorkerSplit.splits(new long[] {1_000_000, 2_000_000}, 2, BOUND)).isTrue();
    }

    @Test
    void shouldNotSplitASingleThreadSessionOrWhenTheBoundIsZero() {
        assertThat(WorkerSplit.splits(new long[] {1}, 1, BOUND)).isFalse();
        assertThat(WorkerSplit.splits(new long[] {1}, 4, Duration.ZERO)).isFalse();
    }

    @Test
    void shouldShareTheCoresAmongTheModelsAndCpuDevicesWhenSplit() {
        assertThat(WorkerSplit.splitWorkers(2, 1, 1)).isEqualTo(2);
        assertThat(WorkerSplit.splitWorkers(16, 1, 2)).isEqualTo(8);
        assertThat(WorkerSplit.splitWorkers(2, 1, 3)).isEqualTo(1);
    }
}
