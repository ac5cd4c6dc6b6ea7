package io.vggstream.engine.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StallWatchTest {

    private static final long S = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(1000 * S);
    private final AtomicReference<Optional<RunClock.Running>> oldest = new AtomicReference<>(Optional.empty());
    private final List<Integer> halts = new ArrayList<>();

    private StallWatch watch(Duration timeout, boolean exit) {
        return new StallWatch(timeout, exit, oldest::get, now::get, halts::add, false);
    }

    @Test
    void shouldNameARunInProgressLongerThanTheTimeout() {
        StallWatch w = watch(Duration.ofSeconds(10), false);
        oldest.set(Optional.of(new RunClock.Running("vgg@CPU", now.get())));
        now.addAndGet(10 * S);
        assertThat(w.stalled()).as("at the timeout, not over it").isEmpty();
        now.addAndGet(1);
        assertThat(w.stalled()).hasValueSatisfying(r -> assertThat(r).contains("vgg@CPU").contains("inference.stall-timeout"));
        w.check();
        assertThat(halts).as("stall-exit off").isEmpty();
    }

    @Test
    void shouldEndTheProcessOnAStallWhenStallExitIsOn() {
        StallWatch w = watch(Duration.ofSeconds(10), true);
        oldest.set(Optional.of(new RunClock.Running("vgg@CPU", now.get())));
        now.addAndGet(5 * S);
        w.check();
        assertThat(halts).as("a slow run, not a stall").isEmpty();
        now.addAndGet(6 * S);
        w.check();
        assertThat(halts).containsExactly(StallWatch.EXIT_CODE);
    }

    @Test
    void shouldSeeNoStallWhenOffOrIdle() {
        assertThat(watch(Duration.ofSeconds(10), false).stalled()).isEmpty();
        oldest.set(Optional.of(new RunClock.Running("vgg@CPU", 0)));
        assertThat(watch(Duration.ZERO, false).stalled()).isEmpty();
    }

    @Test
    void shouldClockRealRunsFromTheirStartToTheirEnd() {
        long t = RunClock.begin("clocked@CPU");
        assertThat(RunClock.oldest()).hasValueSatisfying(r -> assertThat(r.what()).isNotNull());
        RunClock.end(t);
        assertThat(RunClock.oldest().map(RunClock.Running::what)).isNotEqualTo(Optional.of("clocked@CPU"));
    }
}
