package io.vggstream.benchmarks.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's judgements on made-up series: the memory trend and the answer ledger. */
class SoakMeasuresTest {

    private static double[] seconds(int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = i;
        }
        return t;
    }

    @Test
    void shouldCallASawtoothAroundALevelFlat() {
        double[] t = seconds(600);
        double[] v = new double[t.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = 200e6 + (i % 10) * 5e6; // young collections: up and down around 220 MB
        }
        Trend trend = Trend.of("heap", t, v, 600, 5);
        assertThat(trend.slopeMbPerMinute()).isCloseTo(0, within(0.5));
        assertThat(trend.flat()).isTrue();
        assertThat(trend.verdict()).startsWith("flat");
    }

    @Test
    void shouldCallASteadyLeakGrowingEvenWhenTheQuartersAreClose() {
        double[] t = seconds(600);
        double[] v = new double[t.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1000e6 + i * 10e6 / 60; // 10 MB a minute on 1 GB: the quarters differ by less than 10%
        }
        Trend trend = Trend.of("rss", t, v, 600, 5);
        assertThat(trend.slopeMbPerMinute()).isCloseTo(10, within(0.01));
        assertThat(trend.growthMb()).isLessThan(trend.allowedGrowthMb());
        assertThat(trend.flat()).isFalse();
    }

    @Test
    void shouldIgnoreTheWarmUpQuarterAndSamplesBeforeTheFirstCollection() {
        double[] t = seconds(400);
        double[] v = new double[t.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = i < 10 ? Double.NaN : i < 100 ? 50e6 + i * 1e6 : 150e6; // unknown, then filling up, then level
        }
        Trend trend = Trend.of("heap after GC", t, v, 400, 5);
        assertThat(trend.startMb()).isCloseTo(60, within(0.01));
        assertThat(trend.q2Mb()).isCloseTo(150, within(0.01));
        assertThat(trend.flat()).isTrue();
    }

    @Test
    void shouldFindMissingOffsetsAndCountDuplicatesInTheLedger() {
        AnswerLedger ledger = new AnswerLedger(2);
        for (int o = 0; o < 5; o++) {
            ledger.answer(0, o, o % 2 == 0 ? AnswerLedger.Kind.PREDICTED : AnswerLedger.Kind.DROPPED);
        }
        ledger.answer(1, 0, AnswerLedger.Kind.DEAD_LETTER);
        ledger.answer(1, 2, AnswerLedger.Kind.DROPPED);
        assertThat(ledger.answer(1, 2, AnswerLedger.Kind.PREDICTED)).isFalse();

        AnswerLedger.Check check = ledger.check(new long[] {5, 3});

        assertThat(check.offered()).isEqualTo(8);
        assertThat(check.answered()).isEqualTo(7);
        assertThat(check.missing()).isEqualTo(1);
        assertThat(check.firstMissing()).isEqualTo(List.of("1/1"));
        assertThat(check.duplicates()).isEqualTo(1);
        assertThat(check.complete()).isFalse();
        assertThat(ledger.count(AnswerLedger.Kind.PREDICTED)).isEqualTo(3);
        assertThat(ledger.count(AnswerLedger.Kind.DROPPED)).isEqualTo(3);
        assertThat(ledger.count(AnswerLedger.Kind.DEAD_LETTER)).isEqualTo(1);
    }
}
