package io.vggstream.trainer.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vggstream.trainer.schedule.PlateauSchedule.Decision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlateauScheduleTest {

    @Test
    void shouldDivideByTenOnEachPlateauAtMostThreeTimesThenStop() {
        PlateauSchedule s = PlateauSchedule.paper(1e-2, 2);
        // improves for 3 epochs, then flat forever
        double[] acc = {0.30, 0.40, 0.50, 0.50, 0.49, 0.50, 0.50, 0.45, 0.50, 0.50, 0.50, 0.50, 0.50};
        List<Decision> decisions = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (double a : acc) {
            Decision d = s.onEpochEnd(a);
            decisions.add(d);
            rates.add(s.lr());
            if (d == Decision.STOP) {
                break;
            }
        }

        assertThat(decisions).containsExactly(Decision.CONTINUE, Decision.CONTINUE, Decision.CONTINUE,
                Decision.CONTINUE, Decision.REDUCED, Decision.CONTINUE, Decision.REDUCED,
                Decision.CONTINUE, Decision.REDUCED, Decision.CONTINUE, Decision.STOP);
        assertThat(rates.get(3)).isCloseTo(1e-2, within(1e-12));
        assertThat(rates.get(4)).isCloseTo(1e-3, within(1e-12));
        assertThat(rates.get(6)).isCloseTo(1e-4, within(1e-12));
        assertThat(rates.get(10)).isCloseTo(1e-5, within(1e-12));
        assertThat(s.state().reductions()).isEqualTo(3);
        assertThat(s.state().stopped()).isTrue();
        assertThat(s.state().reason()).contains("after 3 learning-rate divisions");
        assertThat(s.state().best()).isEqualTo(0.50);
        assertThat(s.state().bestEpoch()).isEqualTo(3);
    }

    @Test
    void shouldKeepTheRateWhileAccuracyImproves() {
        PlateauSchedule s = PlateauSchedule.paper(1e-2, 1);
        for (int e = 0; e < 20; e++) {
            assertThat(s.onEpochEnd(0.1 + e * 0.01)).isEqualTo(Decision.CONTINUE);
        }
        assertThat(s.lr()).isEqualTo(1e-2);
        assertThat(s.getNewValue(12345)).isEqualTo(1e-2f);
    }

    @Test
    void shouldStopAtSeventyFourEpochsWhenItNeverPlateaus() {
        PlateauSchedule s = PlateauSchedule.paper(1e-2, 3);
        Decision last = null;
        int epochs = 0;
        while (last != Decision.STOP) {
            last = s.onEpochEnd(epochs++ * 1e-3);
        }

        assertThat(epochs).isEqualTo(74);
        assertThat(s.state().reason()).contains("74 epochs");
    }

    @Test
    void shouldResumeFromAStoredStateExactly() {
        PlateauSchedule a = PlateauSchedule.paper(1e-2, 1);
        a.onEpochEnd(0.5);
        a.onEpochEnd(0.4);
        PlateauSchedule b = PlateauSchedule.paper(1e-2, 1);

        b.restore(a.state());

        assertThat(b.onEpochEnd(0.4)).isEqualTo(a.onEpochEnd(0.4)).isEqualTo(Decision.REDUCED);
        assertThat(b.state()).isEqualTo(a.state());
    }

    @Test
    void shouldRefuseToContinueOnceStopped() {
        PlateauSchedule s = new PlateauSchedule(1e-2, 1, 0, 74, 0);
        s.onEpochEnd(0.5);
        assertThat(s.onEpochEnd(0.5)).isEqualTo(Decision.STOP);

        assertThatThrownBy(() -> s.onEpochEnd(0.6)).isInstanceOf(IllegalStateException.class);
    }
}
