package io.vggstream.transfer;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is served is what was fitted, at a protocol with several variants an image (multi-scale: three
 * scales, two flips): the default per-variant head, served by the engine per variant with the
 * posteriors averaged, names the same class as the fitted classifier on every held-out image, so the
 * card's served top-1 is the fitted top-1. The paper's averaged descriptor, fitted on the same images,
 * is the control: served per variant, it does not give its fitted answers (the defect this replaced).
 * Real parts: a small real VGG exported by the trainer's code, real Fashion-MNIST images, real ONNX
 * Runtime, LIBLINEAR, the engine's evaluation path.
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
        assertThat(perVariant.measured()).isEqualTo(120);
        // Measured again here, apart from fit-head: the engine's fused posterior per image against the fitted classifier's class.
        Evaluation.Run run = Evaluation.run(CONFIG, settings(), dir.resolve("per-variant"), MULTI_SCALE,
            FitHead.samples(HeadData.open(folder, 0.2, 7).val(), "shop"), i -> { });
        int[] served = new int[run.posteriors().length];
        for (int i = 0; i < served.length; i++) {
            served[i] = FitHead.top1(run.posteriors()[i]);
        }
        assertThat(served).containsExactly(perVariant.fittedPredictions());
        assertThat(perVariant.servedPredictions()).containsExactly(perVariant.fittedPredictions());
        assertThat(perVariant.agreeing()).isEqualTo(perVariant.measured());
        assertThat(perVariant.servedTop1()).isEqualTo(perVariant.fittedTop1());
        assertThat(perVariant.card().accuracy().top1()).isEqualTo(perVariant.fittedTop1());
        assertThat(perVariant.card().head().descriptor()).contains("per-variant").contains("served as fitted");
        assertThat(perVariant.card().recipe()).containsEntry("descriptor", "per-variant");
    }

    @Test
    void shouldNotServeTheAveragedDescriptorsHeadAsFittedWhenAnImageHasSeveralVariants() {
        // The control: had fit-head still fitted on averaged descriptors only, the test above would fail.
        assertThat(averaged.agreeing()).isLessThan(averaged.measured());
        assertThat(averaged.card().head().descriptor()).contains("averaged").contains("best served with single,flips=off");
    }

    private static FitHeadResult fit(Path base, Descriptors.Kind kind, String out) throws Exception {
        return FitHead.run(new FitHeadOptions(CONFIG, settings(), base, folder, dir.resolve(out), MULTI_SCALE, kind,
            LinearHead.Classifier.LOGISTIC, null, 5, 0.2, 7, 1), new PrintWriter(new StringWriter(), true));
    }

    private static EngineSettings settings() {
        return EngineSettings.from(CONFIG).withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))));
    }
}
