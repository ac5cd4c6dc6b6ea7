package io.vggstream.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.trainer.export.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose loss stops being a number stops at once, exports nothing and keeps its last checkpoint. */
class DivergenceTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path data;

    @BeforeAll
    static void data() throws Exception {
        data = TinyData.write(shared.resolve("tiny"), 480, 100);
    }

    /** TrainingTest's tiny net, which trains well at its default rate. */
    static Recipe recipe(Path out) {
        return new Recipe("A", 1 / 16.0, 16, data.toString(), 32, "32", 2, 32, null, "glorot", "normal", 2, 0, 0.9, 5e-4,
                0.0, 0.1, 0, 3, out.toString(), null, null, null);
    }

    @Test
    void shouldStopNamingEpochStepAndLastFiniteLossWhenTheLossIsNotANumber() {
        // What `vggstream train` prints (and exits 1 with) is this exception's message.
        Path out = dir.resolve("run");
        Recipe recipe = new Recipe("A", 0.0625, 16, data.toString(), 32, "32", 2, 32, 9.9, "normal:5", "glorot", 2, 0, 0.9,
                5e-4, 0.5, 0.1, 0, 1, out.toString(), null, null, null);
        StopSignal stop = StopSignal.manual();
        assertThatThrownBy(() -> Training.run(recipe, false, TrainingTest.SETTINGS.withLoaderThreads(0), stop,
                new TrainingTest.Recording(stop, -1, -1)))
                .isInstanceOfSatisfying(DivergedException.class, e -> assertThat(e.getMessage())
                        .contains("training diverged at epoch 1, step ").contains("last finite loss")
                        .contains("nothing exported").contains("lower --lr"));
        assertThat(out.resolve(OnnxExporter.MODEL_FILE)).doesNotExist();
        assertThat(out.resolve("model.json")).doesNotExist();
    }

    @Test
    void shouldKeepTheLastGoodCheckpointAndHintAtResumeWithALowerRateWhenAResumedRunDiverges() throws Exception {
        Path out = dir.resolve("resumed");
        StopSignal stop = StopSignal.manual();
        Training.run(recipe(out), false, TrainingTest.SETTINGS, stop,
                new TrainingTest.Recording(stop, 2, 1));
        Path good = Checkpoint.locate(out, "--resume");
        List<String> metrics = Files.readAllLines(out.resolve(Training.METRICS));
        assertThat(metrics.get(0)).startsWith("epoch,train_loss,grad_norm,grad_norm_max,");
        String[] epoch1 = metrics.get(1).split(",");
        assertThat(Double.parseDouble(epoch1[2])).isPositive().isFinite();
        assertThat(Double.parseDouble(epoch1[3])).isGreaterThanOrEqualTo(Double.parseDouble(epoch1[2]));

        // The same run resumed with an absurd rate: it blows up within the epoch.
        StopSignal again = StopSignal.manual();
        assertThatThrownBy(() -> Training.run(recipe(out), true, 9.9, TrainingTest.SETTINGS,
                again, new TrainingTest.Recording(again, -1, -1)))
                .isInstanceOfSatisfying(DivergedException.class, e -> {
                    assertThat(e.epoch()).isEqualTo(2);
                    assertThat(e.checkpoint()).isEqualTo(good);
                    assertThat(e.getMessage()).contains("epoch 2").contains("--resume --lr 0.99")
                            .contains(good.toString());
                });
        assertThat(Checkpoint.locate(out, "--resume")).isEqualTo(good);
        assertThat(out.resolve(OnnxExporter.MODEL_FILE)).doesNotExist();
    }
}
