package io.vggstream.topics;

import com.typesafe.config.Config;
import io.vggstream.topics.config.StrictConfig;
import java.util.Map;

/**
 * How to reach Kafka: {@code vggstream.kafka} of {@code reference.conf}.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param clients kafka-clients properties passed to every client unchanged
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clients) {

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("vggstream.kafka.bootstrap-servers must not be empty");
        }
        clients = Map.copyOf(clients);
    }

    public static KafkaSettings from(Config config) {
        Config c = config.getConfig("vggstream.kafka");
        return new KafkaSettings(c.getString("bootstrap-servers"), StrictConfig.flat(c.getConfig("clients")));
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, clients);
    }
}
