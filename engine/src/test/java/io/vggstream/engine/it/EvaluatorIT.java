package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.eval.EvaluateOptions;
import io.vggstream.engine.eval.EvaluateResult;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.eval.Evaluator;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.model.VggConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate job as the command runs it: two models under two protocols give a row per model and
 * protocol and the ensemble's per protocol, the table and CSV are written, and a protocol that does
 * not fit a model is refused before any engine starts.
 */
class EvaluatorIT {

    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    Path dir;

    @Test
    void shouldScoreEachModelAndTheirEnsembleUnderEachProtocolAndWriteTheTable() throws Exception {
        try (TestModels.Exported a = TestModels.export(VggConfig.A, 1, dir.resolve("a"), new TrainScale(37, 37));
             TestModels.Exported b = TestModels.export(VggConfig.A, 2, dir.resolve("b"), new TrainScale(37, 37))) {
            List<byte[]> images = List.of(Frames.jpeg(48, 40, 1), Frames.jpeg(40, 48, 2), Frames.jpeg(44, 44, 3));
            StringWriter progress = new StringWriter();
            EvaluateResult result = Evaluator.run(new EvaluateOptions(CONFIG, settings(List.of(a.dir(), b.dir())),
                List.of(Protocol.parse("single"), Protocol.parse("single,flips=off")), samples(images), Optional.of(dir.resolve("out"))),
                new PrintWriter(progress, true));

            assertThat(result.rows()).extracting(Evaluation.Row::models)
                .containsExactly("a", "b", "a + b", "a", "b", "a + b");
            assertThat(result.rows()).allSatisfy(r -> {
                assertThat(r.images()).isEqualTo(3);
                assertThat(r.failed()).isZero();
            });
            assertThat(result.written()).containsExactly(dir.resolve("out/evaluation.md"), dir.resolve("out/evaluation.csv"));
            assertThat(Files.readString(dir.resolve("out/evaluation.md"))).isEqualTo(result.markdown());
            assertThat(Files.readAllLines(dir.resolve("out/evaluation.csv"))).hasSize(1 + 6);
            assertThat(progress.toString()).contains("evaluating a with single on 3 images of three");
        }
    }

    @Test
    void shouldRefuseAProtocolThatDoesNotFitAModelBeforeStartingAnEngine() {
        try (TestModels.Exported a = TestModels.export(VggConfig.A, 1, dir.resolve("a"), new TrainScale(37, 37))) {
            // The model was trained at S 37; a scale below its crop cannot be cropped.
            EvaluateOptions options = new EvaluateOptions(CONFIG, settings(List.of(a.dir())), List.of(Protocol.parse("single,scales=8")),
                samples(List.of(Frames.jpeg(48, 40, 1))), Optional.empty());
            assertThatThrownBy(() -> Evaluator.run(options, new PrintWriter(new StringWriter())))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRefuseOptionsWithoutAModel() {
        assertThatThrownBy(() -> new EvaluateOptions(CONFIG, settings(List.of()), List.of(Protocol.parse("single")),
            samples(List.of()), Optional.empty())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--model");
    }

    private static EngineSettings settings(List<Path> models) {
        return EngineSettings.from(CONFIG).withModels(models)
            .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))));
    }

    private static Evaluation.Samples samples(List<byte[]> images) {
        return new Evaluation.Samples() {
            public int size() {
                return images.size();
            }

            public Evaluation.Sample get(int i) {
                return new Evaluation.Sample(images.get(i), i % 2);
            }

            public String name() {
                return "three";
            }
        };
    }
}
