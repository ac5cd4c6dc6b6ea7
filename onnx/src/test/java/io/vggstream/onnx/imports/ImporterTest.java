package io.vggstream.onnx.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vggstream.onnx.DenseGraph;
import io.vggstream.onnx.MalformedOnnxException;
import io.vggstream.onnx.imports.ClassicVgg.Part;
import io.vggstream.onnx.imports.ClassicVgg.Pattern;
import io.vggstream.topics.card.ModelCard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImporterTest {

    private static final int FC = 32;
    private static final int CLASSES = 10;

    @TempDir
    Path dir;

    private Path classesFile() throws Exception {
        Path f = dir.resolve("classes.txt");
        Files.write(f, IntStream.range(0, CLASSES).mapToObj(i -> "class" + i).toList());
        return f;
    }

    private ImportResult importOf(Path source, String layout) throws Exception {
        return Importer.run(ImportOptions.of(source, dir.resolve("out-" + source.getFileName()))
                .withLayout(layout).withClasses(classesFile().toString()));
    }

    /** The classic graph's output at 224 as probabilities (the Caffe pattern's already are). */
    private static float[] sourcePosterior(ClassicVgg vgg, Path source, float[] image) throws Exception {
        float[] out = Ort.run(source, vgg.inputName(), image, 1, 3, 224, 224).get(vgg.outputName());
        return vgg.pattern == Pattern.CAFFE ? out : Ort.softmax(out);
    }

    private void assertSameAt224(ClassicVgg vgg, Path source, ImportResult r) throws Exception {
        for (long seed = 1; seed <= 2; seed++) {
            float[] image = Ort.image(seed, 224, 1.0);
            float[] expected = sourcePosterior(vgg, source, image);
            float[] actual = Ort.run(r.onnx(), DenseGraph.INPUT, image, 1, 3, 224, 224).get(DenseGraph.POSTERIOR);
            assertThat(actual).hasSize(CLASSES);
            // the answers must differ between classes, or equal posteriors would prove nothing
            float max = 0;
            for (float p : expected) {
                max = Math.max(max, p);
            }
            assertThat(max).isBetween(1.5f / CLASSES, 0.99f);
            for (int c = 0; c < CLASSES; c++) {
                assertThat(actual[c]).as("class %d", c).isCloseTo(expected[c], within(1e-5f));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Pattern.class)
    void shouldGiveTheSourcePosteriorAt224ForEachExportersPattern(Pattern pattern) throws Exception {
        ClassicVgg vgg = new ClassicVgg(pattern, ClassicVgg.A_16, FC, CLASSES, 5);
        vgg.batchNorm = pattern == Pattern.ZOO; // vgg16-bn-7's BatchNormalization after each conv
        Path source = vgg.write(dir.resolve(pattern + ".onnx"), Part.FULL);

        ImportResult r = importOf(source, "auto");

        assertSameAt224(vgg, source, r);
        assertThat(r.layout()).isEqualTo(switch (pattern) {
            case TORCHVISION -> Layout.TORCHVISION;
            case ZOO -> Layout.ZOO;
            case CAFFE -> Layout.CAFFE;
        });
    }

    @Test
    void shouldGiveA2x2ScoreMapAt256WhoseCellsAreTheClassicHeadOnEach7x7WindowOfPool5() throws Exception {
        ClassicVgg vgg = new ClassicVgg(Pattern.TORCHVISION, ClassicVgg.A_16, FC, CLASSES, 11);
        Path source = vgg.write(dir.resolve("tv.onnx"), Part.FULL);
        Path trunk = vgg.write(dir.resolve("trunk.onnx"), Part.TRUNK);
        Path head = vgg.write(dir.resolve("head.onnx"), Part.HEAD);
        ImportResult r = importOf(source, "torchvision");
        Path dense = Ort.withOutput(r.onnx(), "fc8", dir.resolve("dense-with-map.onnx"));

        float[] image = Ort.image(3, 256, 1.0);
        float[] map = Ort.run(dense, DenseGraph.INPUT, image, 1, 3, 256, 256).get("fc8");
        float[] pool5 = Ort.run(trunk, vgg.inputName(), image, 1, 3, 256, 256).values().iterator().next();

        int c5 = vgg.pool5Channels();
        assertThat(map).hasSize(CLASSES * 2 * 2);
        assertThat(pool5).hasSize(c5 * 8 * 8);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                float[] window = new float[c5 * 49];
                for (int c = 0; c < c5; c++) {
                    for (int h = 0; h < 7; h++) {
                        for (int w = 0; w < 7; w++) {
                            window[c * 49 + h * 7 + w] = pool5[c * 64 + (h + i) * 8 + (w + j)];
                        }
                    }
                }
                float[] scores = Ort.run(head, "pool5_in", window, 1, c5, 7, 7).get(vgg.outputName());
                for (int k = 0; k < CLASSES; k++) {
                    assertThat(map[k * 4 + i * 2 + j]).as("class %d cell (%d, %d)", k, i, j)
                            .isCloseTo(scores[k], within(1e-5f * Math.max(1f, Math.abs(scores[k]))));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"batchNorm", "transB0", "reshape", "shapeChain", "flatten", "floatData", "unpackedFloatData",
        "external", "ir3"})
    void shouldImportEachVariantOfTheClassicGraphExactly(String variant) throws Exception {
        // torch 1.x wrote the Shape/Gather/Concat chain at opset 9: the Caffe pattern's opset
        Pattern pattern = variant.equals("flatten") || variant.equals("shapeChain") ? Pattern.CAFFE : Pattern.TORCHVISION;
        ClassicVgg vgg = new ClassicVgg(pattern, ClassicVgg.A_16, FC, CLASSES, 5);
        Map<String, Consumer<ClassicVgg>> set = Map.of(
                "batchNorm", v -> v.batchNorm = true,
                "transB0", v -> {
                    v.transB0 = true;
                    v.alpha = 0.5f;
                    v.beta = 2f;
                },
                "reshape", v -> v.reshape = true,
                "shapeChain", v -> {
                    v.reshape = true;
                    v.shapeChain = true;
                },
                "unpackedFloatData", v -> v.unpackedFloatData = true,
                "flatten", v -> v.reshape = false,
                "floatData", v -> v.floatData = true,
                "external", v -> v.external = true,
                "ir3", v -> v.ir3 = true);
        set.get(variant).accept(vgg);
        Path source = vgg.write(dir.resolve(variant + ".onnx"), Part.FULL);

        ImportResult r = importOf(source, "auto");

        assertSameAt224(vgg, source, r);
    }

    @Test
    void shouldWriteACardWithTheRecognisedConfigLayoutAndSource() throws Exception {
        ClassicVgg vgg = new ClassicVgg(Pattern.CAFFE, ClassicVgg.A_16, FC, CLASSES, 3);
        Path source = vgg.write(dir.resolve("caffe.onnx"), Part.FULL);

        ImportResult r = Importer.run(ImportOptions.of(source, dir.resolve("out")).withClasses(classesFile().toString())
                .withTrainScale(new ModelCard.Scale(256, 512)));

        ModelCard card = ModelCard.read(r.cardFile());
        assertThat(card).isEqualTo(r.card());
        assertThat(card.format()).isEqualTo(ModelCard.FORMAT_2);
        assertThat(card.config()).isEqualTo("A");
        assertThat(card.width()).isEqualTo(1 / 16.0);
        assertThat(card.fc()).isEqualTo(FC);
        assertThat(card.crop()).isEqualTo(224);
        assertThat(card.trainingScale()).isEqualTo(new ModelCard.Scale(256, 512));
        assertThat(card.input()).isEqualTo(Layout.CAFFE.input());
        assertThat(card.meanRgb()).containsExactly(123.68, 116.779, 103.939);
        assertThat(card.source().file()).isEqualTo("caffe.onnx");
        assertThat(card.source().layout()).isEqualTo("caffe");
        assertThat(card.source().sha256()).isEqualTo(DenseGraph.fileSha256(source));
        assertThat(card.stack()).isNull();
        assertThat(card.io()).isEqualTo(new ModelCard.Io("image", "posterior", "feature"));
        assertThat(r.layoutReason()).contains("Softmax 'prob'");
    }

    @Test
    void shouldListACustomStackLayerByLayer() throws Exception {
        int[][] stages = {{4}, {8}, {8}, {16}, {16}};
        ClassicVgg vgg = new ClassicVgg(Pattern.TORCHVISION, stages, FC, CLASSES, 3);
        Path source = vgg.write(dir.resolve("odd.onnx"), Part.FULL);

        ModelCard card = importOf(source, "auto").card();

        assertThat(card.config()).isEqualTo("custom");
        assertThat(card.stack()).containsExactly("conv3-4", "pool", "conv3-8", "pool", "conv3-8", "pool", "conv3-16",
                "pool", "conv3-16", "pool");
        assertThat(card.input()).isEqualTo(Layout.TORCHVISION.input());
        assertThat(card.meanRgb()).containsExactly(123.675, 116.28, 103.53);
    }

    @Test
    void shouldRefuseAResidualGraphNamingTheNode() throws Exception {
        ClassicVgg vgg = new ClassicVgg(Pattern.TORCHVISION, ClassicVgg.A_16, FC, CLASSES, 3);
        vgg.extraOp = "Add";
        Path source = vgg.write(dir.resolve("resnetish.onnx"), Part.FULL);

        assertThatThrownBy(() -> importOf(source, "auto")).isInstanceOf(ImportException.class)
                .hasMessageContaining("'/layer1/Add'").hasMessageContaining("branches");
        assertThat(dir.resolve("out-resnetish.onnx")).doesNotExist();
    }

    @Test
    void shouldRefuseAnUnknownOpNamingItsTypeAndName() throws Exception {
        ClassicVgg vgg = new ClassicVgg(Pattern.TORCHVISION, ClassicVgg.A_16, FC, CLASSES, 3);
        vgg.extraOp = "HardSwish";
        Path source = vgg.write(dir.resolve("odd-op.onnx"), Part.FULL);

        assertThatThrownBy(() -> importOf(source, "auto")).isInstanceOf(ImportException.class)
                .hasMessageContaining("HardSwish '/features/odd'").hasMessageContaining("cannot be converted");
    }

    @Test
    void shouldRefuseAGlobalAveragePoolSayingWhy() throws Exception {
        ClassicVgg vgg = new ClassicVgg(Pattern.TORCHVISION, ClassicVgg.A_16, FC, CLASSES, 3);
        vgg.extraOp = "GlobalAveragePool";
        Path source = vgg.write(dir.resolve("gap.onnx"), Part.FULL);

        assertThatThrownBy(() -> importOf(source, "auto")).isInstanceOf(ImportException.class)
                .hasMessageContaining("GlobalAveragePool '/features/odd' averages pool5 over space");
    }

    @Test
    void shouldRefuseATruncatedFileNamingIt() throws Exception {
        ClassicVgg vgg = new ClassicVgg(Pattern.TORCHVISION, ClassicVgg.A_16, FC, CLASSES, 3);
        Path source = vgg.write(dir.resolve("tv.onnx"), Part.FULL);
        byte[] bytes = Files.readAllBytes(source);
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        assertThatThrownBy(() -> importOf(cut, "auto")).isInstanceOf(MalformedOnnxException.class)
                .hasMessageStartingWith(cut.toString()).hasMessageContaining("running past its message");
    }

    @Test
    void shouldRefuseAClassListOfTheWrongLengthNamingBothCounts() throws Exception {
        ClassicVgg vgg = new ClassicVgg(Pattern.TORCHVISION, ClassicVgg.A_16, FC, CLASSES, 3);
        Path source = vgg.write(dir.resolve("tv.onnx"), Part.FULL);

        assertThatThrownBy(() -> Importer.run(ImportOptions.of(source, dir.resolve("out"))))
                .isInstanceOf(ImportException.class)
                .hasMessageContaining("has 10 outputs").hasMessageContaining("names 1000 classes")
                .extracting(e -> ((ImportException) e).flag()).isEqualTo("--classes");
    }

    @Test
    void shouldRefuseExternalDataOutsideTheModelsFolder() throws Exception {
        ClassicVgg vgg = new ClassicVgg(Pattern.TORCHVISION, ClassicVgg.A_16, FC, CLASSES, 3);
        vgg.external = true;
        Path sub = Files.createDirectories(dir.resolve("model"));
        Path source = vgg.write(sub.resolve("tv.onnx"), Part.FULL);
        Files.copy(sub.resolve("tv.onnx.data"), dir.resolve("secret.data"));
        vgg.externalLocation = "../secret.data";
        vgg.write(source, Part.FULL);

        assertThatThrownBy(() -> importOf(source, "auto")).isInstanceOf(MalformedOnnxException.class)
                .hasMessageContaining("'../secret.data', outside the model's folder");
    }

    @Test
    void shouldRefuseACropThatContradictsTheGraph() throws Exception {
        ClassicVgg vgg = new ClassicVgg(Pattern.TORCHVISION, ClassicVgg.A_16, FC, CLASSES, 3);
        Path source = vgg.write(dir.resolve("tv.onnx"), Part.FULL);

        assertThatThrownBy(() -> Importer.run(ImportOptions.of(source, dir.resolve("out"))
                .withClasses(classesFile().toString()).withCrop(256)))
                .isInstanceOf(ImportException.class).hasMessageContaining("so the crop is 224")
                .extracting(e -> ((ImportException) e).flag()).isEqualTo("--crop");
    }

    @Test
    void shouldRefuseAnOpsetOutside7To18() throws Exception {
        ClassicVgg vgg = new ClassicVgg(Pattern.TORCHVISION, ClassicVgg.A_16, FC, CLASSES, 3);
        Path source = vgg.write(dir.resolve("tv.onnx"), Part.FULL);
        byte[] model = Files.readAllBytes(source);
        // a second opset_import for the default domain: the reader keeps the last, as protobuf maps do
        Path later = dir.resolve("opset19.onnx");
        Files.write(later, model);
        try (var out = Files.newOutputStream(later, java.nio.file.StandardOpenOption.APPEND)) {
            new io.vggstream.onnx.Proto().message(8, new io.vggstream.onnx.Proto().string(1, "").varint(2, 19))
                    .writeTo(out);
        }

        assertThatThrownBy(() -> importOf(later, "auto")).isInstanceOf(ImportException.class)
                .hasMessageContaining("opset 19; the import reads opsets 7 to 18");
    }

    @Test
    void shouldShipImageNetsThousandDistinctClassNames() throws Exception {
        List<String> names = Importer.classes("imagenet", 1000);

        assertThat(names).hasSize(1000).doesNotHaveDuplicates();
        assertThat(names.get(0)).isEqualTo("tench");
        assertThat(names.get(999)).isEqualTo("toilet tissue");
    }
}
