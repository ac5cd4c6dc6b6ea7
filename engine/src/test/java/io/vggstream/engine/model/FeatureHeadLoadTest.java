package io.vggstream.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.engine.testing.TestModels;
import io.vggstream.topics.card.ModelCard;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A card that says {@code head.fusion = features} makes the engine read the head from the graph; a graph without one is
 * refused at load, naming what is missing, rather than served with its own per-variant posteriors.
 */
class FeatureHeadLoadTest {

    @TempDir
    Path dir;

    private static ModelCard withHead(ModelCard c, String fusion) {
        ModelCard.Head head = new ModelCard.Head("base", "ef".repeat(32), "ab".repeat(32), "logistic", "de.bwaldvogel:liblinear 2.44", 1,
            "given (--c)", null, "FC2 features, averaged, L2-normalised", 10, 0, fusion);
        return new ModelCard(ModelCard.FORMAT_2, c.config(), c.width(), c.fc(), c.classes(), c.meanRgb(), c.crop(), c.trainingScale(),
            c.io(), c.accuracy(), c.recipe(), c.versions(), c.weightsSha256(), c.input(), c.source(), c.stack(), head);
    }

    @Test
    void shouldRefuseAFeatureFusingCardWhoseGraphHasNoHeadWeights() {
        TestModels.export(dir.resolve("m"), c -> withHead(c, ModelCard.Head.FUSION_FEATURES)).close();
        Model m = Model.load(dir.resolve("m"));

        assertThatThrownBy(m::featureHead).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("head.fusion = features").hasMessageContaining("no float initializer 'head_weight'");
    }

    @Test
    void shouldHaveNoFeatureHeadWhenTheCardFusesPosteriorsOrHasNoHead() {
        TestModels.export(dir.resolve("posteriors"), c -> withHead(c, ModelCard.Head.FUSION_POSTERIORS)).close();
        TestModels.export(dir.resolve("old"), c -> withHead(c, null)).close();
        TestModels.export(dir.resolve("plain")).close();

        assertThat(Model.load(dir.resolve("posteriors")).featureHead()).isNull();
        assertThat(Model.load(dir.resolve("old")).featureHead()).isNull();
        assertThat(Model.load(dir.resolve("plain")).featureHead()).isNull();
    }
}
