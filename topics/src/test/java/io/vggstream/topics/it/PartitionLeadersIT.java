package io.vggstream.topics.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.topics.admin.PartitionLeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class PartitionLeadersIT {

    @Test
    void shouldReturnOnceEveryPartitionOfFreshTopicsAnswersAsLeader(LocalKafka kafka) throws Exception {
        String a = kafka.createTopic("leaders-a", 3);
        String b = kafka.createTopic("leaders-b", 1);
        try (Admin admin = kafka.admin()) {
            PartitionLeaders.await(admin, List.of(a, b), Duration.ofSeconds(30));
            // The promise: every partition's leader answers a leader-only request at once.
            var ends = admin.listOffsets(Map.of(new TopicPartition(a, 2), OffsetSpec.latest(), new TopicPartition(b, 0),
                OffsetSpec.latest())).all().get(5, TimeUnit.SECONDS);
            assertThat(ends).hasSize(2);
        }
    }

    @Test
    void shouldNameTheTopicsWhenOneNeverAppears(LocalKafka kafka) {
        String missing = kafka.uniqueName("never-created");
        try (Admin admin = kafka.admin()) {
            assertThatThrownBy(() -> PartitionLeaders.await(admin, List.of(missing), Duration.ofSeconds(2)))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining("no working leader");
        }
    }

    @Test
    void shouldReturnAtOnceForNoTopics(LocalKafka kafka) {
        try (Admin admin = kafka.admin()) {
            PartitionLeaders.await(admin, List.of(), Duration.ofSeconds(1));
        }
    }
}
