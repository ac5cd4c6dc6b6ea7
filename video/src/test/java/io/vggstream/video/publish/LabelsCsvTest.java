package io.vggstream.video.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.video.VideoException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsCsvTest {

    @Test
    void shouldReadLabelsByFrameIndexWhenTheFileHasAHeaderCommentsAndBlankLines() {
        LabelsCsv l = LabelsCsv.parse(List.of("\uFEFFseq,label", "# Fashion-MNIST test images", "0,9", "", "1, Ankle boot ", "3,7"), "x.csv");

        assertThat(l.size()).isEqualTo(3);
        assertThat(l.label(0)).contains("9");
        assertThat(l.label(1)).contains("Ankle boot");
        assertThat(l.label(2)).isEmpty();
        assertThat(l.label(3)).contains("7");
    }

    @Test
    void shouldUnquoteALabelWhenItHoldsACommaOrAQuote() {
        LabelsCsv l = LabelsCsv.parse(List.of("0,\"T-shirt, top\"", "1,\"say \"\"hi\"\"\""), "x.csv");

        assertThat(l.label(0)).contains("T-shirt, top");
        assertThat(l.label(1)).contains("say \"hi\"");
    }

    @Test
    void shouldNameTheFileAndLineWhenAFrameNumberIsNotANumber() {
        assertThatThrownBy(() -> LabelsCsv.parse(List.of("seq,label", "0,a", "x1,b"), "labels.csv"))
            .isInstanceOf(VideoException.class)
            .hasMessage("labels file labels.csv, line 3: 'x1' is not a frame number (a decimal integer >= 0)");
    }

    @Test
    void shouldRefuseWhenAFrameIsLabelledTwiceOrEmptyOrNegativeOrWithoutComma() {
        assertThatThrownBy(() -> LabelsCsv.parse(List.of("0,a", "0,b"), "f")).hasMessageContaining("line 2: frame 0 is labelled twice");
        assertThatThrownBy(() -> LabelsCsv.parse(List.of("0,  "), "f")).hasMessageContaining("line 1: frame 0 has an empty label");
        assertThatThrownBy(() -> LabelsCsv.parse(List.of("-1,a"), "f")).hasMessageContaining("line 1: frame number -1 is negative");
        assertThatThrownBy(() -> LabelsCsv.parse(List.of("0;a"), "f")).hasMessageContaining("line 1: expected 'seq,label'");
        assertThatThrownBy(() -> LabelsCsv.parse(List.of("0,\"open"), "f")).hasMessageContaining("must end with a quote");
    }

    @Test
    void shouldRefuseALabelWhenItIsOverTheContractsLimit() {
        assertThatThrownBy(() -> LabelsCsv.parse(List.of("5," + "x".repeat(256)), "f"))
            .hasMessageContaining("line 1: the label of frame 5 is over 255 UTF-8 bytes");
    }

    @Test
    void shouldSayTheFileIsMissingWhenItDoesNotExist(@TempDir Path dir) {
        assertThatThrownBy(() -> LabelsCsv.read(dir.resolve("nope.csv")))
            .isInstanceOf(VideoException.class).hasMessageEndingWith("nope.csv does not exist");
    }

    @Test
    void shouldReadAFileWhenItIsUtf8(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("l.csv"), "seq,label\n0,Sandale\u0301\n");
        assertThat(LabelsCsv.read(f).label(0)).contains("Sandale\u0301");
    }
}
