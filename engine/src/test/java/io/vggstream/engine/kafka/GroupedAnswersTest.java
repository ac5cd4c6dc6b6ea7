package io.vggstream.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.settings.PoisonPillSettings;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.japi.Pair;
import org.junit.jupiter.api.Test;

/** How KafkaPipe splits a gathered group before it goes to the engine: what the poison guard holds back goes alone. */
class GroupedAnswersTest {

    private static final TopicPartition TP = new TopicPartition("frames", 0);

    private static List<Pair<ConsumerRecord<byte[], byte[]>, Long>> group(long from, long to) {
        return LongStream.range(from, to)
            .mapToObj(o -> Pair.create(new ConsumerRecord<>(TP.topic(), TP.partition(), o, new byte[0], new byte[0]), o)).toList();
    }

    private static List<List<Long>> offsets(List<List<Pair<ConsumerRecord<byte[], byte[]>, Long>>> groups) {
        return groups.stream().map(g -> g.stream().map(Pair::second).toList()).toList();
    }

    @Test
    void shouldKeepAGroupWholeWithoutAPoisonGuard() {
        assertThat(offsets(KafkaPipe.heldBackAlone(null, group(0, 5)))).containsExactly(List.of(0L, 1L, 2L, 3L, 4L));
    }

    @Test
    void shouldSendEachRecordOnProbationAloneAndGroupTheRestAroundIt() {
        PoisonGuard guard = new PoisonGuard(new PoisonPillSettings(true, 2, 3));
        // The previous owner died running at offset 10: 10, 11 and 12 are on probation, one at a time.
        guard.assigned(Map.of(TP, new OffsetAndMetadata(10, PoisonGuard.RUN)));
        assertThat(offsets(KafkaPipe.heldBackAlone(guard, group(10, 16))))
            .containsExactly(List.of(10L), List.of(11L), List.of(12L), List.of(13L, 14L, 15L));
    }

    @Test
    void shouldSendAPoisonPillAloneBetweenTheGroupsBeforeAndAfterIt() {
        PoisonGuard guard = new PoisonGuard(new PoisonPillSettings(true, 2, 1));
        // Offset 7 killed an engine twice: it is to be dead-lettered, and the window (1 record) is it alone.
        guard.assigned(Map.of(TP, new OffsetAndMetadata(7, PoisonGuard.tryMark(7, 2))));
        List<List<Pair<ConsumerRecord<byte[], byte[]>, Long>>> groups = KafkaPipe.heldBackAlone(guard, group(7, 10));
        assertThat(guard.decide(groups.get(0).get(0).first())).isEqualTo(PoisonGuard.Decision.DEAD_LETTER);
        assertThat(offsets(groups)).containsExactly(List.of(7L), List.of(8L, 9L));
    }
}
