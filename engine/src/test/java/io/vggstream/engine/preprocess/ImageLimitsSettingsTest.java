package io.vggstream.engine.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.topics.config.StrictConfig;
import org.junit.jupiter.api.Test;

/** max-aspect-ratio and max-tensor-pixels: documented in reference.conf, read into the settings, checked, typos refused. */
class ImageLimitsSettingsTest {

    @Test
    void shouldReadTheImageLimitsFromReferenceConf() {
        ImageLimits limits = EngineSettings.from(ConfigFactory.load()).imageLimits();
        assertThat(limits).isEqualTo(new ImageLimits(40_000_000L, 8, 10, 4_000_000L));
        assertThat(limits).isEqualTo(ImageLimits.of(40_000_000L, 8));
    }

    @Test
    void shouldFailNamingTheKeyWhenALimitIsOutOfRange() {
        Config zero = ConfigFactory.parseString("vggstream.engine.max-tensor-pixels = 0").withFallback(ConfigFactory.load());
        assertThatThrownBy(() -> EngineSettings.from(zero)).hasMessageContaining("max-tensor-pixels");
        Config under = ConfigFactory.parseString("vggstream.engine.max-aspect-ratio = 0.5").withFallback(ConfigFactory.load());
        assertThatThrownBy(() -> EngineSettings.from(under)).hasMessageContaining("max-aspect-ratio");
    }

    @Test
    void shouldRefuseAMisspelledLimitNamingIt() {
        Config user = ConfigFactory.parseString("vggstream.engine.max-tensor-pixel = 100");
        assertThatThrownBy(() -> StrictConfig.requireKnownKeys(user, ConfigFactory.defaultReference(), "test.conf"))
            .isInstanceOf(ConfigException.class).hasMessageContaining("vggstream.engine.max-tensor-pixel");
    }
}
