package io.vggstream.topics.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.topics.card.ModelCard.InvalidModelCardException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optional head block fit-head writes. */
class ModelCardHeadTest {

    static ModelCard.Head head(String classifier, double c) {
        return new ModelCard.Head("models/a", "ef".repeat(32), "ab".repeat(32), classifier, "de.bwaldvogel:liblinear 2.44", c,
            "5-fold cross-validation", 0.9, "FC2 features, averaged, L2-normalised", 25, 1, ModelCard.Head.FUSION_FEATURES);
    }

    static ModelCard withHead(String format, ModelCard.Head head) {
        ModelCard c = ModelCardTest.card();
        return new ModelCard(format, c.config(), c.width(), c.fc(), List.of("apple", "pear"), c.meanRgb(), c.crop(),
            c.trainingScale(), c.io(), c.accuracy(), Map.of("fit_head", "true"), c.versions(), c.weightsSha256(), null, null, null,
            head);
    }

    @Test
    void shouldReadBackTheHeadWhenTheCardIsFormat2() {
        ModelCard c = withHead(ModelCard.FORMAT_2, head("logistic", 0.5));

        ModelCard back = ModelCard.fromJson(c.toJson(), "x");

        assertThat(back).isEqualTo(c);
        assertThat(back.head().c()).isEqualTo(0.5);
        assertThat(c.toJson()).contains("\"head\"", "\"base_sha256\"", "\"cv_accuracy\"");
    }

    @Test
    void shouldOmitTheHeadWhenThereIsNone() {
        assertThat(ModelCardTest.card().toJson()).doesNotContain("\"head\"");
        assertThat(ModelCard.fromJson(ModelCardTest.card().toJson(), "x").head()).isNull();
    }

    @Test
    void shouldRefuseFormat1WhenTheCardCarriesAHead() {
        assertThatThrownBy(() -> withHead(ModelCard.FORMAT, head("svm", 1)).validate("m.json"))
            .isInstanceOf(InvalidModelCardException.class).hasMessageContaining("field 'format'").hasMessageContaining("head");
    }

    @Test
    void shouldNameTheFieldWhenTheHeadsClassifierOrCIsWrong() {
        assertThatThrownBy(() -> withHead(ModelCard.FORMAT_2, head("forest", 1)).validate("m.json"))
            .hasMessageContaining("field 'head.classifier'");
        assertThatThrownBy(() -> withHead(ModelCard.FORMAT_2, head("svm", 0)).validate("m.json"))
            .hasMessageContaining("field 'head.c'");
    }

    @Test
    void shouldReadACardWrittenBeforeTheFusionFieldAsFusingPosteriors() {
        ModelCard c = withHead(ModelCard.FORMAT_2, head("logistic", 0.5));
        String old = c.toJson().replace(",\n    \"fusion\" : \"features\"", "");
        assertThat(old).doesNotContain("fusion");

        ModelCard back = ModelCard.fromJson(old, "x");

        assertThat(back.head().fusion()).isNull();
        assertThat(back.head().fusesFeatures()).isFalse();
        assertThat(c.head().fusesFeatures()).isTrue();
    }

    @Test
    void shouldNameTheFieldWhenTheHeadsFusionIsUnknown() {
        ModelCard.Head h = head("logistic", 1);
        ModelCard.Head wrong = new ModelCard.Head(h.baseModel(), h.baseSha256(), h.baseWeightsSha256(), h.classifier(), h.library(), h.c(),
            h.cSearch(), h.cvAccuracy(), h.descriptor(), h.trainImages(), h.skipped(), "logits");
        assertThatThrownBy(() -> withHead(ModelCard.FORMAT_2, wrong).validate("m.json"))
            .hasMessageContaining("field 'head.fusion'").hasMessageContaining("posteriors or features");
    }
}
