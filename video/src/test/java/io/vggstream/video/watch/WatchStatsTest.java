package io.vggstream.video.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vggstream.report.Percentiles;
import io.vggstream.video.testing.Predictions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatchStatsTest {

    private static final long MS = 1_000_000;

    @Test
    void shouldTakeTheNearestRankWhenComputingPercentiles() {
        double[] v = {50, 10, 40, 20, 30, 60, 70, 80, 90, 100};
        assertThat(Percentiles.of(v, 10, 0.5)).hasValue(50);
        assertThat(Percentiles.of(v, 10, 0.99)).hasValue(100);
        assertThat(Percentiles.of(v, 10, 0.1)).hasValue(10);
        assertThat(Percentiles.of(v, 3, 0.5)).hasValue(40);
        assertThat(Percentiles.of(v, 0, 0.5)).isEmpty();
        assertThat(v[0]).isEqualTo(50); // not sorted in place
    }

    @Test
    void shouldFollowTheLatestValuesWhenTheWindowIsFull() {
        LatencyLog l = new LatencyLog(3);
        for (double d : new double[] {1000, 1000, 1000, 10, 20, 30}) {
            l.add(d);
        }
        assertThat(l.recentMedian()).hasValue(20);
        assertThat(l.quantile(0.5)).hasValue(30);
        assertThat(l.quantile(0.99)).hasValue(1000);
        assertThat(l.count()).isEqualTo(6);
    }

    @Test
    void shouldCountAccuracyOnlyOverLabelledPredictionsWhenSomeHaveNoLabel() {
        StreamStats s = new StreamStats("cam-1", 100, 5_000 * MS);
        s.add(Predictions.of("cam-1", 0, 0, 7, "Sneaker", 0.9, 40, Optional.of("7")), 0);
        s.add(Predictions.of("cam-1", 1, 40, 7, "Sneaker", 0.9, 50, Optional.of("Sandal")), 40 * MS);
        s.add(Predictions.of("cam-1", 2, 80, 5, "Sandal", 0.8, 60, Optional.of("sandal")), 80 * MS);
        s.add(Predictions.of("cam-1", 3, 120, 5, "Sandal", 0.8, 70, Optional.empty()), 120 * MS);

        WatchSummary.StreamSummary sum = s.summary();
        assertThat(sum.frames()).isEqualTo(4);
        assertThat(sum.labelled()).isEqualTo(3);
        assertThat(sum.correct()).isEqualTo(2);
        assertThat(sum.accuracy().getAsDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(sum.fps()).isCloseTo(25.0, within(1e-9));
        assertThat(sum.latencyP50()).hasValue(50);
        assertThat(sum.lastTop1()).contains("Sandal");
    }

    @Test
    void shouldCountOnlyTheRateWindowWhenReportingRecentFps() {
        StreamStats s = new StreamStats("cam-1", 100, 1_000 * MS);
        for (int i = 0; i < 50; i++) { // 50 predictions 100 ms apart: 5 s at 10/s
            s.add(Predictions.of("cam-1", i, i * 100L, 1, "a", 0.5, 10, Optional.empty()), i * 100 * MS);
        }
        assertThat(s.recentFps(4_900 * MS)).isCloseTo(11.0, within(1e-9)); // 3.9 s .. 4.9 s inclusive: 11 arrivals
        assertThat(s.recentFps(60_000 * MS)).isZero();
        StreamStats one = new StreamStats("cam-2", 100, 5_000 * MS);
        one.add(Predictions.of("cam-2", 0, 0, 1, "a", 0.5, 10, Optional.empty()), 0);
        assertThat(one.recentFps(10 * MS)).isZero(); // one arrival is no rate yet
        one.add(Predictions.of("cam-2", 1, 40, 1, "a", 0.5, 10, Optional.empty()), 40 * MS);
        one.add(Predictions.of("cam-2", 2, 80, 1, "a", 0.5, 10, Optional.empty()), 80 * MS);
        assertThat(one.recentFps(80 * MS)).isCloseTo(25.0, within(1e-9)); // two intervals of 40 ms
    }

    @Test
    void shouldFitEveryLineInTheWidthWhenNamesAreLong() {
        List<WatchView.Row> rows = List.of(
            new WatchView.Row("a-very-long-stream-name-from-a-camera-on-the-roof", 123456, "Ankle boot with a very long class name",
                0.9123, 24.96, java.util.OptionalDouble.of(41.4), java.util.OptionalDouble.of(0.875), 800, 801),
            new WatchView.Row("cam-2", -1, "-", Double.NaN, 0, java.util.OptionalDouble.empty(), java.util.OptionalDouble.empty(), 0, 0));
        List<String> lines = WatchView.table("title", rows, 80);

        assertThat(lines).hasSize(4).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        assertThat(lines.get(1)).startsWith("STREAM").contains("SEQ", "TOP-1", "FPS", "LATENCY", "ACCURACY");
        assertThat(lines.get(2)).contains("~", "123456", "91.2%", "25.0", "41 ms", "87.5% of 800");
        assertThat(lines.get(3)).startsWith("cam-2").contains(" - ");
    }

    @Test
    void shouldWriteOneGreppableLineWhenStdoutIsNotATerminal() {
        WatchView.Row r = new WatchView.Row("cam-1", 42, "Ankle boot", 0.5, 25, java.util.OptionalDouble.of(12_345),
            java.util.OptionalDouble.of(0.75), 4, 4);
        assertThat(WatchView.plain("0:05", r))
            .isEqualTo("[0:05] cam-1 seq=42 top1=Ankle_boot p=50.0% fps=25.0 latency_p50=12.3 s accuracy=75.0% of 4");
    }

    @Test
    void shouldMoveUpOverThePreviousDrawingWhenRedrawing() {
        WatchView.Redraw r = new WatchView.Redraw();
        assertThat(r.frame(List.of("a", "b"))).isEqualTo("\033[2Ka\n\033[2Kb\n");
        assertThat(r.frame(List.of("c"))).isEqualTo("\033[2F\033[2Kc\n\033[J");
    }
}
