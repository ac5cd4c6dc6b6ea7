package io.vggstream.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.settings.EngineSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FrameAgeTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final FrameAge AGE = new FrameAge(Duration.ofSeconds(3), Duration.ofSeconds(2));

    @Test
    void shouldInferFramesWithinTheAgeAndTheSkew() {
        assertThat(AGE.refusal(NOW, NOW)).isEmpty();
        assertThat(AGE.refusal(NOW, NOW - 3000)).isEmpty();
        assertThat(AGE.refusal(NOW, NOW + 2000)).as("exactly at the skew bound").isEmpty();
    }

    @Test
    void shouldDropFramesOlderThanMaxFrameAge() {
        assertThat(AGE.refusal(NOW, NOW - 3001)).hasValueSatisfying(r -> assertThat(r).contains("3.0 s old", "max-frame-age"));
    }

    @Test
    void shouldDropFramesFromTheFutureBeyondTheClockSkewSayingSo() {
        assertThat(AGE.refusal(NOW, NOW + 2001)).hasValueSatisfying(r -> assertThat(r).contains("in the future", "max-clock-skew 2.0 s"));
        assertThat(AGE.refusal(NOW, NOW + 3_600_000)).hasValueSatisfying(r -> assertThat(r).contains("3600.0 s in the future"));
        assertThat(AGE.refusal(NOW, Long.MAX_VALUE)).isPresent();
    }

    @Test
    void shouldCheckNothingWhenMaxFrameAgeIsOff() {
        FrameAge off = new FrameAge(Duration.ZERO, Duration.ofSeconds(2));
        assertThat(off.refusal(NOW, 0)).isEmpty();
        assertThat(off.refusal(NOW, NOW + 3_600_000)).isEmpty();
    }

    @Test
    void shouldReadTheSkewFromTheDocumentedDefaultsAndRefuseANegativeOne() {
        assertThat(EngineSettings.from(ConfigFactory.load()).maxClockSkew()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> EngineSettings.from(ConfigFactory.parseString("vggstream.engine.max-clock-skew = -1 s")
            .withFallback(ConfigFactory.load()))).hasMessageContaining("vggstream.engine.max-clock-skew");
        assertThatThrownBy(() -> new FrameAge(Duration.ofSeconds(3), Duration.ofSeconds(-1))).hasMessageContaining("max-clock-skew");
    }
}
