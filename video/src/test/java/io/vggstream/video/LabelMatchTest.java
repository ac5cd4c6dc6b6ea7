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

    private static Prediction ranked(String label, double... ps) {
        Prediction base = Predictions.of("s", 0, 0, 7, "Sneaker", 0.9, 10, Optional.of(label));
        java.util.List<Prediction.Ranked> top = new java.util.ArrayList<>();
        for (int i = 0; i < ps.length; i++) {
            top.add(new Prediction.Ranked(i == 0 ? 7 : i, i == 0 ? "Sneaker" : "c" + i, ps[i]));
        }
        return new Prediction(base.stream(), base.seq(), base.ts(), base.source(), top, base.models(), base.protocol(),
            base.latencyMs(), base.label(), false);
    }

    @Test
    void shouldCountAPredictionWithANaNProbabilityAsWrong() {
        assertThat(LabelMatch.correct(ranked("7", Double.NaN, Double.NaN, Double.NaN))).isFalse();
        assertThat(LabelMatch.correct(ranked("7", Double.NaN, 0.5, 0.2))).isFalse();
        assertThat(LabelMatch.correct(ranked("7", 0.7, Double.NaN))).isFalse();
    }

    @Test
    void shouldCountAUniformPredictionAsWrong() {
        assertThat(LabelMatch.correct(ranked("7", 0.1, 0.1, 0.1, 0.1, 0.1))).isFalse();
    }

    @Test
    void shouldCountATieForFirstAsWrongAndAClearFirstAsRight() {
        assertThat(LabelMatch.correct(ranked("7", 0.45, 0.45, 0.1))).isFalse();
        assertThat(LabelMatch.correct(ranked("7", 0.46, 0.44, 0.1))).isTrue();
        assertThat(LabelMatch.correct(ranked("Sneaker", 0.9))).isTrue();
    }
}
