package io.vggstream.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClockTest {

    @Test
    void shouldShowMinutesAndSecondsBelowAnHour() {
        assertThat(Clock.format(0)).isEqualTo("0:00");
        assertThat(Clock.format(5)).isEqualTo("0:05");
        assertThat(Clock.format(59.99)).as("rounded down: the 60th second has not passed").isEqualTo("0:59");
        assertThat(Clock.format(3599)).isEqualTo("59:59");
    }

    @Test
    void shouldShowHoursFromAnHourOn() {
        assertThat(Clock.format(3600)).isEqualTo("1:00:00");
        assertThat(Clock.format(3725)).isEqualTo("1:02:05");
        assertThat(Clock.format(100 * 3600 + 1)).isEqualTo("100:00:01");
    }

    @Test
    void shouldShowAnUnknownTimeAsDashes() {
        assertThat(Clock.format(Double.NaN)).isEqualTo(Clock.UNKNOWN);
        assertThat(Clock.format(Double.POSITIVE_INFINITY)).isEqualTo(Clock.UNKNOWN);
        assertThat(Clock.format(-1)).isEqualTo(Clock.UNKNOWN);
    }
}
