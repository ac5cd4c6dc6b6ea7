package io.vggstream.engine.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.topics.card.ModelCard;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolTest {

    static ModelCard card(int crop, int smin, int smax) {
        return new ModelCard(ModelCard.FORMAT, "D", 1.0, 4096, List.of("a", "b"), List.of(1.0, 2.0, 3.0), crop,
            new ModelCard.Scale(smin, smax), new ModelCard.Io("image", "posterior", "feature"), null, Map.of(), Map.of(), null);
    }

    @Test
    void shouldUseTrainingScaleForSingleScaleWhenSIsFixed() {
        assertThat(Protocol.parse("single").scalesFor(card(224, 256, 256))).containsExactly(256);
    }

    @Test
    void shouldUseMidpointForSingleScaleWhenSIsJittered() {
        assertThat(Protocol.parse("single").scalesFor(card(224, 256, 512))).containsExactly(384);
    }

    @Test
    void shouldTakeSMinus32SAndSPlus32ForMultiScaleWithFixedS() {
        assertThat(Protocol.parse("multi-scale").scalesFor(card(224, 384, 384))).containsExactly(352, 384, 416);
    }

    @Test
    void shouldTakeMinMidMaxForMultiScaleWithJitteredS() {
        assertThat(Protocol.parse("multi-scale").scalesFor(card(224, 256, 512))).containsExactly(256, 384, 512);
    }

    @Test
    void shouldScaleTheThirtyTwoPixelStepWithTheCrop() {
        // 32 at crop 224 is 4 at crop 28 ... and 5 at crop 32 (rounded).
        assertThat(Protocol.parse("multi-scale").scalesFor(card(32, 37, 37))).containsExactly(32, 37, 42);
    }

    @Test
    void shouldStartMultiScaleAtTheCropWhenSIsWithinAStepOfIt() {
        assertThat(Protocol.parse("multi-scale").scalesFor(card(32, 32, 32))).containsExactly(32, 37);
        assertThat(Protocol.parse("multi-scale").scalesFor(card(224, 240, 240))).containsExactly(224, 240, 272);
    }

    @Test
    void shouldRefuseAScaleBelowTheCropNamingIt() {
        assertThatThrownBy(() -> Protocol.parse("single,scales=200").scalesFor(card(224, 256, 256)))
            .hasMessageContaining("Q=200").hasMessageContaining("224");
    }

    @Test
    void shouldParsePresetsAndOptions() {
        Protocol p = Protocol.parse("dense+crops,flips=off,scales=256:384");
        assertThat(p.dense()).isTrue();
        assertThat(p.crops()).isTrue();
        assertThat(p.flips()).isFalse();
        assertThat(p.scalesFor(card(224, 256, 256))).containsExactly(256, 384);
        assertThat(p.cropsPerScale()).isEqualTo(25);
        assertThat(Protocol.parse(p.toString())).isEqualTo(p);
        assertThat(Protocol.parse("crops").dense()).isFalse();
        assertThat(Protocol.parse("single").cropsPerScale()).isZero();
    }

    @Test
    void shouldNameTheUnknownProtocolAndThePresets() {
        assertThatThrownBy(() -> Protocol.parse("multiscale")).hasMessageContaining("multiscale").hasMessageContaining("multi-scale");
        assertThatThrownBy(() -> Protocol.parse("single,flip=on")).hasMessageContaining("flip");
        assertThatThrownBy(() -> Protocol.parse("single,flips=maybe")).hasMessageContaining("maybe");
        assertThatThrownBy(() -> Protocol.parse("single,scales=a:b")).hasMessageContaining("a:b");
    }
}
