package io.vggstream.video.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameDeserializer;
import io.vggstream.video.VideoException;
import io.vggstream.video.testing.Media;
import io.vggstream.video.testing.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A live source that drops: publish reopens it with backoff, and keeps what was read when it does not come back. */
@ExtendWith(KafkaBrokerExtension.class)
class ReconnectIT {

    /** A live source giving {@code frames} frames, then ending ({@code fail} false) or failing. */
    private static final class Scripted implements FrameSource {
        private final int frames;
        private final boolean fail;
        private int given;
        private Mat current;

        Scripted(int frames, boolean fail) {
            this.frames = frames;
            this.fail = fail;
        }

        @Override
        public Captured next() {
            if (given == frames) {
                if (fail) {
                    throw new SourceReadException("reading stream rtsp://test/cam failed after " + given + " frames: I/O error", null);
                }
                return null;
            }
            close();
            current = Media.frame(32, 24, given, 3);
            return new Captured(current, -1, given++, Optional.empty());
        }

        @Override
        public void restart() {
        }

        @Override
        public boolean live() {
            return true;
        }

        @Override
        public OptionalDouble frameRate() {
            return OptionalDouble.empty();
        }

        @Override
        public OptionalLong length() {
            return OptionalLong.empty();
        }

        @Override
        public long skipped() {
            return 0;
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }

    /** Opens the scripted sources in turn; a null in the script is a failed opening. */
    private static Function<Source, FrameSource> script(Deque<Optional<Scripted>> openings, int[] opened) {
        return s -> {
            opened[0]++;
            Optional<Scripted> next = openings.isEmpty() ? Optional.empty() : openings.removeFirst();
            return next.orElseThrow(() -> new VideoException("cannot open stream rtsp://test/cam: Connection refused"));
        };
    }

    private static PublishOptions options(int attempts) {
        return PublishOptions.of(Source.parse("rtsp://test/cam")).withReconnectAttempts(attempts)
            .withReconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(4));
    }

    @Test
    void shouldReopenADroppedStreamAndContinueTheSequenceWhenItComesBack(LocalKafka kafka) {
        TopicsSettings topics = Topics.create(kafka, 1);
        Deque<Optional<Scripted>> openings = new ArrayDeque<>(List.of(Optional.of(new Scripted(3, true)), Optional.empty(),
            Optional.of(new Scripted(2, false))));
        int[] opened = {0};

        PublishResult r = new Publisher(options(3), Topics.kafka(kafka), topics, script(openings, opened)).run();

        assertThat(r.frames()).isEqualTo(5);
        assertThat(r.reconnects()).isEqualTo(1);
        assertThat(opened[0]).isEqualTo(6); // first, refused, back; then three refused attempts after the second drop
        assertThat(r.problem()).hasValueSatisfying(p -> assertThat(p)
            .isEqualTo("rtsp://test/cam dropped after 5 frames and did not come back after 3 attempts: cannot open stream rtsp://test/cam: Connection refused"));
        assertThat(r.failed()).isFalse();
        List<ConsumerRecord<String, Frame>> got = Topics.consume(kafka, topics.frames().name(), new StringDeserializer(),
            new FrameDeserializer(), 5);
        assertThat(got).extracting(c -> c.value().seq()).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(got).extracting(ConsumerRecord::key).containsOnly("cam");
    }

    @Test
    void shouldGiveUpAtOnceWhenReconnectAttemptsAreZero(LocalKafka kafka) {
        TopicsSettings topics = Topics.create(kafka, 1);
        int[] opened = {0};

        PublishResult r = new Publisher(options(0), Topics.kafka(kafka), topics,
            script(new ArrayDeque<>(List.of(Optional.of(new Scripted(0, true)))), opened)).run();

        assertThat(r.frames()).isZero();
        assertThat(r.failed()).isTrue();
        assertThat(opened[0]).isEqualTo(1);
        assertThat(r.problem()).hasValueSatisfying(p -> assertThat(p).contains("did not come back after 0 attempts", "I/O error"));
    }
}
