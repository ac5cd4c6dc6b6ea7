package io.vggstream.video;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.admin.PartitionLeaders;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes sure a topic exists and every partition has a leader that serves requests before we
 * produce to it. Producing to a missing topic would let a broker with auto-creation make it with
 * its defaults (a 1 MB record limit that refuses large frames); producing to a partition whose
 * leader is not yet in place (a topic created a moment ago) can make an idempotent producer lose
 * its first batch and retry the next until the delivery timeout (KAFKA-15591); the wait is
 * {@link PartitionLeaders}'.
 */
public final class TopicCheck {

    private TopicCheck() {
    }

    /** Waits (at most {@code timeout}) until {@code topic} exists and every partition has a working leader. */
    public static void awaitWritable(KafkaSettings kafka, String topic, Duration timeout) {
        Admin admin = Admin.create(KafkaLimits.admin(kafka));
        try {
            long ms = timeout.toMillis();
            int callMs = (int) Math.min(Integer.MAX_VALUE, ms);
            try {
                admin.describeTopics(Set.of(topic), new DescribeTopicsOptions().timeoutMs(callMs)).topicNameValues().get(topic)
                    .get(ms, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw new TimeoutException(e.getCause().getMessage());
                }
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new VideoException("topic " + topic + " does not exist at " + kafka.bootstrapServers()
                        + " (./vggstream topics create makes the contract's topics)");
                }
                throw new VideoException("cannot describe topic " + topic + " at " + kafka.bootstrapServers() + ": "
                    + e.getCause().getMessage(), e.getCause());
            }
            try {
                PartitionLeaders.await(admin, Set.of(topic), timeout);
            } catch (KafkaException e) {
                throw new VideoException(e.getMessage() + " (at " + kafka.bootstrapServers() + ")", e);
            }
        } catch (TimeoutException e) {
            throw new VideoException("Kafka at " + kafka.bootstrapServers() + " did not answer within " + timeout.toSeconds()
                + " s (is it running? ./vggstream kafka start)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VideoException("interrupted while looking up topic " + topic, e);
        } finally {
            // Not the default close, which waits out any call still pending (up to a minute) on an absent broker.
            admin.close(Duration.ofMillis(500));
        }
    }
}
