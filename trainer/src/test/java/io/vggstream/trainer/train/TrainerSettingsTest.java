package io.vggstream.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainerSettingsTest {

    @Test
    void shouldPutTheDjlCacheUnderTheVggstreamHome() {
        TrainerSettings s = TrainerSettings.from(ConfigFactory.load().getConfig("vggstream.trainer"));

        String home = System.getenv("VGGSTREAM_HOME");
        Path expected = home != null ? Path.of(home, "djl") : Path.of(System.getProperty("user.home"), ".vggstream", "djl");
        assertThat(s.djlCacheDir()).isEqualTo(expected);
    }

    @Test
    void shouldFollowVggstreamHomeWhenSet() {
        TrainerSettings s = TrainerSettings.from(ConfigFactory.parseString("VGGSTREAM_HOME = /srv/vgg")
                .withFallback(ConfigFactory.parseResources("reference.conf"))
                .withFallback(ConfigFactory.systemProperties()).resolve().getConfig("vggstream.trainer"));

        assertThat(s.djlCacheDir()).isEqualTo(Path.of("/srv/vgg/djl"));
    }

    @Test
    void shouldBuildBatchesInlineOnASmallCpuWhenAuto() {
        TrainerSettings s = TrainerSettings.from(ConfigFactory.defaultReference().getConfig("vggstream.trainer"));
        int cores = Runtime.getRuntime().availableProcessors();

        assertThat(s.loaderThreads(false)).isEqualTo(cores <= 4 ? 0 : cores / 4);
        assertThat(s.loaderThreads(true)).isEqualTo(Math.max(1, cores / 2));
        assertThat(s.withLoaderThreads(3).loaderThreads(false)).isEqualTo(3);
    }

    @Test
    void shouldNameTheKeyWhenLoaderThreadsIsMalformed() {
        assertThatThrownBy(() -> TrainerSettings.from(ConfigFactory.parseString("loader.threads = many")
                .withFallback(ConfigFactory.defaultReference().getConfig("vggstream.trainer"))))
                .hasMessageContaining("vggstream.trainer.loader.threads must be auto or a count");
    }

    @Test
    void shouldFailNamingATypoUnderVggstreamTrainer(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("settings.conf");
        java.nio.file.Files.writeString(file, "vggstream.trainer.checkpoints.kep = 3\n");
        assertThatThrownBy(() -> TrainerSettings.load(java.util.Optional.of(file)))
                .hasMessageContaining("vggstream.trainer.checkpoints.kep");
    }

    @Test
    void shouldReadAKnownKeyFromTheSettingsFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("settings.conf");
        java.nio.file.Files.writeString(file, "vggstream.trainer.checkpoints.keep = 5\n");
        assertThat(TrainerSettings.load(java.util.Optional.of(file)).keepCheckpoints()).isEqualTo(5);
    }
}
