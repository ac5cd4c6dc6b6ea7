package io.vggstream.engine.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class PreprocessSettingsTest {

    private static Config with(String line) {
        return ConfigFactory.parseString(line).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void shouldDecodeInFullByDefaultAndReduceWhenSettingsSayOn() {
        assertThat(PreprocessSettings.from(ConfigFactory.defaultReference().resolve()).reducedDecode()).isFalse();
        assertThat(PreprocessSettings.from(with("vggstream.engine.preprocess.reduced-decode = on")).reducedDecode()).isTrue();
        assertThat(PreprocessSettings.from(with("vggstream.engine.preprocess.reduced-decode = on")).withWorkers(3))
            .isEqualTo(new PreprocessSettings(3, true));
        assertThat(new PreprocessSettings(0, true).withReducedDecode(false).reducedDecode()).isFalse();
    }

    @Test
    void shouldNameTheKeyWhenReducedDecodeIsNeitherOnNorOff() {
        assertThatThrownBy(() -> PreprocessSettings.from(with("vggstream.engine.preprocess.reduced-decode = half")))
            .hasMessageContaining("vggstream.engine.preprocess.reduced-decode").hasMessageContaining("half");
        assertThatThrownBy(() -> PreprocessSettings.from(with("vggstream.engine.preprocess.workers = -1")))
            .hasMessageContaining("vggstream.engine.preprocess.workers");
    }
}
