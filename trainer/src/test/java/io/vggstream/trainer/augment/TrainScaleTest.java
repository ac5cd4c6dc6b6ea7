package io.vggstream.trainer.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.trainer.BadInputException;
import org.junit.jupiter.api.Test;

class TrainScaleTest {

    @Test
    void shouldFollowThePapersRatiosWhenTheCropIsNot224() {
        assertThat(TrainScale.parse(null, 224)).isEqualTo(new TrainScale(256, 256));
        assertThat(TrainScale.parse(null, 32)).isEqualTo(new TrainScale(37, 37));
        assertThat(TrainScale.parse("paper-384", 64)).isEqualTo(new TrainScale(110, 110));
        assertThat(TrainScale.parse("paper-jitter", 112)).isEqualTo(new TrainScale(128, 256));
    }

    @Test
    void shouldParseFixedAndRanges() {
        assertThat(TrainScale.parse("300", 224)).isEqualTo(new TrainScale(300, 300));
        TrainScale range = TrainScale.parse("256:512", 224);
        assertThat(range.jittered()).isTrue();
        assertThat(range.testScale()).isEqualTo(384);
    }

    @Test
    void shouldNameTheFlagWhenTheScaleIsSmallerThanTheCrop() {
        assertThatThrownBy(() -> TrainScale.parse("200", 224))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("--scale 200 is smaller than the crop 224")
                .extracting(e -> ((BadInputException) e).flag()).isEqualTo("--scale");
    }

    @Test
    void shouldNameTheFlagWhenTheScaleIsMalformed() {
        assertThatThrownBy(() -> TrainScale.parse("big", 224)).hasMessageContaining("--scale must be S, Smin:Smax");
        assertThatThrownBy(() -> TrainScale.parse("512:256", 224)).hasMessageContaining("--scale 512:256");
    }
}
