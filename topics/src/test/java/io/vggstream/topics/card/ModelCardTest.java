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

    static ModelCard imported(String format, ModelCard.Input input) {
        ModelCard c = card();
        return new ModelCard(format, "D", 1.0, 4096, c.classes(), List.of(123.675, 116.28, 103.53), 224,
                ModelCard.Scale.fixed(256), c.io(), null, Map.of(), Map.of(), c.weightsSha256(), input,
                new ModelCard.Source("vgg16.onnx", "torchvision", "cd".repeat(32)), null);
    }

    static final ModelCard.Input TORCHVISION = new ModelCard.Input("rgb", 1 / 255.0,
            List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));

    @Test
    void shouldReadBackInputAndSourceWhenTheCardIsFormat2() {
        ModelCard c = imported(ModelCard.FORMAT_2, TORCHVISION);

        ModelCard back = ModelCard.fromJson(c.toJson(), "x");

        assertThat(back).isEqualTo(c);
        assertThat(back.normalisation()).isEqualTo(TORCHVISION);
        assertThat(c.toJson()).contains("\"channel_order\"", "\"source\"", "\"layout\"");
    }

    @Test
    void shouldMeanPixelsMinusMeanRgbWhenACardHasNoInputBlock() {
        ModelCard c = card();

        assertThat(c.normalisation()).isEqualTo(new ModelCard.Input("rgb", 1.0, c.meanRgb(), List.of(1.0, 1.0, 1.0)));
        assertThat(c.toJson()).doesNotContain("\"channel_order\"", "\"source\"", "\"stack\"");
    }

    @Test
    void shouldRefuseFormat1WhenTheCardCarriesAnInputBlock() {
        ModelCard c = imported(ModelCard.FORMAT, TORCHVISION);

        assertThatThrownBy(() -> c.validate("m.json"))
                .isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining("field 'format'").hasMessageContaining(ModelCard.FORMAT_2);
    }

    @Test
    void shouldNameTheChannelOrderWhenItIsNeitherRgbNorBgr() {
        ModelCard c = imported(ModelCard.FORMAT_2, new ModelCard.Input("grb", 1, TORCHVISION.mean(), TORCHVISION.std()));

        assertThatThrownBy(() -> c.validate("m.json")).hasMessageContaining("field 'input.channel_order'");
    }

    @Test
    void shouldNameTheStdWhenItIsNotPositive() {
        ModelCard c = imported(ModelCard.FORMAT_2,
                new ModelCard.Input("bgr", 1, List.of(103.939, 116.779, 123.68), List.of(1.0, 0.0, 1.0)));

        assertThatThrownBy(() -> c.validate("m.json")).hasMessageContaining("field 'input.std[1]'");
    }

    @Test
    void shouldRequireTheStackWhenTheConfigIsCustom() {
        ModelCard c = imported(ModelCard.FORMAT_2, TORCHVISION);
        ModelCard custom = new ModelCard(c.format(), ModelCard.CUSTOM, 1.0, 4096, c.classes(), c.meanRgb(), 224,
                c.trainingScale(), c.io(), null, c.recipe(), c.versions(), c.weightsSha256(), c.input(), c.source(),
                null);
        ModelCard listed = new ModelCard(c.format(), ModelCard.CUSTOM, 1.0, 4096, c.classes(), c.meanRgb(), 224,
                c.trainingScale(), c.io(), null, c.recipe(), c.versions(), c.weightsSha256(), c.input(), c.source(),
                List.of("conv3-64", "pool", "conv3-128", "pool"));

        assertThatThrownBy(() -> custom.validate("m.json")).hasMessageContaining("field 'stack'");
        assertThat(ModelCard.fromJson(listed.toJson(), "x").stack()).containsExactly("conv3-64", "pool", "conv3-128", "pool");
    }
    static ModelCard.Quantization quantization(String method) {
        ModelCard.Accuracy fp32 = new ModelCard.Accuracy("fashion-mnist", "test", 10000, 0.91, 0.99, 384, "single");
        ModelCard.Accuracy int8 = new ModelCard.Accuracy("fashion-mnist", "test", 10000, 0.905, 0.99, 384, "single");
        return new ModelCard.Quantization(method, "fashion-mnist train", 500, "int8, per output channel, symmetric", 8,
                "uint8, per tensor, asymmetric", 8, List.of("conv1_1"), fp32, int8);
    }

    @Test
    void shouldReadBackTheQuantizationBlockWhenTheCardIsFormat2() throws IOException {
        ModelCard q = card().quantized(quantization("percentile"), quantization("percentile").int8(), "cd".repeat(32));
        Path file = dir.resolve(ModelCard.FILE_NAME);
        q.write(file);

        ModelCard back = ModelCard.read(file);

        assertThat(back).isEqualTo(q);
        assertThat(back.format()).isEqualTo(ModelCard.FORMAT_2);
        assertThat(back.quantization().fp32Layers()).containsExactly("conv1_1");
        assertThat(back.accuracy().top1()).isEqualTo(0.905);
        assertThat(Files.readString(file)).contains("\"quantization\"", "\"fp32_layers\"", "\"weight_bits\"");
        assertThat(card().toJson()).doesNotContain("quantization");
    }

    @Test
    void shouldRefuseFormat1WhenTheCardCarriesAQuantizationBlock() {
        ModelCard q = card().quantized(quantization("minmax"), null, "cd".repeat(32));
        String json = q.toJson().replace(ModelCard.FORMAT_2, ModelCard.FORMAT);

        assertThatThrownBy(() -> ModelCard.fromJson(json, "model.json")).isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining("field 'format'").hasMessageContaining("quantization");
    }

    @Test
    void shouldNameTheMethodWhenItIsNoneOfTheThree() {
        ModelCard q = card().quantized(quantization("kmeans"), null, "cd".repeat(32));

        assertThatThrownBy(() -> q.validate("model.json")).isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining("field 'quantization.method'").hasMessageContaining("kmeans");
    }

    @Test
    void shouldRefuseAnInt8AccuracyWithoutTheFloat32One() {
        ModelCard.Quantization q = quantization("minmax");
        ModelCard c = card().quantized(new ModelCard.Quantization(q.method(), q.calibration(), q.images(), q.weights(),
                q.weightBits(), q.activations(), q.activationBits(), q.fp32Layers(), null, q.int8()), null, "cd".repeat(32));

        assertThatThrownBy(() -> c.validate("model.json")).isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining("field 'quantization.int8'");
    }
}
