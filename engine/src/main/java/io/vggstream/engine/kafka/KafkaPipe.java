package io.vggstream.engine.kafka;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.engine.settings.Delivery;
import io.vggstream.engine.settings.PoisonPillSettings;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.RestrictedConsumer;
import org.apache.pekko.kafka.Subscription;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.PartitionAssignmentHandler;
import org.apache.pekko.kafka.javadsl.Transactional;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.javadsl.RunnableGraph;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceWithContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    public static <A> Consumer.DrainingControl<Done> run(ActorSystem<?> system, KafkaSettings kafka, TopicsSettings topics,
            String groupId, String topic, int maxInFlight, Duration commitInterval,
            Function<ConsumerRecord<byte[], byte[]>, CompletionStage<A>> answer,
            Function<A, ProducerMessage.Envelope<byte[], byte[], NotUsed>> inOrder) {
        return run(system, kafka, topics, groupId, topic, maxInFlight, commitInterval, answer, inOrder, Delivery.atLeastOnce());
    }

    public static <A> Consumer.DrainingControl<Done> run(ActorSystem<?> system, KafkaSettings kafka, TopicsSettings topics,
            String groupId, String topic, int maxInFlight, Duration commitInterval,
            Function<ConsumerRecord<byte[], byte[]>, CompletionStage<A>> answer,
            Function<A, ProducerMessage.Envelope<byte[], byte[], NotUsed>> inOrder, Delivery delivery) {
        return run(system, kafka, topics, groupId, topic, maxInFlight, commitInterval, answer, inOrder, delivery, nanos -> { });
    }

    /**
     * @param produced told, for each output record, the nanoseconds from its send to the stage seeing it and every record
     *                 before it acknowledged (in order: when its offset may be committed; {@link ProduceInOrder}).
     *                 At least once only: the transactional sink emits nothing per record, so exactly once never calls it.
     */
    public static <A> Consumer.DrainingControl<Done> run(ActorSystem<?> system, KafkaSettings kafka, TopicsSettings topics,
            String groupId, String topic, int maxInFlight, Duration commitInterval,
            Function<ConsumerRecord<byte[], byte[]>, CompletionStage<A>> answer,
            Function<A, ProducerMessage.Envelope<byte[], byte[], NotUsed>> inOrder, Delivery delivery, LongConsumer produced) {
        return run(system, kafka, topics, groupId, topic, maxInFlight, commitInterval, answer, inOrder, delivery, produced, null, null);
    }

    /**
     * @param commitInterval the longest an answered record's offset waits to be committed (vggstream.engine.commit-interval)
     * @param poisonPill vggstream.engine.poison-pill; null, or not enabled: no poison-pill protection
     * @param poisoned the answer to a record dead-lettered as a poison pill, given the reason; null: no poison-pill
     *                 protection. Both deliveries (see {@link PoisonGuard}).
     */
    public static <A> Consumer.DrainingControl<Done> run(ActorSystem<?> system, KafkaSettings kafka, TopicsSettings topics,
            String groupId, String topic, int maxInFlight, Duration commitInterval,
            Function<ConsumerRecord<byte[], byte[]>, CompletionStage<A>> answer,
            Function<A, ProducerMessage.Envelope<byte[], byte[], NotUsed>> inOrder, Delivery delivery, LongConsumer produced,
            PoisonPillSettings poisonPill, BiFunction<ConsumerRecord<byte[], byte[]>, String, A> poisoned) {
        return start(system, kafka, topics, groupId, topic, maxInFlight, commitInterval, answer, null, inOrder, delivery, produced,
            poisonPill, poisoned);
    }

    /**
     * As {@link #run}, answering records in groups ({@link GroupsInFlight}): what was consumed together goes to
     * {@code answerAll} in one call (the answers in the records' order), at most {@code maxInFlight} / {@value #GROUP_SHARE}
     * records and {@value #GROUP_BYTES} bytes of values a group (a larger record goes alone), at most {@code maxInFlight}
     * records handed over and not yet answered, counted one by one (and one group more waiting). While fewer than a group's
     * worth are in the engine, each record goes at once, alone: it never waits for company. Under load the engine's stream
     * and its actors then exchange one message each way per group instead of per frame. A record the poison guard holds
     * back (probation, or a poison pill) is a group of its own, so that it never waits for the commit of a record answered
     * with it. Exactly once answers record by record, each as a group of one.
     */
    public static <A> Consumer.DrainingControl<Done> runGrouped(ActorSystem<?> system, KafkaSettings kafka, TopicsSettings topics,
            String groupId, String topic, int maxInFlight, Duration commitInterval,
            Function<List<ConsumerRecord<byte[], byte[]>>, CompletionStage<List<A>>> answerAll,
            Function<A, ProducerMessage.Envelope<byte[], byte[], NotUsed>> inOrder, Delivery delivery, LongConsumer produced,
            PoisonPillSettings poisonPill, BiFunction<ConsumerRecord<byte[], byte[]>, String, A> poisoned) {
        return start(system, kafka, topics, groupId, topic, maxInFlight, commitInterval,
            record -> answerAll.apply(List.of(record)).thenApply(answers -> answers.get(0)), answerAll, inOrder, delivery, produced,
            poisonPill, poisoned);
    }

    /** A group holds at most max-in-flight / this many records, on {@link #runGrouped}'s path. */
    static final int GROUP_SHARE = 4;

    /**
     * A group's records' values, at most this many bytes in all (but for its first record): a group saves a few messages
     * between threads, which counts beside a small frame's work and not beside a large one's. Camera frames (640x480 JPEG,
     * about 72 KB) handed over in groups of 8 made the Kafka path 4 points slower (docs/results/2026-12-06-frame-bytes.md):
     * their decodes came in bursts. Records of this size or more go one by one, as {@code mapAsync} sends them.
     */
    static final long GROUP_BYTES = 64 * 1024;

    /** @param answerAll null: records answered one by one ({@code answer}); else in groups, as {@link #runGrouped} says */
    private static <A> Consumer.DrainingControl<Done> start(ActorSystem<?> system, KafkaSettings kafka, TopicsSettings topics,
            String groupId, String topic, int maxInFlight, Duration commitInterval,
            Function<ConsumerRecord<byte[], byte[]>, CompletionStage<A>> answer,
            Function<List<ConsumerRecord<byte[], byte[]>>, CompletionStage<List<A>>> answerAll,
            Function<A, ProducerMessage.Envelope<byte[], byte[], NotUsed>> inOrder, Delivery delivery, LongConsumer produced,
            PoisonPillSettings poisonPill, BiFunction<ConsumerRecord<byte[], byte[]>, String, A> poisoned) {
        PoisonGuard guard = poisoned != null && poisonPill != null && poisonPill.enabled()
            ? new PoisonGuard(poisonPill) : null;
        Subscription subscription = Subscriptions.topics(topic).withPartitionAssignmentHandler(new AssignmentLog(groupId, guard));
        Map<String, String> consumerProps = strings(KafkaLimits.consumer(kafka, topics));
        // A new group starts at the oldest record still kept: nothing published before start-up is skipped.
        consumerProps.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerTuning(consumerProps);
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
            .withProperties(producerTuning(strings(KafkaLimits.producer(kafka, topics))));
        if (delivery.exactlyOnce()) {
            // Outputs and the input offsets commit together; what a killed instance had produced
            // but not committed is aborted, invisible to read-committed consumers. The offsets go with
            // the consumer's generation, so an instance the group has dropped cannot commit (GroupFencing).
            // The poison guard's marks go with the offsets of each transaction (GroupFencing's producer).
            GroupFencing fencing = new GroupFencing(guard);
            return Transactional.sourceWithOffsetContext(
                    fencing.consumer(consumerSettings.withProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")), subscription)
                .mapAsync(maxInFlight, record -> guarded(guard, record, answer, poisoned))
                .map(inOrder::apply)
                .toMat(fencing.sink(producerSettings, delivery.transactionalId()), Consumer::createDrainingControl)
                .run(system);
        }
        // Produced by one stage in the stream's own island (ProduceInOrder): the connector's producer flow was an island of
        // its own, which each frame crossed twice and each acknowledgement reached as two messages.
        ProduceInOrder<byte[], byte[], ConsumerMessage.CommittableOffset> produce = new ProduceInOrder<>(
            producerSettings::createKafkaProducer, Duration.ofNanos(producerSettings.closeTimeout().toNanos()), produced);
        SourceWithContext<ConsumerRecord<byte[], byte[]>, ConsumerMessage.CommittableOffset, Consumer.Control> consumed =
            guard == null ? Consumer.sourceWithOffsetContext(consumerSettings, subscription)
                : Consumer.sourceWithOffsetContext(consumerSettings, subscription, guard::metadata);
        Source<Pair<A, ConsumerMessage.CommittableOffset>, Consumer.Control> answered;
        if (answerAll == null) {
            answered = consumed.mapAsync(maxInFlight, record -> guarded(guard, record, answer, poisoned)).asSource();
        } else {
            // A group holds at most a quarter of what may be in flight: several groups in the engine at once under load.
            int most = Math.max(1, maxInFlight / GROUP_SHARE);
            answered = consumed.asSource().via(new GroupsInFlight<Pair<ConsumerRecord<byte[], byte[]>, ConsumerMessage.CommittableOffset>,
                Pair<A, ConsumerMessage.CommittableOffset>>(maxInFlight, most, p -> Math.max(0, p.first().serializedValueSize()),
                GROUP_BYTES, group -> heldBackAlone(guard, group),
                group -> guardedAll(guard, group, answerAll, answer, poisoned)));
        }
        RunnableGraph<Consumer.DrainingControl<Done>> graph = answered
            .map(p -> Pair.create(inOrder.apply(p.first()), p.second()))
            .via(produce)
            .map(ConsumerMessage::createCommittableOffsetBatch)
            // The committer's flow, not its sink: the poison guard's probation waits for each commit's ack.
            .via(Committer.batchFlow(committer(system, commitInterval)))
            .map(batch -> {
                if (guard != null) {
                    guard.committed(positions(batch));
                }
                return batch;
            })
            .toMat(Sink.ignore(), Consumer::createDrainingControl);
        // The whole stream on the producer's dispatcher (pekko.kafka.producer.use-dispatcher, the connector's own pool):
        // send blocks for up to max.block.ms while the broker is away, and must not hold a thread the actors need.
        String dispatcher = producerSettings.dispatcher();
        return (dispatcher.isEmpty() ? graph : graph.withAttributes(ActorAttributes.dispatcher(dispatcher))).run(system);
    }

    /**
     * The engine's consumer settings for a stream of frames, under any that {@code vggstream.kafka.clients} sets (issue 13;
     * measured in docs/results/2026-12-04-engine-cost.md).
     */
    static Map<String, String> consumerTuning(Map<String, String> p) {
        // A fetch returns as soon as one frame is in the log: a lone frame must not wait for company (the latency floor).
        // Under load the client fetches ahead in the background, so a larger minimum would save requests, not frames.
        p.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        // With a 1-byte minimum this only bounds a fetch on an empty partition; short, so that a partition that goes
        // quiet is not polled late, and far above the broker's round trip.
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        // max.poll.records stays at its default 500: the connector polls whenever the stream asks for more (a lower value
        // was not measured).
        return p;
    }

    /** The engine's producer settings for its outputs, under any that {@code vggstream.kafka.clients} sets (issue 13). */
    static Map<String, String> producerTuning(Map<String, String> p) {
        // kafka-clients 4 waits 5 ms by default for a batch to fill; a lone prediction must go at once. Under load the
        // sender still batches what accumulates while earlier requests (up to 5) are in flight.
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        // Predictions are small (well under 1 KB): the default 16 KB batch holds every one that accumulates in a round trip.
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, "16384");
        // Compression stays off (KafkaLimits): small records on a CPU-bound engine, where it costs cores and saves little.
        return p;
    }

    /** A record's answer under the poison guard: as usual, alone after its mark is committed (probation), or a poison dead letter. */
    private static <A> CompletionStage<A> guarded(PoisonGuard guard, ConsumerRecord<byte[], byte[]> record,
                                                  Function<ConsumerRecord<byte[], byte[]>, CompletionStage<A>> answer,
                                                  BiFunction<ConsumerRecord<byte[], byte[]>, String, A> poisoned) {
        PoisonGuard.Decision d = guard == null ? PoisonGuard.Decision.NORMAL : guard.decide(record);
        return switch (d) {
            case NORMAL -> answerOrDie(record, answer);
            case PROBATION -> guard.committedAtLeast(new TopicPartition(record.topic(), record.partition()), record.offset())
                .thenCompose(committed -> answerOrDie(record, answer));
            case DEAD_LETTER -> {
                String reason = "the engine died " + guard.settings().maxDeaths() + " times while this record was in progress"
                    + " (vggstream.engine.poison-pill.max-deaths " + guard.settings().maxDeaths() + "), the last time with it alone:"
                    + " dead-lettered unprocessed; replay it once the engine is fixed";
                LOG.atWarn()
                    .addKeyValue("event", "poison-pill")
                    .addKeyValue("topic", record.topic())
                    .addKeyValue("partition", record.partition())
                    .addKeyValue("offset", record.offset())
                    .log("poison pill: {}-{} offset {}: {}", record.topic(), record.partition(), record.offset(), reason);
                yield CompletableFuture.completedFuture(poisoned.apply(record, reason));
            }
        };
    }

    /**
     * A group as runs of records the poison guard lets through, and each record it holds back alone: a record on probation
     * waits for the commit of the one before it, which must not be answered in its group.
     */
    static <C> List<List<Pair<ConsumerRecord<byte[], byte[]>, C>>> heldBackAlone(PoisonGuard guard,
            List<Pair<ConsumerRecord<byte[], byte[]>, C>> group) {
        if (guard == null) {
            return List.of(group);
        }
        List<List<Pair<ConsumerRecord<byte[], byte[]>, C>>> groups = new ArrayList<>();
        List<Pair<ConsumerRecord<byte[], byte[]>, C>> run = new ArrayList<>();
        for (Pair<ConsumerRecord<byte[], byte[]>, C> p : group) {
            if (guard.decide(p.first()) == PoisonGuard.Decision.NORMAL) {
                run.add(p);
                continue;
            }
            if (!run.isEmpty()) {
                groups.add(run);
                run = new ArrayList<>();
            }
            groups.add(List.of(p));
        }
        if (!run.isEmpty()) {
            groups.add(run);
        }
        return groups;
    }

    /** A group's answers, paired with their offsets in order: one call for the group, or as {@link #guarded} for one held back. */
    private static <A, C> CompletionStage<List<Pair<A, C>>> guardedAll(PoisonGuard guard, List<Pair<ConsumerRecord<byte[], byte[]>, C>> group,
            Function<List<ConsumerRecord<byte[], byte[]>>, CompletionStage<List<A>>> answerAll,
            Function<ConsumerRecord<byte[], byte[]>, CompletionStage<A>> answer,
            BiFunction<ConsumerRecord<byte[], byte[]>, String, A> poisoned) {
        if (group.size() == 1) {
            Pair<ConsumerRecord<byte[], byte[]>, C> p = group.get(0);
            return guarded(guard, p.first(), answer, poisoned).thenApply(a -> List.of(Pair.create(a, p.second())));
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(group.size());
        for (Pair<ConsumerRecord<byte[], byte[]>, C> p : group) {
            if (testHooks(p.first())) {
                return new CompletableFuture<>();
            }
            records.add(p.first());
        }
        return answerAll.apply(records).thenApply(answers -> {
            List<Pair<A, C>> paired = new ArrayList<>(answers.size());
            for (int i = 0; i < answers.size(); i++) {
                paired.add(Pair.create(answers.get(i), group.get(i).second()));
            }
            return paired;
        });
    }

    /**
     * The answer; first, when the test hook is on (system property {@value #KILL_HOOK}, never set in production), a record
     * with the header {@value #KILL_HEADER} ends the process at once, as a record that crashes native code would, and one
     * with {@value #STALL_HEADER} is never answered and leaves a run in progress for ever, as one that hangs it would.
     */
    private static <A> CompletionStage<A> answerOrDie(ConsumerRecord<byte[], byte[]> record,
                                                      Function<ConsumerRecord<byte[], byte[]>, CompletionStage<A>> answer) {
        return testHooks(record) ? new CompletableFuture<>() : answer.apply(record);
    }

    /** The test hooks of {@link #answerOrDie}: true when the record is never to be answered (the stall). */
    private static boolean testHooks(ConsumerRecord<byte[], byte[]> record) {
        if (!KILL_HOOK_ON) {
            return false;
        }
        if (record.headers().lastHeader(KILL_HEADER) != null) {
            LOG.error("test hook: {}-{} offset {} carries {}: ending the process", record.topic(), record.partition(), record.offset(),
                KILL_HEADER);
            Runtime.getRuntime().halt(KILL_EXIT_CODE);
        }
        if (record.headers().lastHeader(EXIT_HEADER) != null) {
            LOG.error("test hook: {}-{} offset {} carries {}: System.exit({}) from another thread, as a library might",
                record.topic(), record.partition(), record.offset(), EXIT_HEADER, EXIT_HOOK_CODE);
            Thread exit = new Thread(() -> {
                // Once an inference run is in progress (at most 10 s): the exit a run must survive.
                long until = System.nanoTime() + 10_000_000_000L;
                while (io.vggstream.engine.infer.OrtModel.runsInProgress() == 0 && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                System.exit(EXIT_HOOK_CODE);
            }, "test-hook-exit");
            exit.start();
        }
        if (record.headers().lastHeader(FATAL_HEADER) != null) {
            LOG.error("test hook: {}-{} offset {} carries {}: an OutOfMemoryError in the stream", record.topic(), record.partition(),
                record.offset(), FATAL_HEADER);
            throw new OutOfMemoryError("test hook: " + FATAL_HEADER);
        }
        if (record.headers().lastHeader(STALL_HEADER) != null) {
            LOG.error("test hook: {}-{} offset {} carries {}: an inference run that never ends", record.topic(), record.partition(),
                record.offset(), STALL_HEADER);
            // What a run stuck in native code leaves: its start on the run clock, and no answer, ever.
            io.vggstream.engine.infer.RunClock.begin("test-stall@hook");
            return true;
        }
        return false;
    }

    /** The test hook's switch: a system property, read once. */
    public static final String KILL_HOOK = "vggstream.test.kill-hook";
    /** The header that ends the process when the test hook is on. */
    public static final String KILL_HEADER = "vggstream-test-kill";
    /** The header that, when the test hook is on, starts a run that never ends (a stall in native code). */
    public static final String STALL_HEADER = "vggstream-test-stall";
    /** The header that, when the test hook is on, calls System.exit from another thread once an inference run is in progress. */
    public static final String EXIT_HEADER = "vggstream-test-exit";
    /** The header that, when the test hook is on, throws an OutOfMemoryError in the stream (a fatal error in an actor). */
    public static final String FATAL_HEADER = "vggstream-test-fatal";
    /** The status the exit hook passes to System.exit. */
    public static final int EXIT_HOOK_CODE = 89;
    /** The exit code of a process the test hook ended. */
    public static final int KILL_EXIT_CODE = 86;
    private static final boolean KILL_HOOK_ON = Boolean.getBoolean(KILL_HOOK);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPipe.class);

    /** A committed batch's offsets as committed positions (the record after each). */
    private static Map<TopicPartition, Long> positions(ConsumerMessage.CommittableOffsetBatch batch) {
        Map<TopicPartition, Long> m = new HashMap<>();
        batch.getOffsets().forEach((gtp, offset) -> m.put(new TopicPartition(gtp.topic(), gtp.partition()), ((Number) offset).longValue() + 1));
        return m;
    }

    /**
     * Logs the consumer group's decisions about this instance: one INFO line when partitions are
     * assigned, and one when they go (revoked in a rebalance, lost, or released because the consumer
     * stops), naming them and what the instance holds after. Called on the consumer's thread: it only logs.
     */
    private static final class AssignmentLog implements PartitionAssignmentHandler {
        private static final Logger LOG = LoggerFactory.getLogger(KafkaPipe.class);
        /** The longest wait for stable committed offsets at assignment: above the producer's default transaction.timeout.ms (60 s). */
        private static final Duration STABLE_WITHIN = Duration.ofSeconds(120);
        private final String groupId;
        private final PoisonGuard guard;
        /** Set once the consumer stops: closing it revokes the same partitions again, already reported. */
        private volatile boolean stopped;

        AssignmentLog(String groupId, PoisonGuard guard) {
            this.groupId = groupId;
            this.guard = guard;
        }

        @Override
        public void onAssign(Set<TopicPartition> assigned, RestrictedConsumer consumer) {
            if (guard != null && !assigned.isEmpty()) {
                // Before any record of these partitions is fetched: a death of the previous owner starts a probation,
                // and the first record's mark is committed now.
                Map<TopicPartition, OffsetAndMetadata> now = committed(consumer, assigned);
                // Nothing committed yet (a new group): where this consumer starts, as if handed over cleanly.
                now.replaceAll((tp, om) -> om != null ? om : new OffsetAndMetadata(consumer.position(tp), PoisonGuard.CLEAN));
                Map<TopicPartition, OffsetAndMetadata> marks = guard.assigned(now);
                if (!marks.isEmpty()) {
                    consumer.commitSync(marks);
                }
                for (TopicPartition tp : assigned) {
                    String window = guard.describe(tp);
                    if (!window.isEmpty()) {
                        LOG.atWarn()
                            .addKeyValue("event", "poison-probation")
                            .addKeyValue("topic", tp.topic())
                            .addKeyValue("partition", tp.partition())
                            .addKeyValue("window", window)
                            .log("poison guard: the previous owner of {}-{} died with records in flight; processing {} one at a time",
                                tp.topic(), tp.partition(), window);
                    }
                }
            }
            Set<TopicPartition> holding = holding(consumer);
            // The cooperative protocol calls this with nothing new on every rebalance: say so only when it leaves us idle.
            if (!assigned.isEmpty() || holding.isEmpty()) {
                log("partitions-assigned", "assigned", "rebalance", assigned, holding);
            }
        }

        @Override
        public void onRevoke(Set<TopicPartition> revoked, RestrictedConsumer consumer) {
            releasedAlive(revoked, consumer);
            if (!revoked.isEmpty() && !stopped) {
                log("partitions-revoked", "revoked", "rebalance", revoked, minus(holding(consumer), revoked));
            }
        }

        @Override
        public void onLost(Set<TopicPartition> lost, RestrictedConsumer consumer) {
            if (guard != null) {
                guard.lost(lost);
            }
            if (!lost.isEmpty() && !stopped) {
                log("partitions-revoked", "lost (the group moved on without this instance: another may answer them again)", "lost", lost,
                    minus(holding(consumer), lost));
            }
        }

        @Override
        public void onStop(Set<TopicPartition> held, RestrictedConsumer consumer) {
            releasedAlive(held, consumer);
            stopped = true;
            if (!held.isEmpty()) {
                log("partitions-revoked", "released (the consumer stops)", "stop", held, Set.of());
            }
        }

        private void log(String event, String what, String reason, Set<TopicPartition> changed, Set<TopicPartition> holding) {
            List<String> names = names(changed);
            List<String> now = names(holding);
            LOG.atInfo()
                .addKeyValue("event", event)
                .addKeyValue("reason", reason)
                .addKeyValue("group", groupId)
                .addKeyValue("partitions", names)
                .addKeyValue("holding", now)
                .log("partitions {}: {} (group {}); now holding {}: {}", what, names, groupId, now.size(), now);
        }

        /** Given up alive: marked clean, so that the next owner does not take it for a death. */
        private void releasedAlive(Set<TopicPartition> tps, RestrictedConsumer consumer) {
            if (guard == null || tps.isEmpty() || stopped) {
                return;
            }
            try {
                Map<TopicPartition, OffsetAndMetadata> marks = guard.released(tps, committed(consumer, tps));
                if (!marks.isEmpty()) {
                    consumer.commitSync(marks);
                }
            } catch (RuntimeException e) {
                // Not marked: the next owner takes it for a death and processes a probation window one at a time; nothing is lost.
                LOG.info("poison guard: could not mark {} as released cleanly: {}", names(tps), e.toString());
            }
        }

        /**
         * The committed offsets (null where none), through the set-taking call: kafka-clients 4 lacks the single one.
         * Exactly once (read_committed), the broker answers only once no transaction holding offsets of these partitions is
         * open: after a death, until the dead owner's transaction is aborted (its transactional id reused, or the
         * producer's transaction.timeout.ms). Waits for that, as the consumer's own fetch of its positions would.
         */
        private static Map<TopicPartition, OffsetAndMetadata> committed(RestrictedConsumer consumer, Set<TopicPartition> tps) {
            Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
            tps.forEach(tp -> m.put(tp, null));
            long deadline = System.nanoTime() + STABLE_WITHIN.toNanos();
            while (true) {
                try {
                    m.putAll(consumer.committed(tps));
                    return m;
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    LOG.info("poison guard: the committed offsets of {} are not stable yet (a transaction of the previous owner is"
                        + " open); waiting", names(tps));
                }
            }
        }

        private static Set<TopicPartition> holding(RestrictedConsumer consumer) {
            try {
                return consumer.assignment();
            } catch (RuntimeException e) {
                return Set.of();
            }
        }

        private static Set<TopicPartition> minus(Set<TopicPartition> a, Set<TopicPartition> b) {
            Set<TopicPartition> left = new HashSet<>(a);
            left.removeAll(b);
            return left;
        }

        private static List<String> names(Set<TopicPartition> tps) {
            return tps.stream().sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .map(tp -> tp.topic() + "-" + tp.partition()).toList();
        }
    }

    /** The connector's committer settings, with {@code vggstream.engine.commit-interval} as the longest wait between commits. */
    private static CommitterSettings committer(ActorSystem<?> system, Duration commitInterval) {
        return CommitterSettings.create(system).withMaxInterval(commitInterval);
    }

    private static Map<String, String> strings(Map<String, Object> props) {
        Map<String, String> m = new HashMap<>();
        props.forEach((k, v) -> m.put(k, String.valueOf(v)));
        return m;
    }
}
