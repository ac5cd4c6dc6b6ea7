package io.vggstream.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.ConfigFactory;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.BadInputException;
import io.vggstream.trainer.export.OnnxExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole run on a tiny dataset: files written, Ctrl-C checkpoint, exact resume, export. */
class TrainingTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path data;

    static final TrainerSettings SETTINGS = TrainerSettings.from(ConfigFactory.parseString(
            "djl-cache-dir = \"" + System.getProperty("DJL_CACHE_DIR", "target/djl-cache") + "\"")
            .withFallback(ConfigFactory.defaultReference().getConfig("vggstream.trainer"))).withLoaderThreads(2);

    /** One finished two-epoch run, shared by the tests that only look at what it wrote. */
    static Path finished;
    static Training.Result finishedResult;

    @BeforeAll
    static void trainOnce() throws Exception {
        data = TinyData.write(shared.resolve("tiny"), 480, 100);
        finished = shared.resolve("finished");
        StopSignal stop = StopSignal.manual();
        finishedResult = Training.run(recipe(finished, 2), false, SETTINGS, stop, new Recording(stop, -1, -1));
    }

    static Recipe recipe(Path out, int epochs) {
        return recipe(data, out, epochs);
    }

    static Recipe recipe(Path data, Path out, int epochs) {
        // dropout 0: nothing random left in a step, so a resumed run must equal an uninterrupted one
        return new Recipe("A", 1 / 16.0, 16, data.toString(), 32, "32", epochs, 32, null, "glorot", "normal", 2, 0, 0.9,
                5e-4, 0.0, 0.1, 0, 3, out.toString(), null, null, null);
    }

    /** Records lines; asks the run to stop at a given batch of a given epoch. */
    static class Recording implements Progress {
        final List<String> lines = new ArrayList<>();
        final StopSignal stop;
        final int stopEpoch;
        final int stopBatch;

        Recording(StopSignal stop, int stopEpoch, int stopBatch) {
            this.stop = stop;
            this.stopEpoch = stopEpoch;
            this.stopBatch = stopBatch;
        }

        @Override
        public void update(int epoch, int epochs, int done, int total, double loss, double acc, double ips, double eta) {
            if (epoch == stopEpoch && done == stopBatch) {
                stop.request();
            }
        }

        @Override
        public void println(String line) {
            lines.add(line);
        }
    }

    @Test
    void shouldWriteModelCardMetricsCurveAndCheckpointsWhenTrainingEnds() throws Exception {
        Path out = finished;
        Training.Result result = finishedResult;

        assertThat(result.interrupted()).isFalse();
        assertThat(result.epochs()).isEqualTo(2);
        assertThat(result.stopReason()).contains("limit of 2 epochs");
        assertThat(out.resolve(OnnxExporter.MODEL_FILE)).isNotEmptyFile();
        assertThat(out.resolve(Training.CURVE)).isNotEmptyFile();
        List<String> csv = Files.readAllLines(out.resolve(Training.METRICS));
        assertThat(csv).hasSize(3);
        assertThat(csv.get(0)).isEqualTo(MetricsRow.HEADER);
        ModelCard card = ModelCard.read(out.resolve(ModelCard.FILE_NAME));
        assertThat(card).isEqualTo(result.card());
        assertThat(card.accuracy().images()).isEqualTo(100);
        assertThat(card.accuracy().split()).isEqualTo("test");
        assertThat(card.accuracy().dataset()).isEqualTo("fashion-mnist");
        assertThat(card.accuracy().protocol()).isEqualTo(DenseEvaluation.PROTOCOL);
        assertThat(card.meanRgb().get(0)).isEqualTo(card.meanRgb().get(2));
        assertThat(card.recipe()).containsEntry("init", "glorot").containsEntry("epochs", "2");
        assertThat(Files.readString(out.resolve("checkpoints/latest")).trim()).isEqualTo("e0002");
    }

    @Test
    void shouldCheckpointOnStopAndResumeToTheSameResultAsAnUninterruptedRun() throws Exception {
        Path straight = dir.resolve("straight");
        StopSignal never = StopSignal.manual();
        Training.Result expected = Training.run(recipe(straight, 2), false, SETTINGS, never, new Recording(never, -1, -1));

        Path broken = dir.resolve("broken");
        StopSignal stop = StopSignal.manual();
        Training.Result interrupted = Training.run(recipe(broken, 2), false, SETTINGS, stop, new Recording(stop, 2, 5));

        assertThat(interrupted.interrupted()).isTrue();
        assertThat(interrupted.epochs()).isEqualTo(1);
        assertThat(Files.readString(broken.resolve("checkpoints/latest")).trim()).isEqualTo("e0001-b0000005");
        assertThat(broken.resolve(OnnxExporter.MODEL_FILE)).doesNotExist();

        StopSignal again = StopSignal.manual();
        // flags other than --out are ignored on resume: the stored recipe wins
        Recipe other = new Recipe("E", 1, 8, "elsewhere", 64, null, 70, 1, 1.0, "normal", "normal", 1, 0, 0, 0, 0, 0, 0, 9,
                broken.toString(), null, null, null);
        Training.Result resumed = Training.run(other, true, SETTINGS, again, new Recording(again, -1, -1));

        assertThat(resumed.epochs()).isEqualTo(2);
        assertThat(resumed.history()).hasSize(2);
        MetricsRow a = expected.history().get(1);
        MetricsRow b = resumed.history().get(1);
        assertThat(b.trainLoss()).isCloseTo(a.trainLoss(), within(1e-4));
        assertThat(b.valTop1()).isEqualTo(a.valTop1());
        assertThat(resumed.card().accuracy().top1()).isEqualTo(expected.card().accuracy().top1());
    }

    @Test
    void shouldRefuseToOverwriteARunWithoutResume() {
        StopSignal stop = StopSignal.manual();

        assertThatThrownBy(() -> Training.run(recipe(finished, 1), false, SETTINGS, stop, new Recording(stop, -1, -1)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("already holds a run");
    }

    @Test
    void shouldExportACheckpointWithTheSameWeightsAndAScoredCard() throws Exception {
        ModelCard exported = Training.exportCheckpoint(finished, dir.resolve("exported"), null, true, SETTINGS);

        assertThat(exported.weightsSha256()).isEqualTo(finishedResult.card().weightsSha256());
        assertThat(exported.accuracy()).isEqualTo(finishedResult.card().accuracy());
        assertThat(ModelCard.read(dir.resolve("exported").resolve(ModelCard.FILE_NAME))).isEqualTo(exported);
    }
}
