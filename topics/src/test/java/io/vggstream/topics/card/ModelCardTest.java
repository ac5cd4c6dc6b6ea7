package io.vggstream.topics.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.topics.card.ModelCard.InvalidModelCardException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCardTest {

    @TempDir
    Path dir;

    static ModelCard card() {
        return new ModelCard(ModelCard.FORMAT, "D", 0.25, 512, List.of("cat", "dog", "fox"),
                List.of(123.68, 116.78, 103.94), 224, new ModelCard.Scale(256, 512),
                new ModelCard.Io("image", "posterior", "feature"),
                new ModelCard.Accuracy("imagenet", "val", 50000, 0.75, 0.92, 384, "dense, single scale"),
                Map.of("config", "D", "lr", "0.01"), Map.of("djl", "0.36.0"), "ab".repeat(32));
    }

    @Test
    void shouldReadBackWhatItWroteWhenTheCardIsValid() throws IOException {
        Path file = dir.resolve(ModelCard.FILE_NAME);
        card().write(file);

        ModelCard back = ModelCard.read(file);

        assertThat(back).isEqualTo(card());
        assertThat(back.numClasses()).isEqualTo(3);
        assertThat(back.trainingScale().jittered()).isTrue();
        assertThat(back.trainingScale().testScale()).isEqualTo(384);
    }

    @Test
    void shouldWriteSnakeCaseFieldsOnlyWhenSerialised() {
        String json = card().toJson();

        assertThat(json).contains("\"mean_rgb\"", "\"training_scale\"", "\"weights_sha256\"", "\"test_scale\"")
                .doesNotContain("numClasses", "jittered", "meanRgb", "testScale\"");
    }

    @Test
    void shouldOmitAccuracyWhenNotMeasured() {
        ModelCard c = card();
        ModelCard unmeasured = new ModelCard(c.format(), c.config(), c.width(), c.fc(), c.classes(), c.meanRgb(),
                c.crop(), c.trainingScale(), c.io(), null, c.recipe(), c.versions(), c.weightsSha256());

        assertThat(ModelCard.fromJson(unmeasured.toJson(), "x").accuracy()).isNull();
        assertThat(unmeasured.toJson()).doesNotContain("accuracy");
    }

    @Test
    void shouldNameFileAndFieldWhenCropIsNotAMultipleOf32() throws IOException {
        Path file = dir.resolve("model.json");
        Files.writeString(file, card().toJson().replace("\"crop\" : 224", "\"crop\" : 230"));

        assertThatThrownBy(() -> ModelCard.read(file))
                .isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("field 'crop'")
                .hasMessageContaining("multiple of 32");
    }

    @Test
    void shouldNameTheFieldWhenMeanIsInTheWrongUnits() {
        String json = card().toJson().replace("123.68", "0.485");
        String bad = json.replace("103.94", "-1.0");

        assertThatThrownBy(() -> ModelCard.fromJson(bad, "model.json"))
                .isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining("model.json: field 'mean_rgb[2]'");
    }

    @Test
    void shouldRejectUnknownConfigAndNameIt() {
        String bad = card().toJson().replace("\"config\" : \"D\"", "\"config\" : \"F\"");

        assertThatThrownBy(() -> ModelCard.fromJson(bad, "onnx metadata"))
                .isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining("onnx metadata: field 'config'")
                .extracting(e -> ((InvalidModelCardException) e).field()).isEqualTo("config");
    }

    @Test
    void shouldRejectATrainingScaleSmallerThanTheCrop() {
        String bad = card().toJson().replace("\"min\" : 256", "\"min\" : 200");

        assertThatThrownBy(() -> ModelCard.fromJson(bad, "m.json"))
                .hasMessageContaining("field 'training_scale.min'");
    }

    @Test
    void shouldNameTheFieldWhenJsonTypeIsWrong() {
        String bad = card().toJson().replace("\"fc\" : 512", "\"fc\" : \"wide\"");

        assertThatThrownBy(() -> ModelCard.fromJson(bad, "m.json"))
                .isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining("m.json: field 'fc'");
    }

    @Test
    void shouldRejectAMissingDigestWhenRead() {
        String bad = card().toJson().replace("ab".repeat(32), "abc");

        assertThatThrownBy(() -> ModelCard.fromJson(bad, "m.json"))
                .hasMessageContaining("field 'weights_sha256'");
    }

    @Test
    void shouldRefuseAnotherFormat() {
        String bad = card().toJson().replace(ModelCard.FORMAT, "something-else/2");

        assertThatThrownBy(() -> ModelCard.fromJson(bad, "m.json")).hasMessageContaining("field 'format'");
    }

    @Test
    void shouldBeImmutableWhenBuiltFromMutableLists() {
        java.util.ArrayList<String> names = new java.util.ArrayList<>(List.of("a"));
        ModelCard c = card();
        ModelCard built = new ModelCard(c.format(), c.config(), c.width(), c.fc(), names, c.meanRgb(), c.crop(),
                c.trainingScale(), c.io(), c.accuracy(), c.recipe(), c.versions(), c.weightsSha256());
        names.add("b");

        assertThat(built.classes()).containsExactly("a");
    }

    @Test
    void shouldSayHowTheAccuracyWasMeasuredAndRefuseOneThatNamesNoDataset() {
        ModelCard c = card();
        assertThat(ModelCard.fromJson(c.toJson(), "x").accuracy().protocol()).isEqualTo("dense, single scale");
        ModelCard unnamed = new ModelCard(c.format(), c.config(), c.width(), c.fc(), c.classes(), c.meanRgb(), c.crop(),
                c.trainingScale(), c.io(), new ModelCard.Accuracy(" ", "val", 10, 0.5, 0.9, 384, "dense"), c.recipe(),
                c.versions(), c.weightsSha256());
        assertThatThrownBy(() -> unnamed.validate("x")).isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining("accuracy.dataset");
    }
}
