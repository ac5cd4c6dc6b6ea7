package io.vggstream.benchmarks.bench;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.admin.PartitionLeaders;
import io.vggstream.topics.admin.TopicAdmin;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/** Fresh topics for one measured point, so that no point reads another's frames; deleted after. */
final class BenchTopics {

    private BenchTopics() {
    }

    /** The contract's topics under {@code prefix}, the frames and predictions topics with {@code partitions} partitions. */
    static TopicsSettings create(KafkaSettings kafka, TopicsSettings base, String prefix, int partitions) {
        TopicsSettings t = new TopicsSettings(
            new TopicsSettings.TopicSpec("frames", prefix + ".frames", partitions, base.frames().retention(), base.frames().configs()),
            new TopicsSettings.TopicSpec("predictions", prefix + ".predictions", partitions, base.predictions().retention(),
                base.predictions().configs()),
            new TopicsSettings.TopicSpec("dead-letter", prefix + ".dlq", 1, base.deadLetter().retention(), base.deadLetter().configs()),
            base.replicationFactor(), base.maxFrameBytes(), base.recordOverheadBytes());
        try (TopicAdmin admin = TopicAdmin.create(kafka, t)) {
            admin.ensure();
        }
        awaitLeaders(kafka, t);
        return t;
    }

    /** Every partition of the new topics led: producing earlier can wedge an idempotent producer (KAFKA-15591). */
    private static void awaitLeaders(KafkaSettings kafka, TopicsSettings t) {
        try (Admin admin = Admin.create(KafkaLimits.admin(kafka))) {
            PartitionLeaders.await(admin, List.of(t.frames().name(), t.predictions().name(), t.deadLetter().name()),
                Duration.ofSeconds(60));
        }
    }

    /** Best effort: a broker given with --bootstrap-server should not keep the benchmark's frames. */
    static void delete(KafkaSettings kafka, TopicsSettings t) {
        try (Admin admin = Admin.create(KafkaLimits.admin(kafka))) {
            admin.deleteTopics(List.of(t.frames().name(), t.predictions().name(), t.deadLetter().name())).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // left for retention to remove
        }
    }
}
