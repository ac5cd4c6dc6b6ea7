package io.vggstream.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.topics.prediction.Prediction;
import io.vggstream.video.testing.Predictions;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LabelMatchTest {

    private static final Prediction.Ranked SNEAKER = new Prediction.Ranked(7, "Sneaker", 0.9);

    @Test
    void shouldMatchByClassIndexWhenTheLabelIsANumber() {
        assertThat(LabelMatch.matches("7", SNEAKER)).isTrue();
        assertThat(LabelMatch.matches(" 7 ", SNEAKER)).isTrue();
        assertThat(LabelMatch.matches("5", SNEAKER)).isFalse();
    }

    @Test
    void shouldMatchByClassNameIgnoringCaseWhenTheLabelIsAName() {
        assertThat(LabelMatch.matches("Sneaker", SNEAKER)).isTrue();
        assertThat(LabelMatch.matches("sneaker", SNEAKER)).isTrue();
        assertThat(LabelMatch.matches("Sandal", SNEAKER)).isFalse();
        assertThat(LabelMatch.matches("", SNEAKER)).isFalse();
    }

    @Test
    void shouldMatchANumericClassNameWhenTheIndexDiffers() {
        assertThat(LabelMatch.matches("3", new Prediction.Ranked(0, "3", 0.5))).isTrue();
    }

    @Test
    void shouldCountAPredictionWrongWhenItHasNoLabel() {
        assertThat(LabelMatch.correct(Predictions.of("s", 0, 0, 7, "Sneaker", 0.9, 10, Optional.empty()))).isFalse();
        assertThat(LabelMatch.correct(Predictions.of("s", 0, 0, 7, "Sneaker", 0.9, 10, Optional.of("7")))).isTrue();
    }
}
