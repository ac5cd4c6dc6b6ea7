package io.vggstream.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScaleDownTest {

    @Test
    void shouldKeepThePapersScalesInProportionToTheCrop() {
        ScaleDown p = ScaleDown.quick(0, 1);

        assertThat(p.fixedScale()).isEqualTo("37");
        assertThat(p.jitterScale()).isEqualTo("37:73");
        assertThat(p.nets()).hasSize(13).extracting(ScaleDown.Net::key).contains("A/fixed", "E/jitter", "B-5x5/fixed")
                .doesNotContain("B-5x5/jitter");
    }

    @Test
    void shouldFitTheDefaultBudgetAndGrowWithALargerOne() {
        ScaleDown def = ScaleDown.forBudget(ScaleDown.DEFAULT_BUDGET, 0, 1);
        ScaleDown small = ScaleDown.forBudget(Duration.ofMinutes(20), 0, 1);
        ScaleDown big = ScaleDown.forBudget(Duration.ofHours(8), 0, 1);

        assertThat(def.estimateMinutes()).isLessThanOrEqualTo(75);
        assertThat(def.seeds()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(small.estimateMinutes()).isLessThan(def.estimateMinutes());
        assertThat(big.estimateMinutes()).isGreaterThan(def.estimateMinutes()).isLessThanOrEqualTo(8 * 60);
        assertThat(ScaleDown.forBudget(Duration.ofMinutes(1), 0, 1)).as("the smallest rung when none fits")
                .isEqualTo(ScaleDown.of("1m", ScaleDown.ALL_CONFIGS, ScaleDown.LADDER.get(0), 1));
    }

    @Test
    void shouldBeAPureFunctionOfTheFlags() {
        assertThat(ScaleDown.forBudget(Duration.ofMinutes(75), 3, 5)).isEqualTo(ScaleDown.forBudget(Duration.ofMinutes(75), 3, 5));
        assertThat(ScaleDown.forBudget(Duration.ofMinutes(75), 3, 5).seeds()).containsExactly(5L, 6L, 7L);
    }

    @Test
    void shouldLetARunFolderTakeMoreSeedsButNotAnotherRecipe() {
        ScaleDown two = ScaleDown.forBudget(ScaleDown.DEFAULT_BUDGET, 2, 1);

        assertThat(two.sameRecipe(ScaleDown.forBudget(ScaleDown.DEFAULT_BUDGET, 2, 1).withImages(null, null, null, null)
                .withImages(null, null, null, null))).isTrue();
        assertThat(two.sameRecipe(ScaleDown.of("x", ScaleDown.ALL_CONFIGS, new ScaleDown.Rung(two.width(), two.fc(), two.epochs(),
                two.trainImages(), two.valImages(), two.evalImages(), 3), 1))).as("a third seed").isTrue();
        assertThat(two.sameRecipe(two.withImages(null, null, two.epochs() + 1, null))).as("another epoch count").isFalse();
        assertThat(two.sameRecipe(two.withImages(null, null, null, 0.5))).as("another width").isFalse();
    }

    @Test
    void shouldParseBudgetsAndNameTheFlagWhenMalformed() {
        assertThat(ScaleDown.parseBudget("75m")).isEqualTo(Duration.ofMinutes(75));
        assertThat(ScaleDown.parseBudget("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ScaleDown.parseBudget("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> ScaleDown.parseBudget("soon")).hasMessageContaining("--budget");
        assertThatThrownBy(() -> ScaleDown.parseBudget("0m")).hasMessageContaining("--budget");
    }

    @Test
    void shouldCountMultiplyAddsOfADeeperNetAsMore() {
        ScaleDown p = ScaleDown.forBudget(ScaleDown.DEFAULT_BUDGET, 0, 1);

        // VGG-A at width 1/4 and crop 32: about 10 M multiply-adds (the cost model's reference)
        assertThat(p.macs("A", 32)).isBetween(9_500_000L, 10_500_000L);
        assertThat(p.macs("E", 32)).isGreaterThan(2 * p.macs("A", 32));
        assertThat(p.macs("A", 55)).isGreaterThan(2 * p.macs("A", 32));
    }

    @Test
    void shouldKeepARunFoldersRecipeWhenOnlyMoreSeedsAreAsked() {
        ScaleDown stored = ScaleDown.forBudget(ScaleDown.DEFAULT_BUDGET, 0, 1);
        // five seeds in the default budget would be a smaller recipe, which the folder refuses
        ScaleDown asked = ScaleDown.forBudget(ScaleDown.DEFAULT_BUDGET, 5, 1);
        assertThat(asked.sameRecipe(stored)).isFalse();

        ScaleDown kept = ScaleDown.forRunFolder(asked, stored, true, 5, 1);

        assertThat(kept.sameRecipe(stored)).isTrue();
        assertThat(kept.seeds()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(kept.estimateMinutes()).isGreaterThan(stored.estimateMinutes());
        // a flag that chooses the recipe (here --budget) is taken as asked, and the folder then refuses it
        assertThat(ScaleDown.forRunFolder(asked, stored, false, 5, 1)).isSameAs(asked);
        assertThat(ScaleDown.forRunFolder(asked, null, true, 5, 1)).isSameAs(asked);
    }
}
