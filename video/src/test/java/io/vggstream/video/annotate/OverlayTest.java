package io.vggstream.video.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.topics.prediction.Prediction;
import io.vggstream.video.testing.Predictions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OverlayTest {

    /** A fixed-width font: 20 pixels per character at scale 1. */
    private static final Overlay.TextMeasure MONO = (text, scale, thickness) -> (int) Math.round(text.length() * 20 * scale);

    @Test
    void shouldListTheTopClassesInsideThePanelWhenTheFrameIsLargeEnough() {
        Prediction p = Predictions.of("cam-1", 42, 0, 7, "Sneaker", 0.91, 40.4, Optional.of("7"));
        List<Overlay.Element> e = Overlay.layout(480, 360, "cam-1", 42, Optional.of(p), 5, MONO);

        List<String> texts = texts(e);
        assertThat(texts).containsExactly("cam-1  #42", "latency 40 ms", "Sneaker", "91.0%", "other", "4.5%", "Ankle boot", "2.2%",
            "label 7 Sneaker  right");
        Overlay.Element.Box panel = (Overlay.Element.Box) e.get(0);
        assertThat(panel.alpha()).isLessThan(1);
        for (Overlay.Element x : e) {
            if (x instanceof Overlay.Element.Text t) {
                assertThat(t.x()).isGreaterThanOrEqualTo(panel.x());
                assertThat(t.x() + MONO.width(t.text(), t.scale(), t.thickness())).isLessThanOrEqualTo(panel.x() + panel.width());
                assertThat(t.y()).isBetween(panel.y(), panel.y() + panel.height());
            }
        }
        assertThat(e).filteredOn(x -> x instanceof Overlay.Element.Text t && t.text().startsWith("label"))
            .singleElement().extracting(x -> ((Overlay.Element.Text) x).rgb()).isEqualTo(Overlay.GREEN);
    }

    @Test
    void shouldDrawTheBarInProportionToTheProbabilityWhenListingAClass() {
        Prediction p = Predictions.of("s", 0, 0, 1, "a", 0.5, 1, Optional.empty());
        List<Overlay.Element.Box> boxes = Overlay.layout(1280, 720, "s", 0, Optional.of(p), 1, MONO).stream()
            .filter(x -> x instanceof Overlay.Element.Box).map(x -> (Overlay.Element.Box) x).toList();
        Overlay.Element.Box track = boxes.get(1);
        Overlay.Element.Box bar = boxes.get(2);
        assertThat(bar.width()).isEqualTo(Math.round(track.width() * 0.5f));
        assertThat(bar.rgb()).isEqualTo(Overlay.TOP_BAR);
    }

    @Test
    void shouldDropClassRowsAndCutLongNamesWhenTheFrameIsSmall() {
        Prediction p = Predictions.of("cam-1", 3, 0, 2, "A remarkably long class name for a tiny frame", 0.6, 5, Optional.of("Sandal"));
        List<Overlay.Element> e = Overlay.layout(120, 90, "cam-1", 3, Optional.of(p), 5, MONO);

        Overlay.Element.Box panel = (Overlay.Element.Box) e.get(0);
        assertThat(panel.x() + panel.width()).isLessThanOrEqualTo(120);
        assertThat(panel.y() + panel.height()).isLessThanOrEqualTo(90);
        assertThat(texts(e)).contains("cam-1  #3").doesNotContain("Ankle boot");
        assertThat(texts(e)).filteredOn(t -> t.startsWith("A ")).allSatisfy(t -> assertThat(t).endsWith(".."));
    }

    @Test
    void shouldSayNoPredictionWhenTheFrameHasNone() {
        assertThat(texts(Overlay.layout(640, 480, "cam-1", 9, Optional.empty(), 5, MONO))).containsExactly("cam-1  #9", "no prediction");
    }

    @Test
    void shouldMarkAWrongTop1InRedAndReplaceNonAsciiWhenShowingTheLabel() {
        Prediction p = Predictions.of("s", 0, 0, 1, "Pullover", 0.7, 1, Optional.of("Hémd"));
        assertThat(Overlay.layout(640, 480, "s", 0, Optional.of(p), 1, MONO))
            .filteredOn(x -> x instanceof Overlay.Element.Text t && t.text().startsWith("label"))
            .singleElement().satisfies(x -> {
                assertThat(((Overlay.Element.Text) x).text()).isEqualTo("label H?md  wrong");
                assertThat(((Overlay.Element.Text) x).rgb()).isEqualTo(Overlay.RED);
            });
    }

    @Test
    void shouldNameAnIndexLabelWhenTheTopClassesKnowIt() {
        List<Prediction.Ranked> top = List.of(new Prediction.Ranked(7, "Sneaker", 0.6), new Prediction.Ranked(5, "Sandal", 0.3));
        assertThat(Overlay.labelText("5", top)).isEqualTo("5 Sandal");
        assertThat(Overlay.labelText("3", top)).isEqualTo("3");
        assertThat(Overlay.labelText("Sandal", top)).isEqualTo("Sandal");
    }

    @Test
    void shouldScaleSmallFramesUpToAnEvenSizeWhenChoosingTheVideoSize() {
        assertThat(Overlay.outputSize(28, 28, 360)).containsExactly(360, 360);
        assertThat(Overlay.outputSize(160, 120, 360)).containsExactly(480, 360);
        assertThat(Overlay.outputSize(641, 481, 360)).containsExactly(642, 482);
        assertThat(Overlay.outputSize(33, 25, 0)).containsExactly(34, 26);
    }

    private static List<String> texts(List<Overlay.Element> e) {
        return e.stream().filter(x -> x instanceof Overlay.Element.Text).map(x -> ((Overlay.Element.Text) x).text()).toList();
    }
}
