package io.vggstream.engine.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.internal.TransactionalProducerStage;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import scala.jdk.javaapi.FutureConverters;

/**
 * Zombie fencing by the consumer group (KIP-447) for the exactly-once stream. pekko-connectors-kafka
 * 1.2's transactional sink commits the input offsets with {@code new ConsumerGroupMetadata(groupId)}:
 * no generation, no member id, which the group coordinator accepts from anyone. So an instance that
 * the group has already dropped (stalled past {@code session.timeout.ms}, then alive again) could still
 * commit its outputs for frames the partitions' new owner answers too, whenever the two use different
 * transactional ids (the default {@code <group-id>-<host name>} differs per pod). Here the consumer
 * records its group metadata after every poll (on its own thread, the only one that may touch it), and
 * the producer sends the offsets with that: the coordinator then refuses a commit from a stale
 * generation, and the zombie's transaction is aborted.
 */
final class GroupFencing {

    /** The frames consumer's group metadata as of its last poll; null before the first. */
    private final AtomicReference<ConsumerGroupMetadata> current = new AtomicReference<>();
    /** Poison-pill protection: the marks that go with the offsets, told of each commit; null: none. */
    private final PoisonGuard guard;

    GroupFencing(PoisonGuard guard) {
        this.guard = guard;
    }

    <K, V> ConsumerSettings<K, V> consumer(ConsumerSettings<K, V> settings) {
        return settings.withConsumerFactory(s -> new Consumer<>(s, current));
    }

    /**
     * The connector's transactional sink ({@code Transactional.sinkWithOffsetContext}) built from its own stage, with
     * a producer that commits offsets under the consumer's generation. The public factory refuses any producer factory
     * ("You cannot use a shared or external producer factory"), though one that makes a new producer per call, as this
     * does, is what the stage does itself. Internal API of the pinned 1.2.0; pekko-connectors-kafka's main branch passes
     * the consumer's metadata itself (apache/pekko-connectors-kafka#535), and this goes with an upgrade to it.
     */
    <K, V> Sink<Pair<ProducerMessage.Envelope<K, V, NotUsed>, ConsumerMessage.PartitionOffset>, CompletionStage<Done>> sink(
            ProducerSettings<K, V> settings, String transactionalId) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            throw new IllegalArgumentException("exactly-once needs a transactional id");
        }
        ProducerSettings<K, V> fenced = settings.withProducerFactory(s -> new Producer<>(s, current, guard));
        Flow<ProducerMessage.Envelope<K, V, ConsumerMessage.PartitionOffset>, ProducerMessage.Results<K, V, ConsumerMessage.PartitionOffset>,
            NotUsed> produce = Flow.fromGraph(new TransactionalProducerStage<K, V, ConsumerMessage.PartitionOffset>(fenced, transactionalId))
            .mapAsync(fenced.parallelism(), FutureConverters::asJava);
        if (!fenced.dispatcher().isEmpty()) {
            produce = produce.withAttributes(ActorAttributes.dispatcher(fenced.dispatcher()));
        }
        return Flow.<Pair<ProducerMessage.Envelope<K, V, NotUsed>, ConsumerMessage.PartitionOffset>>create()
            .map(p -> p.first().<ConsumerMessage.PartitionOffset>withPassThrough(p.second()))
            .via(produce)
            .toMat(Sink.ignore(), Keep.right());
    }

    private static <T> T orNull(scala.Option<T> o) {
        return o.isDefined() ? o.get() : null;
    }

    private static final class Consumer<K, V> extends KafkaConsumer<K, V> {
        private final AtomicReference<ConsumerGroupMetadata> current;

        Consumer(ConsumerSettings<K, V> s, AtomicReference<ConsumerGroupMetadata> current) {
            super(s.getProperties(), orNull(s.keyDeserializerOpt()), orNull(s.valueDeserializerOpt()));
            this.current = current;
        }

        @Override
        public ConsumerRecords<K, V> poll(Duration timeout) {
            ConsumerRecords<K, V> records = super.poll(timeout);
            // After the poll's rebalance callbacks: the generation that the records it returns belong to.
            current.set(groupMetadata());
            return records;
        }
    }

    private static final class Producer<K, V> extends KafkaProducer<K, V> {
        private final AtomicReference<ConsumerGroupMetadata> current;
        private final PoisonGuard guard;
        /** The positions the open transaction commits (the stage's thread only). */
        private Map<TopicPartition, Long> sent = Map.of();

        Producer(ProducerSettings<K, V> s, AtomicReference<ConsumerGroupMetadata> current, PoisonGuard guard) {
            super(s.getProperties(), orNull(s.keySerializerOpt()), orNull(s.valueSerializerOpt()));
            this.current = current;
            this.guard = guard;
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupOnly) {
            ConsumerGroupMetadata known = current.get();
            Map<TopicPartition, OffsetAndMetadata> marked = guard == null ? offsets : guard.marked(offsets);
            super.sendOffsetsToTransaction(marked, known != null && known.groupId().equals(groupOnly.groupId()) ? known : groupOnly);
            Map<TopicPartition, Long> positions = new HashMap<>();
            offsets.forEach((tp, om) -> positions.put(tp, om.offset()));
            sent = positions;
        }

        @Override
        public void commitTransaction() {
            super.commitTransaction();
            // Committed: the next probation record's mark is now what every instance sees.
            if (guard != null) {
                guard.committed(sent);
            }
            sent = Map.of();
        }

        @Override
        public void abortTransaction() {
            sent = Map.of();
            super.abortTransaction();
        }
    }
}
