package io.vggstream.benchmarks.bench;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.admin.TopicAdmin;
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

    /**
     * Waits until every partition of the new topics has a leader. Producing to a topic created a moment
     * ago can meet NOT_LEADER_OR_FOLLOWER on its first batches; an idempotent producer retrying them
     * behind later batches that did land then fails forever with OUT_OF_ORDER_SEQUENCE_NUMBER.
     */
    private static void awaitLeaders(KafkaSettings kafka, TopicsSettings t) {
        List<String> names = List.of(t.frames().name(), t.predictions().name(), t.deadLetter().name());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = Admin.create(KafkaLimits.admin(kafka))) {
            while (System.nanoTime() < deadline) {
                try {
                    boolean ready = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                    if (ready) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // not visible yet
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the benchmark's topics " + names + " have no leader after 60 s");
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
