package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.actors.InferenceWorker;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dynamic batching on a real ONNX Runtime session, with virtual time for max-delay. */
class InferenceWorkerIT {

    private static final ActorTestKit kit = ActorTestKit.create(ManualTime.config());
    private static final ManualTime time = ManualTime.get(kit.system());
    private static final Duration DELAY = Duration.ofMillis(50);

    @TempDir
    static Path dir;

    private static TestModels.Exported exported;
    private static Model model;

    @BeforeAll
    static void export() {
        exported = TestModels.export(dir.resolve("m"));
        model = Model.load(exported.dir());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
        exported.close();
    }

    private static float[] input(int h, int w, long seed) {
        Random r = new Random(seed);
        float[] x = new float[3 * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 60);
        }
        return x;
    }

    private record Worker(ActorRef<InferenceWorker.Command> ref, EngineMetrics metrics, TestProbe<InferenceWorker.Reply> replies) {
        void infer(long frame, int h, int w, float[] x) {
            ref.tell(new InferenceWorker.Infer(frame, 0, false, h, w, x, replies.getRef()));
        }
    }

    private static Worker worker(int maxBatch) {
        EngineMetrics metrics = new EngineMetrics(maxBatch);
        ActorRef<InferenceWorker.Command> ref = kit.spawn(InferenceWorker.create(OrtModel.open(model, Device.parse("cpu"), 1),
            maxBatch, DELAY, false, metrics));
        return new Worker(ref, metrics, kit.createTestProbe());
    }

    @Test
    void shouldRunAFullBatchAtOnceAndAnswerEachInputOnce() {
        Worker w = worker(3);
        for (int i = 0; i < 3; i++) {
            w.infer(i, 32, 32, input(32, 32, i));
        }
        java.util.Set<Long> answered = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            InferenceWorker.Done d = w.replies().expectMessageClass(InferenceWorker.Done.class, Duration.ofSeconds(30));
            assertThat(d.posterior()).hasSize(TestModels.CLASSES);
            answered.add(d.frameId());
        }
        assertThat(answered).containsExactlyInAnyOrder(0L, 1L, 2L);
        assertThat(w.metrics().batchSizeHistogram()[3]).isEqualTo(1);
    }

    @Test
    void shouldCloseAPartBatchOnlyAtMaxDelay() {
        Worker w = worker(4);
        w.infer(7, 32, 32, input(32, 32, 7));
        w.infer(8, 32, 32, input(32, 32, 8));
        w.replies().expectNoMessage(Duration.ofMillis(200));
        time.timePasses(DELAY);
        w.replies().expectMessageClass(InferenceWorker.Done.class, Duration.ofSeconds(30));
        w.replies().expectMessageClass(InferenceWorker.Done.class, Duration.ofSeconds(30));
        assertThat(w.metrics().batchSizeHistogram()[2]).isEqualTo(1);
    }

    @Test
    void shouldBatchOnlySameShapedInputsTogether() {
        Worker w = worker(2);
        w.infer(1, 32, 32, input(32, 32, 1));
        w.infer(2, 32, 40, input(32, 40, 2));
        w.replies().expectNoMessage(Duration.ofMillis(200));
        w.infer(3, 32, 40, input(32, 40, 3));
        assertThat(w.replies().expectMessageClass(InferenceWorker.Done.class, Duration.ofSeconds(30)).frameId()).isIn(2L, 3L);
        assertThat(w.replies().expectMessageClass(InferenceWorker.Done.class, Duration.ofSeconds(30)).frameId()).isIn(2L, 3L);
        time.timePasses(DELAY);
        assertThat(w.replies().expectMessageClass(InferenceWorker.Done.class, Duration.ofSeconds(30)).frameId()).isEqualTo(1L);
    }

    @Test
    void shouldFailEveryInputOfAFailedBatch() {
        Worker w = worker(3);
        w.infer(1, 32, 32, input(32, 32, 1));
        w.infer(2, 32, 32, new float[5]);
        w.infer(3, 32, 32, input(32, 32, 3));
        for (int i = 0; i < 3; i++) {
            InferenceWorker.Failed f = w.replies().expectMessageClass(InferenceWorker.Failed.class, Duration.ofSeconds(30));
            assertThat(f.reason()).contains("inference failed");
        }
        assertThat(w.metrics().failedBatches()).isEqualTo(1);
        // The worker goes on.
        w.infer(4, 32, 32, input(32, 32, 4));
        time.timePasses(DELAY);
        assertThat(w.replies().expectMessageClass(InferenceWorker.Done.class, Duration.ofSeconds(30)).frameId()).isEqualTo(4L);
    }
}
