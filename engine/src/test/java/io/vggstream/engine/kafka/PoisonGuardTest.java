package io.vggstream.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.engine.settings.PoisonPillSettings;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PoisonGuardTest {

    private static final TopicPartition TP = new TopicPartition("frames", 0);
    private static final int WINDOW = 4;

    private static PoisonGuard guard(int maxDeaths) {
        return new PoisonGuard(new PoisonPillSettings(true, maxDeaths, WINDOW));
    }

    private static ConsumerRecord<byte[], byte[]> at(long offset) {
        return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, new byte[0], new byte[0]);
    }

    @Test
    void shouldMarkTheOwnerRunningAndStayNormalWhenThePreviousOwnerLeftCleanly() {
        PoisonGuard g = guard(2);
        Map<TopicPartition, OffsetAndMetadata> marks = g.assigned(Map.of(TP, new OffsetAndMetadata(10, PoisonGuard.CLEAN)));
        assertThat(marks).containsEntry(TP, new OffsetAndMetadata(10, PoisonGuard.RUN));
        assertThat(g.decide(at(10))).isEqualTo(PoisonGuard.Decision.NORMAL);
        assertThat(g.metadata(at(10))).isEqualTo(PoisonGuard.RUN);
    }

    @Test
    void shouldTreatForeignMetadataAsACleanHandover() {
        PoisonGuard g = guard(2);
        assertThat(g.assigned(Map.of(TP, new OffsetAndMetadata(3, "")))).containsEntry(TP, new OffsetAndMetadata(3, PoisonGuard.RUN));
        assertThat(g.decide(at(3))).isEqualTo(PoisonGuard.Decision.NORMAL);
    }

    @Test
    void shouldPinEachRecordOfTheWindowWhenThePreviousOwnerDiedRunning() {
        PoisonGuard g = guard(2);
        Map<TopicPartition, OffsetAndMetadata> marks = g.assigned(Map.of(TP, new OffsetAndMetadata(10, PoisonGuard.RUN)));
        // The first record's mark is committed before it is processed.
        assertThat(marks).containsEntry(TP, new OffsetAndMetadata(10, PoisonGuard.tryMark(10, 2)));
        for (long o = 10; o < 10 + WINDOW; o++) {
            assertThat(g.decide(at(o))).isEqualTo(PoisonGuard.Decision.PROBATION);
        }
        // Each record's commit marks the next one, up to the window's end.
        assertThat(g.metadata(at(10))).isEqualTo(PoisonGuard.tryMark(11, 2));
        assertThat(g.metadata(at(10 + WINDOW - 2))).isEqualTo(PoisonGuard.tryMark(10 + WINDOW - 1, 2));
        assertThat(g.metadata(at(10 + WINDOW - 1))).isEqualTo(PoisonGuard.RUN);
        assertThat(g.decide(at(10 + WINDOW))).isEqualTo(PoisonGuard.Decision.NORMAL);
    }

    @Test
    void shouldDeadLetterOnlyThePinnedRecordWhenItReachedMaxDeaths() {
        PoisonGuard g = guard(2);
        assertThat(g.assigned(Map.of(TP, new OffsetAndMetadata(15, PoisonGuard.tryMark(15, 2))))).isEmpty();
        assertThat(g.decide(at(15))).isEqualTo(PoisonGuard.Decision.DEAD_LETTER);
        assertThat(g.metadata(at(15))).isEqualTo(PoisonGuard.tryMark(16, 2));
        assertThat(g.decide(at(16))).isEqualTo(PoisonGuard.Decision.PROBATION);
    }

    @Test
    void shouldTryThePinnedRecordAgainWhenUnderMaxDeaths() {
        PoisonGuard g = guard(3);
        assertThat(g.assigned(Map.of(TP, new OffsetAndMetadata(15, PoisonGuard.tryMark(15, 2)))))
            .containsEntry(TP, new OffsetAndMetadata(15, PoisonGuard.tryMark(15, 3)));
        assertThat(g.decide(at(15))).isEqualTo(PoisonGuard.Decision.PROBATION);
    }

    @Test
    void shouldStartAProbationRecordOnlyOnceTheOffsetBeforeItIsCommitted() {
        PoisonGuard g = guard(2);
        g.assigned(Map.of(TP, new OffsetAndMetadata(10, PoisonGuard.RUN)));
        assertThat(g.committedAtLeast(TP, 10).toCompletableFuture()).isDone();
        CompletableFuture<Void> second = g.committedAtLeast(TP, 11).toCompletableFuture();
        CompletableFuture<Void> third = g.committedAtLeast(TP, 12).toCompletableFuture();
        assertThat(second).isNotDone();
        g.committed(Map.of(TP, 11L));
        assertThat(second).isDone();
        assertThat(third).isNotDone();
        g.committed(Map.of(TP, 12L));
        assertThat(third).isDone();
    }

    @Test
    void shouldMarkPartitionsGivenUpAliveClean() {
        PoisonGuard g = guard(2);
        g.assigned(Map.of(TP, new OffsetAndMetadata(10, PoisonGuard.RUN)));
        CompletableFuture<Void> waiting = g.committedAtLeast(TP, 11).toCompletableFuture();
        assertThat(g.released(java.util.Set.of(TP), Map.of(TP, new OffsetAndMetadata(10, PoisonGuard.tryMark(10, 2)))))
            .containsEntry(TP, new OffsetAndMetadata(10, PoisonGuard.CLEAN));
        assertThat(waiting).isDone();
        assertThat(g.decide(at(10))).isEqualTo(PoisonGuard.Decision.NORMAL);
    }

    @Test
    void shouldPutEachMarkOnTheOffsetsATransactionCommitsUnderExactlyOnce() {
        PoisonGuard g = guard(2);
        TopicPartition other = new TopicPartition("frames", 1);
        g.assigned(Map.of(TP, new OffsetAndMetadata(10, PoisonGuard.RUN), other, new OffsetAndMetadata(3, PoisonGuard.CLEAN)));
        // The transaction that answers record 10 commits position 11 with record 11's mark; the normal partition, run.
        assertThat(g.marked(Map.of(TP, new OffsetAndMetadata(11), other, new OffsetAndMetadata(7))))
            .containsEntry(TP, new OffsetAndMetadata(11, PoisonGuard.tryMark(11, 2)))
            .containsEntry(other, new OffsetAndMetadata(7, PoisonGuard.RUN));
        assertThat(g.marked(Map.of(TP, new OffsetAndMetadata(10 + WINDOW))))
            .containsEntry(TP, new OffsetAndMetadata(10 + WINDOW, PoisonGuard.RUN));
    }

    @Test
    void shouldMarkTheLastTransactionsOfAPartitionGivenUpAliveClean() {
        PoisonGuard g = guard(2);
        g.assigned(Map.of(TP, new OffsetAndMetadata(10, PoisonGuard.CLEAN)));
        g.released(java.util.Set.of(TP), Map.of(TP, new OffsetAndMetadata(10, PoisonGuard.RUN)));
        // Exactly once, the connector drains a revoked partition after the revoke handler: its last commits say clean.
        assertThat(g.marked(Map.of(TP, new OffsetAndMetadata(12)))).containsEntry(TP, new OffsetAndMetadata(12, PoisonGuard.CLEAN));
    }

    @Test
    void shouldRefuseMaxDeathsUnderTwo() {
        assertThatThrownBy(() -> new PoisonPillSettings(true, 1, 64)).hasMessageContaining("max-deaths");
    }
}
