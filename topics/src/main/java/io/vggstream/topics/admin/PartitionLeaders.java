package io.vggstream.topics.admin;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidMetadataException;

/**
 * Waits until every partition of some topics has a leader that answers. A producer that writes to
 * a topic created a moment ago can get NOT_LEADER_OR_FOLLOWER on its first batches, and an
 * idempotent one then retries later batches into OUT_OF_ORDER_SEQUENCE_NUMBER for ever
 * (KAFKA-15591; seen in StreamingIT). ListOffsets is answered by the leader only, and the admin
 * client retries it until there is one, so its success means the partitions are writable. The one
 * wait for {@link TopicAdmin}, the benchmarks' fresh topics and {@code video}'s topic check.
 */
public final class PartitionLeaders {

    private static final Duration RETRY = Duration.ofMillis(100);

    private PartitionLeaders() {
    }

    /**
     * Returns once every partition of {@code topics} has a working leader. A topic the broker does
     * not know yet (just created; another broker answered) is asked about again until {@code timeout}.
     *
     * @throws KafkaException when a topic still has no leader, or is still unknown, after {@code timeout}, or
     *     on any other error from the broker (the cause); InterruptedException is re-asserted and wrapped
     */
    public static void await(Admin admin, Collection<String> topics, Duration timeout) {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            int callMs = (int) Math.min(Integer.MAX_VALUE, leftMs);
            try {
                Map<String, TopicDescription> described = admin.describeTopics(Set.copyOf(topics),
                    new DescribeTopicsOptions().timeoutMs(callMs)).allTopicNames().get(leftMs, TimeUnit.MILLISECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                described.forEach((name, d) -> d.partitions().forEach(p ->
                    latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
                admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs(callMs)).all().get(leftMs, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                // UnknownTopicOrPartition and NotLeaderOrFollower are both InvalidMetadataExceptions: not yet, ask again.
                if (!(e.getCause() instanceof InvalidMetadataException) || System.nanoTime() > deadline) {
                    throw new KafkaException("the partitions of " + topics + " have no working leader: "
                        + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new KafkaException("the partitions of " + topics + " have no working leader after " + timeout.toMillis()
                    + " ms (is the broker up? `vggstream kafka status`)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for the leaders of " + topics, e);
            }
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for the leaders of " + topics, ie);
            }
        }
    }
}
