package io.vggstream.engine.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class InferenceSettingsTest {

    private static Config with(String line) {
        return ConfigFactory.parseString(line).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void shouldNotSpinByDefaultAndSpinWhenSettingsSayOn() {
        assertThat(InferenceSettings.from(ConfigFactory.defaultReference().resolve()).spinning()).isFalse();
        assertThat(InferenceSettings.from(with("vggstream.engine.inference.spinning = on")).spinning()).isTrue();
        assertThat(InferenceSettings.from(with("vggstream.engine.inference.spinning = on")).withSpinning(false).spinning()).isFalse();
    }

    @Test
    void shouldNameTheKeyWhenSpinningIsNeitherOnNorOff() {
        assertThatThrownBy(() -> InferenceSettings.from(with("vggstream.engine.inference.spinning = sometimes")))
            .hasMessageContaining("vggstream.engine.inference.spinning");
    }
}
