package io.vggstream.engine.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.fusion.TemporalFusion;
import io.vggstream.engine.infer.Device;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {

    private static final Config CONFIG = ConfigFactory.load();

    @Test
    void shouldDeriveTheDefaultTransactionalIdFromTheGroupInUse() {
        EngineSettings settings = EngineSettings.from(CONFIG);
        String host = settings.delivery().transactionalId().substring(settings.groupId().length() + 1);
        assertThat(settings.delivery().transactionalId()).isEqualTo(settings.groupId() + "-" + host);

        // `run --group-id other`: two groups on one host must not share a transactional id (they would fence each other).
        assertThat(settings.withGroupId("other").delivery().transactionalId()).isEqualTo("other-" + host);
    }

    @Test
    void shouldKeepAnExplicitTransactionalIdWhenTheGroupChanges() {
        Config c = ConfigFactory.parseMap(Map.of("vggstream.engine.transactional-id", "mine")).withFallback(CONFIG);
        EngineSettings settings = EngineSettings.from(c).withDelivery(new Delivery(true, "mine"));
        assertThat(settings.withGroupId("other").delivery()).isEqualTo(new Delivery(true, "mine"));
    }

    @Test
    void shouldRefuseAStallTimeoutNotLongerThanASlowBatch() {
        InferenceSettings i = EngineSettings.from(CONFIG).inference();
        assertThatThrownBy(() -> i.withStall(Duration.ofSeconds(2), false)).hasMessageContaining("stall-timeout")
            .hasMessageContaining("slow-batch");
        assertThatThrownBy(() -> i.withStall(Duration.ofSeconds(-1), false)).hasMessageContaining("stall-timeout must not be negative");
        assertThatThrownBy(() -> i.withStall(Duration.ZERO, true)).hasMessageContaining("stall-exit needs a stall-timeout");
        assertThat(i.withStall(Duration.ZERO, false).stallTimeout()).isZero();
        assertThat(i.withStall(Duration.ofSeconds(3), true).stallExit()).isTrue();
    }

    @Test
    void shouldReadWorkersPerDeviceAsAutoOrAWholeNumberAndNameTheKeyOtherwise() {
        assertThat(EngineSettings.from(CONFIG).inference().autoWorkers()).isTrue();
        assertThat(InferenceSettings.from(ConfigFactory.parseMap(Map.of("vggstream.engine.inference.workers-per-device", 3))
            .withFallback(CONFIG)).workersPerDevice()).isEqualTo(3);
        for (Object bad : List.of(0, -1, "two")) {
            Config c = ConfigFactory.parseMap(Map.of("vggstream.engine.inference.workers-per-device", bad)).withFallback(CONFIG);
            assertThatThrownBy(() -> InferenceSettings.from(c)).hasMessageContaining("vggstream.engine.inference.workers-per-device")
                .hasMessageContaining("auto");
        }
        Config negative = ConfigFactory.parseMap(Map.of("vggstream.engine.inference.split-below", "-1ms")).withFallback(CONFIG);
        assertThatThrownBy(() -> InferenceSettings.from(negative)).hasMessageContaining("split-below");
        assertThat(EngineSettings.from(CONFIG).inference().splitBelow()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void shouldReadEachBlockIntoItsOwnRecord() {
        EngineSettings s = EngineSettings.from(CONFIG);
        assertThat(s.inference()).isEqualTo(new InferenceSettings(List.of(Device.parse("auto")), InferenceSettings.AUTO_WORKERS, 0, 8, Duration.ofMillis(5),
            Duration.ofSeconds(2), Duration.ofMinutes(5), false));
        assertThat(s.preprocess()).isEqualTo(new PreprocessSettings(0, false));
        assertThat(s.poisonPill()).isEqualTo(new PoisonPillSettings(true, 2, 64));
        assertThat(s.video()).isEqualTo(new EngineSettings.VideoFusion(TemporalFusion.Method.EMA, 8, 0.3, 10_000));
        assertThat(s.degrade().enabled()).isFalse();
        // Read here, not behind the settings by the Kafka stream.
        assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.maxClockSkew()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldNameTheKeyOfAValueOutOfRange() {
        assertThatThrownBy(() -> EngineSettings.from(with("vggstream.engine.inference.max-batch-size = 0")))
            .hasMessageContaining("vggstream.engine.inference.max-batch-size");
        assertThatThrownBy(() -> EngineSettings.from(with("vggstream.engine.poison-pill.max-deaths = 1")))
            .hasMessageContaining("vggstream.engine.poison-pill.max-deaths");
        assertThatThrownBy(() -> EngineSettings.from(with("vggstream.engine.commit-interval = 0 s")))
            .hasMessageContaining("vggstream.engine.commit-interval");
        assertThatThrownBy(() -> EngineSettings.from(with("vggstream.engine.preprocess.workers = -1")))
            .hasMessageContaining("vggstream.engine.preprocess.workers");
        assertThatThrownBy(() -> EngineSettings.from(with("vggstream.engine.video.window = 0")))
            .hasMessageContaining("vggstream.engine.video.window");
    }

    @Test
    void shouldChangeOnlyTheValueAWithXNames() {
        EngineSettings s = EngineSettings.from(CONFIG);
        EngineSettings changed = s.withInference(s.inference().withMaxBatchSize(16)).withTopK(3);
        assertThat(changed.inference().maxBatchSize()).isEqualTo(16);
        assertThat(changed.topK()).isEqualTo(3);
        assertThat(changed.withInference(s.inference()).withTopK(s.topK())).isEqualTo(s);
        assertThat(changed.inference().devices()).isEqualTo(s.inference().devices());
        assertThat(changed.frameDeadline()).isEqualTo(s.frameDeadline());
    }

    private static Config with(String line) {
        return ConfigFactory.parseString(line).withFallback(CONFIG);
    }
}
