package io.vggstream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.trainer.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassSubsetTest {

    /** Ten images, labels 0..4 twice, classes a..e. */
    private static final LabeledImages TEN = new LabeledImages() {
        public String name() {
            return "ten";
        }

        public List<String> classes() {
            return List.of("a", "b", "c", "d", "e");
        }

        public int size() {
            return 10;
        }

        public int label(int i) {
            return i % 5;
        }

        public RgbImage image(int i) {
            return new RgbImage(1, 1, 1, new byte[] {(byte) i});
        }
    };

    @Test
    void shouldParseLabelsAndRangesInOrderWhenGivenAList() {
        assertThat(ClassSubset.parse("0-2", 10)).containsExactly(0, 1, 2);
        assertThat(ClassSubset.parse("7, 0,2-3", 10)).containsExactly(0, 2, 3, 7);
    }

    @Test
    void shouldRefuseALabelOutsideTheDataNamingTheFlag() {
        assertThatThrownBy(() -> ClassSubset.parse("3-12", 10)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("--classes").hasMessageContaining("label 10");
    }

    @Test
    void shouldRefuseMalformedListsAndASingleClass() {
        assertThatThrownBy(() -> ClassSubset.parse("a-b", 10)).hasMessageContaining("'a-b'");
        assertThatThrownBy(() -> ClassSubset.parse("4-2", 10)).hasMessageContaining("'4-2'");
        assertThatThrownBy(() -> ClassSubset.parse("3", 10)).hasMessageContaining("two or more");
    }

    @Test
    void shouldKeepOnlyTheClassesRelabelledInOrderWhenSubset() {
        Subset s = ClassSubset.of(TEN, List.of(1, 3));
        assertThat(s.classes()).containsExactly("b", "d");
        assertThat(s.size()).isEqualTo(4);
        assertThat(List.of(s.label(0), s.label(1), s.label(2), s.label(3))).containsExactly(0, 1, 0, 1);
        assertThat(s.image(1).pixels()[0]).isEqualTo((byte) 3);
        assertThat(s.image(2).pixels()[0]).isEqualTo((byte) 6);
    }
}
