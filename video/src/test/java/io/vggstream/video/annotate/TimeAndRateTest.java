package io.vggstream.video.annotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeAndRateTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void shouldReadEveryFormOfTimeWhenParsingFromAndTo() {
        assertThat(TimeArg.parse("--from", "1700000000000", NOW, PARIS)).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(TimeArg.parse("--from", "2026-11-28T08:00:00Z", NOW, PARIS)).isEqualTo(Instant.parse("2026-11-28T08:00:00Z"));
        assertThat(TimeArg.parse("--from", "2026-11-28T09:00:00+01:00", NOW, PARIS)).isEqualTo(Instant.parse("2026-11-28T08:00:00Z"));
        assertThat(TimeArg.parse("--from", "2026-11-28 09:30", NOW, PARIS)).isEqualTo(Instant.parse("2026-11-28T08:30:00Z"));
        assertThat(TimeArg.parse("--from", "-10m", NOW, PARIS)).isEqualTo(Instant.parse("2026-11-28T09:50:00Z"));
        assertThat(TimeArg.parse("--from", "-1.5h", NOW, PARIS)).isEqualTo(Instant.parse("2026-11-28T08:30:00Z"));
        assertThat(TimeArg.parse("--to", "now", NOW, PARIS)).isEqualTo(NOW);
    }

    @Test
    void shouldNameTheFlagWhenATimeIsNotATime() {
        assertThatThrownBy(() -> TimeArg.parse("--to", "yesterday", NOW, PARIS))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--to: 'yesterday' is not a time");
    }

    @Test
    void shouldTakeTheMedianGapWhenEstimatingTheFrameRate() {
        assertThat(FrameRate.estimate(List.of(0L, 40L, 80L, 120L, 1000L, 1040L), 10)).isEqualTo(25.0);
        assertThat(FrameRate.estimate(List.of(0L, 33L, 67L, 100L), 10)).isEqualTo(30.303);
        assertThat(FrameRate.estimate(List.of(5L), 12.5)).isEqualTo(12.5);
        assertThat(FrameRate.estimate(List.of(5L, 5L, 5L), 12.5)).isEqualTo(12.5);
        assertThat(FrameRate.estimate(List.of(0L, 10_000L), 12.5)).isEqualTo(1.0);
    }
}
