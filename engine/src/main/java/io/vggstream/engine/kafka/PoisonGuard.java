package io.vggstream.engine.kafka;

import io.vggstream.engine.settings.PoisonPillSettings;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Poison-pill protection: a record that kills the engine process {@code max-deaths} times is
 * dead-lettered on its next delivery, by whichever instance of the group gets it. The suspicion
 * lives in the consumer group's committed offsets, as their metadata, where every instance sees it
 * (docs/engine.md, "Poison pills"):
 * <ul>
 *   <li>{@code vggstream/1 run}: written at assignment and with every commit in normal mode. Found
 *       at assignment, it means the previous owner died with records in flight: a probation window starts.</li>
 *   <li>{@code vggstream/1 clean}: written when an instance gives a partition up alive (rebalance,
 *       drain). Found at assignment: normal mode.</li>
 *   <li>{@code vggstream/1 try O D}: record O is being processed alone, and if this is found at
 *       assignment, it has killed an engine D times.</li>
 * </ul>
 * In a probation window ({@code probation-records} records from the committed offset) a
 * partition's records are processed one at a time, each only once the offset before it is
 * committed with {@code try O D} for it: a death then pins the exact record. The first record's
 * mark is committed at assignment; each next one's is the metadata of its predecessor's commit.
 * Every record of a window counts one death (the one that started the window, when it may have
 * been in flight) plus those pinned on it; at {@code max-deaths} it is dead-lettered unprocessed.
 * Records before a poison one are processed and answered, never dead-lettered.
 *
 * <p>Both deliveries: at least once, the marks go with the committer's commits ({@link #metadata}); exactly once,
 * with the offsets each transaction commits ({@link #marked}, through {@link GroupFencing}'s producer), so a mark
 * becomes visible with its predecessor's output or not at all, and a probation record waits for that transaction's
 * commit. Either way a death in probation leaves the dead record's own {@code try} mark committed.
 *
 * <p>Thread-safe: {@link #assigned} and {@link #released} run on the consumer's thread, {@link #metadata}
 * at the source, {@link #marked} on the producer's thread, {@link #decide} and {@link #committedAtLeast} in the
 * stream's stages.
 */
public final class PoisonGuard {

    static final String PREFIX = "vggstream/1 ";
    static final String RUN = PREFIX + "run";
    static final String CLEAN = PREFIX + "clean";

    /** What to do with a record. */
    public enum Decision {
        /** Process it as usual. */
        NORMAL,
        /** Process it alone, once the offset before it is committed with its mark. */
        PROBATION,
        /** Answer it with a poison dead letter, unprocessed: it killed the engine max-deaths times. */
        DEAD_LETTER
    }

    /** A partition's probation: records {@code [from, until)}; {@code poisoned} is dead-lettered (-1: none). */
    private record Window(long from, long until, long poisoned) {
        boolean contains(long offset) {
            return offset >= from && offset < until;
        }
    }

    /** What a committed offset's metadata says. */
    sealed interface Mark {
        record Run() implements Mark {
        }

        record Clean() implements Mark {
        }

        record Try(long offset, int deaths) implements Mark {
        }

        static Mark parse(String metadata) {
            if (metadata == null || !metadata.startsWith(PREFIX)) {
                // Written by someone else (a reset with kafka-consumer-groups, an older engine): nothing known against anyone.
                return new Clean();
            }
            String[] f = metadata.substring(PREFIX.length()).trim().split(" ");
            try {
                return switch (f[0]) {
                    case "run" -> new Run();
                    case "try" -> new Try(Long.parseLong(f[1]), Integer.parseInt(f[2]));
                    default -> new Clean();
                };
            } catch (RuntimeException e) {
                return new Clean();
            }
        }
    }

    static String tryMark(long offset, int deaths) {
        return PREFIX + "try " + offset + " " + deaths;
    }

    private final PoisonPillSettings settings;
    private final Map<TopicPartition, Window> windows = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    /** The partitions this instance holds: the offsets of one it gave up alive are committed clean. */
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, Map<Long, CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    public PoisonGuard(PoisonPillSettings settings) {
        this.settings = settings;
    }

    public PoisonPillSettings settings() {
        return settings;
    }

    /**
     * Partitions were assigned, with these committed offsets (where none was committed yet: the position the consumer
     * starts from, marked clean): decides each one's mode and returns the marks to commit now, before any of its
     * records is processed. A partition in normal mode is marked {@code run} at once, so that a death before this
     * owner's first commit is not mistaken for a clean handover.
     */
    public Map<TopicPartition, OffsetAndMetadata> assigned(Map<TopicPartition, OffsetAndMetadata> committedNow) {
        Map<TopicPartition, OffsetAndMetadata> marks = new HashMap<>();
        committedNow.forEach((tp, om) -> {
            windows.remove(tp);
            owned.add(tp);
            long o = om.offset();
            synchronized (this) {
                committed.put(tp, o);
            }
            Mark mark = Mark.parse(om.metadata());
            int deaths;
            if (mark instanceof Mark.Run) {
                deaths = 1;
            } else if (mark instanceof Mark.Try t) {
                // A mark for another offset than the committed one is not ours to trust: a death, not pinned.
                deaths = t.offset() == o ? t.deaths() : 1;
            } else {
                marks.put(tp, new OffsetAndMetadata(o, RUN));
                return;
            }
            long until = o + settings.probationRecords();
            if (deaths >= settings.maxDeaths()) {
                windows.put(tp, new Window(o, until, o));
                // Its dead letter's commit marks the next record.
            } else {
                windows.put(tp, new Window(o, until, -1));
                marks.put(tp, new OffsetAndMetadata(o, tryMark(o, deaths + 1)));
            }
        });
        return marks;
    }

    /** The window of a partition, as text for the log: empty when it is in normal mode. */
    public String describe(TopicPartition tp) {
        Window w = windows.get(tp);
        if (w == null) {
            return "";
        }
        return "offsets " + w.from() + ".." + (w.until() - 1) + (w.poisoned() >= 0 ? " (offset " + w.poisoned() + " to be dead-lettered)" : "");
    }

    /** The metadata committed with a record's offset (the position after it): the mark for the record after it. */
    public String metadata(ConsumerRecord<?, ?> record) {
        return metadataAt(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
    }

    /** The metadata committed with position {@code position} (the next record to read) of a partition. */
    String metadataAt(TopicPartition tp, long position) {
        if (!owned.contains(tp)) {
            // Given up alive (exactly once: the revoke handler runs before the connector's last transactions for it).
            return CLEAN;
        }
        Window w = windows.get(tp);
        return w != null && w.contains(position) ? tryMark(position, 2) : RUN;
    }

    /** Exactly once: the offsets a transaction commits, each with its mark as metadata. */
    public Map<TopicPartition, OffsetAndMetadata> marked(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        offsets.forEach((tp, om) -> m.put(tp, new OffsetAndMetadata(om.offset(), om.leaderEpoch(), metadataAt(tp, om.offset()))));
        return m;
    }

    public Decision decide(ConsumerRecord<?, ?> record) {
        Window w = windows.get(new TopicPartition(record.topic(), record.partition()));
        if (w == null || !w.contains(record.offset())) {
            return Decision.NORMAL;
        }
        return record.offset() == w.poisoned() ? Decision.DEAD_LETTER : Decision.PROBATION;
    }

    /** Completes once the partition's committed offset is at least {@code offset} (every record before it answered and committed). */
    public synchronized CompletionStage<Void> committedAtLeast(TopicPartition tp, long offset) {
        Long now = committed.get(tp);
        if (now != null && now >= offset) {
            return CompletableFuture.completedFuture(null);
        }
        return waiting.computeIfAbsent(tp, k -> new HashMap<>()).computeIfAbsent(offset, k -> new CompletableFuture<>());
    }

    /** A commit went through: {@code positions} are the committed offsets (the next record to read) per partition. */
    public void committed(Map<TopicPartition, Long> positions) {
        java.util.List<CompletableFuture<Void>> ready = new java.util.ArrayList<>();
        synchronized (this) {
            positions.forEach((tp, pos) -> {
                committed.merge(tp, pos, Math::max);
                Map<Long, CompletableFuture<Void>> w = waiting.get(tp);
                if (w != null) {
                    w.entrySet().removeIf(e -> {
                        if (e.getKey() <= pos) {
                            ready.add(e.getValue());
                            return true;
                        }
                        return false;
                    });
                }
            });
        }
        ready.forEach(f -> f.complete(null));
    }

    /**
     * Partitions were given up alive: the marks to commit (their committed offsets, marked clean) so that
     * their next owner does not take it for a death. Their records still waiting are released.
     */
    public Map<TopicPartition, OffsetAndMetadata> released(Collection<TopicPartition> tps, Map<TopicPartition, OffsetAndMetadata> committedNow) {
        Map<TopicPartition, OffsetAndMetadata> marks = new HashMap<>();
        for (TopicPartition tp : tps) {
            windows.remove(tp);
            owned.remove(tp);
            OffsetAndMetadata om = committedNow.get(tp);
            if (om != null) {
                marks.put(tp, new OffsetAndMetadata(om.offset(), CLEAN));
            }
        }
        lost(tps);
        return marks;
    }

    /** Partitions were lost (the group moved on without this instance): forget them, release their waiting records. */
    public void lost(Collection<TopicPartition> tps) {
        java.util.List<CompletableFuture<Void>> release = new java.util.ArrayList<>();
        synchronized (this) {
            for (TopicPartition tp : tps) {
                windows.remove(tp);
                owned.remove(tp);
                committed.remove(tp);
                Map<Long, CompletableFuture<Void>> w = waiting.remove(tp);
                if (w != null) {
                    release.addAll(w.values());
                }
            }
        }
        // They are no longer ours: their answers will not be committed, and the next owner answers them again.
        release.forEach(f -> f.complete(null));
    }
}
