package io.vggstream.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadDataTest {

    @TempDir
    Path root;

    private void images(String split, String cls, int n) throws IOException {
        Path d = Files.createDirectories(root.resolve(split).resolve(cls));
        for (int i = 0; i < n; i++) {
            Files.writeString(d.resolve(i + ".jpg"), "x");
        }
    }

    @Test
    void shouldRefuseOneClassNamingItWhenTrainHoldsASingleClass() throws IOException {
        images("train", "apple", 3);
        assertThatThrownBy(() -> HeadData.open(root, 0.2, 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("only the class 'apple'").hasMessageContaining("two or more");
    }

    @Test
    void shouldRefuseAClassWithoutImagesNamingItWhenItsFolderIsEmpty() throws IOException {
        images("train", "apple", 3);
        Files.createDirectories(root.resolve("train/pear"));
        assertThatThrownBy(() -> HeadData.open(root, 0.2, 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("class 'pear'").hasMessageContaining("has no images");
    }

    @Test
    void shouldRefuseAValClassThatTrainLacksNamingIt() throws IOException {
        images("train", "apple", 3);
        images("train", "pear", 3);
        images("val", "apple", 1);
        images("val", "plum", 1);
        assertThatThrownBy(() -> HeadData.open(root, 0.2, 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("val/ has class 'plum'");
    }

    @Test
    void shouldRefuseAClassWithoutValImagesNamingItWhenValExists() throws IOException {
        images("train", "apple", 3);
        images("train", "pear", 3);
        images("val", "apple", 1);
        assertThatThrownBy(() -> HeadData.open(root, 0.2, 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("class 'pear' has no images in val/");
    }

    @Test
    void shouldRefuseAFolderWithoutTrainNamingTheLayout() {
        assertThatThrownBy(() -> HeadData.open(root, 0.2, 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no train/ folder");
    }

    @Test
    void shouldUseValWhenThereIsOne() throws IOException {
        images("train", "apple", 4);
        images("train", "pear", 2);
        images("val", "apple", 1);
        images("val", "pear", 2);
        HeadData d = HeadData.open(root, 0.2, 1);
        assertThat(d.classes()).containsExactly("apple", "pear");
        assertThat(d.counts(d.train())).containsExactly(4, 2);
        assertThat(d.counts(d.val())).containsExactly(1, 2);
        assertThat(d.valSplit()).isEqualTo("val");
    }

    @Test
    void shouldHoldOutASeededPartOfEveryClassWhenThereIsNoVal() throws IOException {
        images("train", "apple", 10);
        images("train", "pear", 5);
        HeadData a = HeadData.open(root, 0.2, 42);
        HeadData b = HeadData.open(root, 0.2, 42);
        assertThat(a.valSplit()).isEqualTo("holdout");
        assertThat(a.counts(a.val())).containsExactly(2, 1);
        assertThat(a.counts(a.train())).containsExactly(8, 4);
        assertThat(a.val()).isEqualTo(b.val());
        assertThat(a.train()).doesNotContainAnyElementsOf(a.val());
    }

    @Test
    void shouldReportImbalanceWhenTheLargestClassIsMoreThanThreeTimesTheSmallest() {
        assertThat(HeadData.imbalance(java.util.List.of("a", "b"), new int[] {10, 40}))
            .contains("smallest class 'a' 10").contains("largest 'b' 40").contains("4.0:1").contains("imbalanced");
        assertThat(HeadData.imbalance(java.util.List.of("a", "b"), new int[] {10, 20})).doesNotContain("imbalanced");
    }
}
