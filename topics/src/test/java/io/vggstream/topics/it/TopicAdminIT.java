package io.vggstream.topics.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.admin.TopicAdmin;
import io.vggstream.topics.admin.TopicAdmin.State;
import io.vggstream.topics.admin.TopicAdmin.TopicReport;
import io.vggstream.topics.config.StrictConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TopicAdminIT {

    private static TopicsSettings fresh(LocalKafka kafka) {
        return TopicsSettings.from(StrictConfig.load(Optional.empty()))
            .withNames(kafka.uniqueName("frames"), kafka.uniqueName("predictions"), kafka.uniqueName("dlq"));
    }

    @Test
    void shouldCreateTheThreeTopicsWithTheContractSettings(LocalKafka kafka) {
        TopicsSettings settings = fresh(kafka);
        try (TopicAdmin admin = TopicAdmin.create(new KafkaSettings(kafka.bootstrapServers(), Map.of()), settings)) {
            List<TopicReport> reports = admin.ensure();
            assertThat(reports).extracting(TopicReport::state).containsOnly(State.CREATED);
            assertThat(reports).allMatch(TopicReport::fits);
            TopicReport frames = reports.get(0);
            assertThat(frames.name()).isEqualTo(settings.frames().name());
            assertThat(frames.partitions()).isEqualTo(settings.frames().partitions());
            assertThat(frames.configs()).containsEntry("max.message.bytes", Integer.toString(settings.maxRecordBytes()))
                .containsEntry("retention.ms", Long.toString(settings.frames().retention().toMillis()));
            assertThat(frames.notes()).isEmpty();

            // Again: nothing to create, everything fits.
            assertThat(admin.ensure()).extracting(TopicReport::state).containsOnly(State.EXISTS);
        }
    }

    @Test
    void shouldReportAnExistingTopicThatCannotHoldAFrame(LocalKafka kafka) {
        TopicsSettings settings = fresh(kafka);
        kafka.createTopic("frames", 2, Map.of("max.message.bytes", "1048588"));
        try (TopicAdmin admin = TopicAdmin.create(new KafkaSettings(kafka.bootstrapServers(), Map.of()), settings)) {
            List<TopicReport> reports = admin.ensure();
            TopicReport frames = reports.get(0);
            assertThat(frames.state()).isEqualTo(State.EXISTS);
            assertThat(frames.fits()).isFalse();
            assertThat(frames.problems()).singleElement().asString().contains("max.message.bytes is 1048588");
            assertThat(frames.notes()).anyMatch(n -> n.contains("2 partitions"));
            assertThat(reports.get(1).state()).isEqualTo(State.CREATED);
        }
    }

    @Test
    void shouldDescribeMissingTopicsWithoutCreatingThem(LocalKafka kafka) {
        TopicsSettings settings = fresh(kafka);
        try (TopicAdmin admin = TopicAdmin.create(new KafkaSettings(kafka.bootstrapServers(), Map.of()), settings)) {
            assertThat(admin.describe()).extracting(TopicReport::state).containsOnly(State.MISSING);
            assertThat(admin.describe()).extracting(TopicReport::state).containsOnly(State.MISSING);
        }
    }
}
