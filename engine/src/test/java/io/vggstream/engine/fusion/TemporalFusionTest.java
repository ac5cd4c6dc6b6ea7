package io.vggstream.engine.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TemporalFusionTest {

    @Test
    void shouldAverageTheLastWindowFramesOfAStream() {
        TemporalFusion t = new TemporalFusion(TemporalFusion.Method.WINDOW, 2, 0.5, 10);
        t.add("s", new double[] {1, 0});
        t.add("s", new double[] {0, 1});
        TemporalFusion.Fused f = t.add("s", new double[] {0, 1});
        assertThat(f.frames()).isEqualTo(2);
        assertThat(f.posterior()).containsExactly(new double[] {0, 1}, within(1e-12));
    }

    @Test
    void shouldMoveTheEmaByAlphaTowardsEachFrame() {
        TemporalFusion t = new TemporalFusion(TemporalFusion.Method.EMA, 8, 0.25, 10);
        assertThat(t.add("s", new double[] {1, 0}).posterior()).containsExactly(new double[] {1, 0}, within(1e-12));
        TemporalFusion.Fused f = t.add("s", new double[] {0, 1});
        assertThat(f.posterior()).containsExactly(new double[] {0.75, 0.25}, within(1e-12));
        assertThat(f.frames()).isEqualTo(2);
    }

    @Test
    void shouldKeepStreamsApart() {
        TemporalFusion t = new TemporalFusion(TemporalFusion.Method.WINDOW, 4, 0.5, 10);
        t.add("a", new double[] {1, 0});
        assertThat(t.add("b", new double[] {0, 1}).posterior()).containsExactly(new double[] {0, 1}, within(1e-12));
    }

    @Test
    void shouldForgetTheLongestIdleStreamBeyondTheLimit() {
        TemporalFusion t = new TemporalFusion(TemporalFusion.Method.WINDOW, 4, 0.5, 2);
        t.add("a", new double[] {1, 0});
        t.add("b", new double[] {1, 0});
        t.add("c", new double[] {1, 0});
        assertThat(t.add("a", new double[] {0, 1}).frames()).as("a was forgotten").isEqualTo(1);
    }

    @Test
    void shouldNameBadSettings() {
        assertThatThrownBy(() -> new TemporalFusion(TemporalFusion.Method.EMA, 0, 0.5, 1)).hasMessageContaining("video.window");
        assertThatThrownBy(() -> new TemporalFusion(TemporalFusion.Method.EMA, 1, 1.5, 1)).hasMessageContaining("video.alpha");
        assertThatThrownBy(() -> TemporalFusion.Method.parse("median")).hasMessageContaining("median");
    }
}
