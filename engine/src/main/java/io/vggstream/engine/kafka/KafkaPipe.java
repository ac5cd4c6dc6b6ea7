package io.vggstream.engine.kafka;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.Producer;
import org.apache.pekko.kafka.javadsl.Transactional;

/**
 * The at-least-once shape both Kafka-facing actors share: consume a topic in a group, answer each
 * record (at most {@code maxInFlight} at once, emitted in consumption order), turn each answer into
 * one record to produce in that order ({@code inOrder} sees answers one at a time, in order, so it
 * may keep per-stream state), produce it, and only then commit the input's offset, in order per
 * partition.
 */
public final class KafkaPipe {

    private KafkaPipe() {
    }

    /**
     * How outputs and input offsets are written: at least once (produce, then commit), or exactly
     * once (outputs and offsets in one Kafka transaction; consumers of the outputs must read
     * committed). The transactional id must be stable across restarts of one instance, so that a
     * restarted instance fences its killed predecessor's open transaction at once.
     */
    public record Delivery(boolean exactlyOnce, String transactionalId) {
        public static Delivery atLeastOnce() {
            return new Delivery(false, "");
        }
    }

    public static <A> Consumer.DrainingControl<Done> run(ActorSystem<?> system, KafkaSettings kafka, TopicsSettings topics,
            String groupId, String topic, int maxInFlight,
            Function<ConsumerRecord<byte[], byte[]>, CompletionStage<A>> answer,
            Function<A, ProducerMessage.Envelope<byte[], byte[], NotUsed>> inOrder) {
        return run(system, kafka, topics, groupId, topic, maxInFlight, answer, inOrder, Delivery.atLeastOnce());
    }

    public static <A> Consumer.DrainingControl<Done> run(ActorSystem<?> system, KafkaSettings kafka, TopicsSettings topics,
            String groupId, String topic, int maxInFlight,
            Function<ConsumerRecord<byte[], byte[]>, CompletionStage<A>> answer,
            Function<A, ProducerMessage.Envelope<byte[], byte[], NotUsed>> inOrder, Delivery delivery) {
        Map<String, String> consumerProps = strings(KafkaLimits.consumer(kafka, topics));
        // A new group starts at the oldest record still kept: nothing published before start-up is skipped.
        consumerProps.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        ConsumerSettings<byte[], byte[]> consumerSettings = ConsumerSettings
            .create(system, new ByteArrayDeserializer(), new ByteArrayDeserializer())
            .withProperties(consumerProps)
            .withGroupId(groupId)
            // The consumer actor must outlive the stream's last commit: with 0 it stopped as soon as
            // drainAndShutdown stopped the source, the final commit batch was lost, and the next owner of
            // the partitions answered them again (ScaleOutIT: 24 of 48 frames, 3 runs in 4). The cost:
            // a SIGTERM'd engine exits about this much later.
            .withStopTimeout(Duration.ofSeconds(5));
        ProducerSettings<byte[], byte[]> producerSettings = ProducerSettings
            .create(system, new ByteArraySerializer(), new ByteArraySerializer())
            .withProperties(strings(KafkaLimits.producer(kafka, topics)));
        if (delivery.exactlyOnce()) {
            // Outputs and the input offsets commit together; what a killed instance had produced
            // but not committed is aborted, invisible to read-committed consumers.
            return Transactional.sourceWithOffsetContext(
                    consumerSettings.withProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), Subscriptions.topics(topic))
                .mapAsync(maxInFlight, answer::apply)
                .map(inOrder::apply)
                .toMat(Transactional.sinkWithOffsetContext(producerSettings, delivery.transactionalId()), Consumer::createDrainingControl)
                .run(system);
        }
        return Consumer.sourceWithOffsetContext(consumerSettings, Subscriptions.topics(topic))
            .mapAsync(maxInFlight, answer::apply)
            .map(inOrder::apply)
            .via(Producer.flowWithContext(producerSettings))
            .toMat(Committer.sinkWithOffsetContext(CommitterSettings.create(system)), Consumer::createDrainingControl)
            .run(system);
    }

    private static Map<String, String> strings(Map<String, Object> props) {
        Map<String, String> m = new HashMap<>();
        props.forEach((k, v) -> m.put(k, String.valueOf(v)));
        return m;
    }
}
