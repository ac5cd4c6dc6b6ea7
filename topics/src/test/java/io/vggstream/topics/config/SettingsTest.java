package io.vggstream.topics.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @Test
    void shouldReadTheContractDefaultsFromReferenceConf() {
        TopicsSettings t = TopicsSettings.from(StrictConfig.load(Optional.empty()));
        assertThat(t.frames().name()).isEqualTo("vggstream.frames");
        assertThat(t.predictions().name()).isEqualTo("vggstream.predictions");
        assertThat(t.deadLetter().name()).isEqualTo("vggstream.frames.dlq");
        assertThat(t.maxFrameBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(t.topicConfigs(t.frames())).containsEntry("max.message.bytes", Integer.toString(t.maxRecordBytes()));
        assertThat(t.maxRecordBytes()).isGreaterThan(8 * 1024 * 1024);
    }

    @Test
    void shouldSizeClientLimitsForTheLargestFrame() {
        TopicsSettings t = TopicsSettings.from(StrictConfig.load(Optional.empty()));
        KafkaSettings k = new KafkaSettings("127.0.0.1:1", Map.of("client.id", "x", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "10"));
        Map<String, Object> p = KafkaLimits.producer(k, t);
        assertThat((Integer) p.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)).isGreaterThanOrEqualTo(t.maxRecordBytes());
        assertThat(p).containsEntry("client.id", "x");
        Map<String, Object> c = KafkaLimits.consumer(k, t);
        assertThat((Integer) c.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)).isGreaterThanOrEqualTo(t.maxRecordBytes());
    }

    @Test
    void shouldFailFastNamingAnUnknownKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("my.conf");
        Files.writeString(f, "vggstream.topics.frames.partitons = 3\nvggstream.kafka.clients.\"client.id\" = ok\n");
        assertThatThrownBy(() -> StrictConfig.load(Optional.of(f)))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("vggstream.topics.frames.partitons")
            .hasMessageContaining("my.conf")
            .hasMessageNotContaining("client.id");
    }

    @Test
    void shouldLetAFileOverrideDefaultsAndPassClientPropertiesThrough(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("my.conf");
        Files.writeString(f, "vggstream.topics.frames.partitions = 12\nvggstream.kafka.clients.\"client.id\" = cam-farm\n");
        var config = StrictConfig.load(Optional.of(f));
        assertThat(TopicsSettings.from(config).frames().partitions()).isEqualTo(12);
        assertThat(KafkaSettings.from(config).clients()).containsEntry("client.id", "cam-farm");
    }

    @Test
    void shouldFailNamingAMissingConfigFile(@TempDir Path dir) {
        assertThatThrownBy(() -> StrictConfig.load(Optional.of(dir.resolve("nope.conf")))).hasMessageContaining("nope.conf");
    }

    @Test
    void shouldRejectIllegalTopicNameNamingTheKey() {
        var config = ConfigFactory.parseString("vggstream.topics.frames.name = \"bad name!\"")
            .withFallback(ConfigFactory.defaultReference()).resolve();
        assertThatThrownBy(() -> TopicsSettings.from(config)).hasMessageContaining("vggstream.topics.frames.name");
    }
}
