package io.vggstream.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vggstream.replicate.Findings.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingsTest {

    /** So many test images that the sampling error (0.04%) is below every seed spread here. */
    private static final int MANY = 1_000_000;

    @Test
    void shouldCallADifferenceBeyondTheSeedSpreadReproduced() {
        // differences 1.0, 1.2, 0.8: mean 1.0, sd 0.2
        Findings.Comparison c = Findings.compare("D", Map.of(1L, 10.0, 2L, 10.0, 3L, 10.0), "B",
                Map.of(1L, 11.0, 2L, 11.2, 3L, 10.8), MANY, false);

        assertThat(c.difference()).isCloseTo(1.0, within(1e-9));
        assertThat(c.spread()).isCloseTo(0.2, within(1e-9));
        assertThat(c.spreadFromSeeds()).isTrue();
        assertThat(c.seeds()).isEqualTo(3);
        assertThat(c.verdict()).isEqualTo(Verdict.REPRODUCED);
        assertThat(c.evidence()).isEqualTo("D 10.00 vs B 11.00: better by 1.00, spread 0.20 (sd over 3 seeds)");
    }

    @Test
    void shouldCallADifferenceSmallerThanTheSeedSpreadWithinNoise() {
        // one seed's 0.2% is not a finding: differences 0.2, -0.6, 1.0 have mean 0.2, sd 0.8
        Findings.Comparison c = Findings.compare("X", Map.of(1L, 10.0, 2L, 10.0, 3L, 10.0), "Y",
                Map.of(1L, 10.2, 2L, 9.4, 3L, 11.0), MANY, false);

        assertThat(c.difference()).isCloseTo(0.2, within(1e-9));
        assertThat(c.spread()).isCloseTo(0.8, within(1e-9));
        assertThat(c.verdict()).isEqualTo(Verdict.WITHIN_NOISE);
    }

    @Test
    void shouldCallTheOppositeBeyondTheSpreadNotReproduced() {
        Findings.Comparison c = Findings.compare("X", Map.of(1L, 12.0, 2L, 12.5), "Y", Map.of(1L, 10.0, 2L, 10.4), MANY, false);

        assertThat(c.difference()).isCloseTo(-2.05, within(1e-9));
        assertThat(c.verdict()).isEqualTo(Verdict.NOT_REPRODUCED);
        assertThat(c.evidence()).startsWith("X 12.25 vs Y 10.20: worse by 2.05");
    }

    @Test
    void shouldUseTheSamplingErrorOfTheDifferenceWhenThereIsOneSeed() {
        Findings.Comparison close = Findings.compare("X", Map.of(1L, 10.0), "Y", Map.of(1L, 11.0), 1000, false);
        Findings.Comparison far = Findings.compare("X", Map.of(1L, 10.0), "Y", Map.of(1L, 14.0), 1000, false);

        // sqrt((0.10 * 0.90 + 0.11 * 0.89) / 1000) = 1.38%
        assertThat(close.spread()).isCloseTo(100 * Math.sqrt((0.10 * 0.90 + 0.11 * 0.89) / 1000), within(1e-9));
        assertThat(close.spreadFromSeeds()).isFalse();
        assertThat(close.verdict()).isEqualTo(Verdict.WITHIN_NOISE);
        assertThat(far.verdict()).isEqualTo(Verdict.REPRODUCED);
        assertThat(close.evidence()).endsWith("(sampling error, 1 seed)");
    }

    @Test
    void shouldNotLetSeedsThatAgreeByChanceMakeAOneImageDifferenceAFinding() {
        // two seeds, each 1 image of 500 apart (0.2%): the seeds' sd is 0, the sampling error 1.9%
        Findings.Comparison c = Findings.compare("fusion", Map.of(1L, 38.0, 2L, 38.2), "B", Map.of(1L, 37.8, 2L, 38.0), 500,
                false);

        assertThat(c.difference()).isCloseTo(-0.2, within(1e-9));
        assertThat(c.spread()).isCloseTo(100 * Math.sqrt((0.381 * 0.619 + 0.379 * 0.621) / 500), within(1e-9));
        assertThat(c.spreadFromSeeds()).isFalse();
        assertThat(c.verdict()).isEqualTo(Verdict.WITHIN_NOISE);
        assertThat(c.evidence()).endsWith("(sampling error, above the sd over 2 seeds)");
    }

    @Test
    void shouldHoldANoBetterClaimUnlessTheOtherIsBetterBeyondTheSpread() {
        Map<Long, Double> a = Map.of(1L, 10.0, 2L, 10.2);
        Findings.Comparison equal = Findings.compare("A", a, "A-LRN", Map.of(1L, 9.9, 2L, 10.2), MANY, true);
        Findings.Comparison worse = Findings.compare("A", a, "A-LRN", Map.of(1L, 11.0, 2L, 11.3), MANY, true);
        Findings.Comparison better = Findings.compare("A", a, "A-LRN", Map.of(1L, 8.0, 2L, 8.3), MANY, true);

        assertThat(equal.verdict()).isEqualTo(Verdict.REPRODUCED);
        assertThat(worse.verdict()).isEqualTo(Verdict.REPRODUCED);
        assertThat(better.verdict()).isEqualTo(Verdict.NOT_REPRODUCED);
    }

    @Test
    void shouldPairSeedsAndSayNotMeasuredWhenNoSeedIsShared() {
        Findings.Comparison none = Findings.compare("X", Map.of(1L, 10.0), "Y", Map.of(2L, 12.0), 1000, false);
        Findings.Comparison missing = Findings.compare("X", Map.of(), "Y", Map.of(1L, 12.0), 1000, false);

        assertThat(none.verdict()).isEqualTo(Verdict.NOT_MEASURED);
        assertThat(missing.verdict()).isEqualTo(Verdict.NOT_MEASURED);
        assertThat(missing.evidence()).isEqualTo("X against Y: not measured");
    }

    @Test
    void shouldCombineComparisonsStrictly() {
        Findings.Comparison yes = comparison(Verdict.REPRODUCED);
        Findings.Comparison noise = comparison(Verdict.WITHIN_NOISE);
        Findings.Comparison no = comparison(Verdict.NOT_REPRODUCED);
        Findings.Comparison absent = comparison(Verdict.NOT_MEASURED);

        assertThat(Findings.combine(List.of(yes, yes))).isEqualTo(Verdict.REPRODUCED);
        assertThat(Findings.combine(List.of(yes, noise))).isEqualTo(Verdict.WITHIN_NOISE);
        assertThat(Findings.combine(List.of(yes, noise, no))).isEqualTo(Verdict.NOT_REPRODUCED);
        assertThat(Findings.combine(List.of(yes, absent))).isEqualTo(Verdict.WITHIN_NOISE);
        assertThat(Findings.combine(List.of(absent))).isEqualTo(Verdict.NOT_MEASURED);
    }

    @Test
    void shouldReproduceEveryFindingWhenTheNumbersGoThePapersWay() {
        Results r = ReportTest.paperLike(MANY);

        List<Findings.Finding> findings = Findings.judge(r, "D/jitter + E/jitter");

        assertThat(findings).extracting(Findings.Finding::number).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(findings).allSatisfy(f -> assertThat(f.verdict()).as("finding %d: %s", f.number(), f.comparisons())
                .isEqualTo(Verdict.REPRODUCED));
    }

    @Test
    void shouldNotReproduceDepthWhenTheDeepNetIsWorseBeyondTheSpread() {
        Results r = ReportTest.paperLike(MANY);
        r.add(new Results.Measure("E/fixed", Results.SINGLE, 1, MANY, 15.0, 1.0));
        r.add(new Results.Measure("E/fixed", Results.SINGLE, 2, MANY, 15.2, 1.0));

        Findings.Finding depth = Findings.judge(r, "D/jitter + E/jitter").get(1);

        assertThat(depth.verdict()).isEqualTo(Verdict.NOT_REPRODUCED);
        assertThat(depth.comparisons().get(2).verdict()).isEqualTo(Verdict.NOT_REPRODUCED);
    }

    @Test
    void shouldSayNotMeasuredWhenANetIsMissing() {
        Results r = new Results();
        r.add(new Results.Measure("A/fixed", Results.SINGLE, 1, 1000, 10.0, 1.0));

        List<Findings.Finding> findings = Findings.judge(r, null);

        assertThat(findings.get(7).verdict()).isEqualTo(Verdict.NOT_MEASURED);
        assertThat(findings.get(6).verdict()).isEqualTo(Verdict.NOT_MEASURED);
    }

    private static Findings.Comparison comparison(Verdict v) {
        return new Findings.Comparison("x", "y", 1, 2, 1, 0.5, 2, true, v);
    }
}
