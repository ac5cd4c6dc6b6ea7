package io.vggstream.engine.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatcherTest {

    @Test
    void shouldCloseABatchWhenItReachesMaxSize() {
        Batcher<String, Integer> b = new Batcher<>(3);
        assertThat(b.add("224x224", 1)).isInstanceOf(Batcher.Added.Opened.class);
        assertThat(b.add("224x224", 2)).isInstanceOf(Batcher.Added.Waiting.class);
        Batcher.Added<Integer> third = b.add("224x224", 3);
        assertThat(third).isInstanceOfSatisfying(Batcher.Added.Full.class, f -> assertThat(f.batch()).containsExactly(1, 2, 3));
        assertThat(b.pendingCount()).isZero();
        assertThat(b.add("224x224", 4)).as("the next request opens a new batch").isInstanceOf(Batcher.Added.Opened.class);
    }

    @Test
    void shouldKeepShapesApart() {
        Batcher<String, Integer> b = new Batcher<>(2);
        b.add("a", 1);
        assertThat(b.add("b", 2)).isInstanceOf(Batcher.Added.Opened.class);
        assertThat(b.add("a", 3)).isInstanceOfSatisfying(Batcher.Added.Full.class, f -> assertThat(f.batch()).containsExactly(1, 3));
        assertThat(b.flush("b")).contains(List.of(2));
    }

    @Test
    void shouldFlushWhatWaitsAtTheDelayAndNothingTwice() {
        Batcher<String, Integer> b = new Batcher<>(8);
        b.add("s", 1);
        b.add("s", 2);
        assertThat(b.flush("s")).contains(List.of(1, 2));
        assertThat(b.flush("s")).isEmpty();
    }

    @Test
    void shouldHandEverythingBackOnDrain() {
        Batcher<String, Integer> b = new Batcher<>(8);
        b.add("s", 1);
        b.add("t", 2);
        assertThat(b.drain()).hasSize(2);
        assertThat(b.pendingCount()).isZero();
    }

    @Test
    void shouldRefuseAMaxBatchSizeBelowOne() {
        assertThatThrownBy(() -> new Batcher<String, Integer>(0)).hasMessageContaining("max-batch-size");
    }
}
