package io.vggstream.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.trainer.data.FashionMnist;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is served is what was fitted, at a protocol with several variants an image (multi-scale: three
 * scales, two flips), for both kinds of head: the per-variant head, served by the engine per variant with
 * the posteriors averaged, and the paper's averaged descriptor, served by the engine averaging the
 * variants' features before the head (its card's {@code head.fusion = features}). Each names the same
 * class as its fitted classifier on every held-out image, so the card's served top-1 is the fitted top-1.
 * The control: the averaged head's model with its card saying {@code posteriors} (what every card meant
 * before the field) does not give its fitted answers. Real parts: a small real VGG exported by the
 * trainer's code, real Fashion-MNIST images, real ONNX Runtime, LIBLINEAR, the engine's evaluation path.
 */
class ServedAsFittedIT {

    private static final Config CONFIG = ConfigFactory.load();
    /** Shirt, T-shirt/top, Pullover, Coat: alike, so that many images are near a boundary and a wrong head shows. */
    private static final List<Integer> LABELS = List.of(6, 0, 2, 4);
    private static final Protocol MULTI_SCALE = Protocol.parse("multi-scale");

    @TempDir
    static Path dir;

    static Path folder;
    static FitHeadResult perVariant;
    static FitHeadResult averaged;

    @BeforeAll
    static void fitBoth() throws Exception {
        FashionMnist train = FashionMnist.load(FashionFolder.DATA, FashionMnist.Split.TRAIN);
        folder = dir.resolve("shop");
        FashionFolder.write(train, LABELS, 0, 30, folder, "train");
        FashionFolder.write(train, LABELS, 30, 30, folder, "val");
        Path base = dir.resolve("base");
        TestModels.export(base).close();
        perVariant = fit(base, Descriptors.Kind.PER_VARIANT, "per-variant");
        averaged = fit(base, Descriptors.Kind.AVERAGED, "averaged");
    }

    @Test
    void shouldServeThePerVariantHeadWithTheFittedAnswerOnEveryImageAtMultiScale() throws Exception {
        assertServedAsFitted(perVariant, "per-variant");
        assertThat(perVariant.card().head().fusion()).isEqualTo("posteriors");
        assertThat(perVariant.card().recipe()).containsEntry("descriptor", "per-variant");
    }

    @Test
    void shouldServeTheAveragedDescriptorsHeadWithTheFittedAnswerOnEveryImageAtMultiScale() throws Exception {
        assertServedAsFitted(averaged, "averaged");
        assertThat(averaged.card().head().fusion()).isEqualTo("features");
        assertThat(averaged.card().head().descriptor()).contains("averaged").contains("served as fitted");
        assertThat(averaged.card().recipe()).containsEntry("descriptor", "averaged");
    }

    @Test
    void shouldNotGiveTheAveragedHeadsFittedAnswersWhenTheEngineAveragesItsPosteriorsInstead() throws Exception {
        // The control: the same graph, its card saying posteriors are fused (what fit-head's averaged models were served with
        // before head.fusion existed). Had the engine not fused the features, the test above would fail as this one does.
        Path copy = dir.resolve("averaged-as-posteriors");
        Files.createDirectories(copy);
        Files.copy(dir.resolve("averaged").resolve("model.onnx"), copy.resolve("model.onnx"));
        String card = Files.readString(dir.resolve("averaged").resolve("model.json"));
        assertThat(card).contains("\"fusion\" : \"features\"");
        Files.writeString(copy.resolve("model.json"), card.replace("\"fusion\" : \"features\"", "\"fusion\" : \"posteriors\""));

        int[] served = served(copy);

        int agreeing = 0;
        for (int i = 0; i < served.length; i++) {
            agreeing += served[i] == averaged.fittedPredictions()[i] ? 1 : 0;
        }
        assertThat(agreeing).isLessThan(averaged.measured());
    }

    /** Measured again here, apart from fit-head: the engine's answer per image against the fitted classifier's class. */
    private static void assertServedAsFitted(FitHeadResult r, String folderName) throws Exception {
        assertThat(r.measured()).isEqualTo(120);
        assertThat(served(dir.resolve(folderName))).containsExactly(r.fittedPredictions());
        assertThat(r.servedPredictions()).containsExactly(r.fittedPredictions());
        assertThat(r.agreeing()).isEqualTo(r.measured());
        // The same images right on both sides; the served figure comes as 1 - error / 100, so equal up to rounding.
        assertThat(r.servedTop1()).isCloseTo(r.fittedTop1(), within(1e-12));
        assertThat(r.card().accuracy().top1()).isCloseTo(r.fittedTop1(), within(1e-12));
        assertThat(r.card().head().descriptor()).contains(folderName).contains("served as fitted");
    }

    private static int[] served(Path model) throws Exception {
        Evaluation.Run run = Evaluation.run(CONFIG, settings(), model, MULTI_SCALE, FitHead.samples(HeadData.open(folder, 0.2, 7).val(), "shop"),
            i -> { });
        int[] served = new int[run.posteriors().length];
        for (int i = 0; i < served.length; i++) {
            served[i] = FitHead.top1(run.posteriors()[i]);
        }
        return served;
    }

    private static FitHeadResult fit(Path base, Descriptors.Kind kind, String out) throws Exception {
        return FitHead.run(new FitHeadOptions(CONFIG, settings(), base, folder, dir.resolve(out), MULTI_SCALE, kind,
            LinearHead.Classifier.LOGISTIC, null, 5, 0.2, 7, 1), new PrintWriter(new StringWriter(), true));
    }

    private static EngineSettings settings() {
        return EngineSettings.from(CONFIG).withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))));
    }
}
