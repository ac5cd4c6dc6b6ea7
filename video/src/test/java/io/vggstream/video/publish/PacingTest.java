package io.vggstream.video.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacingTest {

    @Test
    void shouldKeepTheFilesSpacingWhenPacedByMediaTimestamps() {
        Pacer pacer = Pacer.media();
        Timeline t = new Timeline(25);
        long start = 1_700_000_000_000L;
        List<Long> ts = new ArrayList<>();
        for (long raw : new long[] {1_000_000, 1_040_000, 1_080_000, 1_120_000}) {
            long due = pacer.dueMicros(ts.size(), t.next(raw));
            ts.add(pacer.timestampMillis(start, due, 42));
        }
        assertThat(ts).containsExactly(start, start + 40, start + 80, start + 120);
    }

    @Test
    void shouldSpaceFramesByOneOverFpsWhenTheRateIsFixed() {
        Pacer pacer = Pacer.fixed(30);
        assertThat(pacer.dueMicros(0, 0)).isZero();
        assertThat(pacer.dueMicros(1, 0)).isEqualTo(33_333);
        assertThat(pacer.dueMicros(3, 0)).isEqualTo(100_000);
        assertThat(pacer.timestampMillis(1000, 100_000, 5)).isEqualTo(1100);
    }

    @Test
    void shouldUseTheWallClockWhenNotPaced() {
        Pacer pacer = Pacer.none();
        assertThat(pacer.paced()).isFalse();
        assertThat(pacer.timestampMillis(1000, pacer.dueMicros(7, 123), 98_765)).isEqualTo(98_765);
    }

    @Test
    void shouldNeverWaitANegativeTimeWhenBehindSchedule() {
        assertThat(Pacer.waitNanos(1_000, 40_000, 1_000)).isEqualTo(40_000_000);
        assertThat(Pacer.waitNanos(1_000, 40_000, 50_000_000)).isZero();
    }

    @Test
    void shouldContinueOneIntervalAfterTheLastFrameWhenTheFileLoops() {
        Timeline t = new Timeline(25);
        assertThat(t.next(500)).isZero();
        assertThat(t.next(40_500)).isEqualTo(40_000);
        assertThat(t.next(80_500)).isEqualTo(80_000);
        t.loop();
        assertThat(t.next(500)).isEqualTo(120_000);
        assertThat(t.next(40_500)).isEqualTo(160_000);
    }

    @Test
    void shouldStepByTheNominalIntervalWhenATimestampDoesNotMoveForward() {
        Timeline t = new Timeline(10);
        assertThat(t.next(0)).isZero();
        assertThat(t.next(0)).isEqualTo(100_000);
        assertThat(t.next(50_000)).isEqualTo(200_000);
        assertThat(t.next(400_000)).isEqualTo(400_000);
    }

    @Test
    void shouldDropFramesThatComeBeforeTheirSlotWhenALiveSourceIsCapped() {
        RateLimit cap = new RateLimit(10); // a slot every 100 ms
        List<Long> kept = new ArrayList<>();
        for (long ms = 0; ms <= 500; ms += 30) {
            if (cap.admit(ms * 1_000_000)) {
                kept.add(ms);
            }
        }
        assertThat(kept).containsExactly(0L, 120L, 210L, 300L, 420L);
    }

    @Test
    void shouldRestartTheGridWhenALiveSourceStalled() {
        RateLimit cap = new RateLimit(10);
        assertThat(cap.admit(0)).isTrue();
        assertThat(cap.admit(1_000_000_000L)).isTrue();
        assertThat(cap.admit(1_050_000_000L)).isFalse();
        assertThat(cap.admit(1_100_000_000L)).isTrue();
    }

    @Test
    void shouldDoubleTheBackoffUpToItsCapWhenReconnecting() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3));
        assertThat(List.of(b.delay(1), b.delay(2), b.delay(3), b.delay(4), b.delay(9))).containsExactly(Duration.ofMillis(500),
            Duration.ofMillis(1000), Duration.ofMillis(2000), Duration.ofMillis(3000), Duration.ofMillis(3000));
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
