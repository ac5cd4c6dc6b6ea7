package io.vggstream.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.topics.deadletter.ErrorKind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every frame in is answered once: a prediction, or a dead letter counted in total and by its kind. */
class EngineMetricsTest {

    @Test
    void shouldCountDeadLettersByKindAndInTotal() {
        EngineMetrics m = new EngineMetrics(4);
        for (int i = 0; i < 7; i++) {
            m.frameIn();
        }
        m.framePredicted(false);
        m.framePredicted(true);
        m.frameDeadLettered(ErrorKind.DECODE);
        m.frameDeadLettered(ErrorKind.DECODE);
        m.frameDeadLettered(ErrorKind.TOO_LARGE);
        m.frameDeadLettered(ErrorKind.POISON);
        m.frameDropped();

        assertThat(m.framesIn()).isEqualTo(7);
        assertThat(m.inFlight()).isZero();
        assertThat(m.predictions()).isEqualTo(2);
        assertThat(m.partial()).isEqualTo(1);
        assertThat(m.deadLetters()).isEqualTo(5);
        assertThat(m.deadLetters(ErrorKind.DECODE)).isEqualTo(2);
        assertThat(m.deadLetters(ErrorKind.TOO_LARGE)).isEqualTo(1);
        assertThat(m.deadLetters(ErrorKind.POISON)).isEqualTo(1);
        // A dropped frame is a dead letter of kind dropped, and also counted as dropped.
        assertThat(m.deadLetters(ErrorKind.DROPPED)).isEqualTo(1);
        assertThat(m.dropped()).isEqualTo(1);
        assertThat(m.deadLetters(ErrorKind.INFERENCE)).isZero();
        assertThat(Arrays.stream(ErrorKind.values()).mapToLong(m::deadLetters).sum()).isEqualTo(m.deadLetters());
    }
}
