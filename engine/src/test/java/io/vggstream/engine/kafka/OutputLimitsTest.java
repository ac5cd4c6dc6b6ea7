package io.vggstream.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputLimitsTest {

    @Test
    void shouldTakeTheSmallerOfTheTopicsLimitAndTheProducers() {
        OutputLimits limits = new OutputLimits(Map.of("small", 100_000, "large", 50_000_000), 8_454_144);
        assertThat(limits.limit("small")).isEqualTo(100_000);
        assertThat(limits.limit("large")).as("the producer refuses more than its max.request.size").isEqualTo(8_454_144);
        assertThat(limits.limit("unread")).as("a topic not read: the producer's limit").isEqualTo(8_454_144);
    }
}
