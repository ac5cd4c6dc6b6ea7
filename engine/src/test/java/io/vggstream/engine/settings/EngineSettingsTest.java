package io.vggstream.engine.settings;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.settings.Delivery;
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
}
