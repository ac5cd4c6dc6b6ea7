package io.vggstream.cli;

import com.typesafe.config.Config;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.config.StrictConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every Kafka-facing command shares (picocli mixin): a settings file and the broker address. */
public final class KafkaOptions {

    @Option(names = "--config", paramLabel = "FILE",
        description = "A HOCON file over the defaults (see the modules' reference.conf). Unknown keys are refused.")
    Path configFile;

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
        description = "Kafka bootstrap servers (default: vggstream.kafka.bootstrap-servers, 127.0.0.1:9092,"
            + " or $VGGSTREAM_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    private Config config;

    /** The resolved settings, read once. */
    public Config config() {
        if (config == null) {
            config = StrictConfig.load(Optional.ofNullable(configFile));
        }
        return config;
    }

    public KafkaSettings kafka() {
        KafkaSettings k = KafkaSettings.from(config());
        return bootstrapServers == null ? k : k.withBootstrapServers(bootstrapServers);
    }

    public TopicsSettings topics() {
        return TopicsSettings.from(config());
    }
}
