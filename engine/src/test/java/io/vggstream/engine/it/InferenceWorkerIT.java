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

/** Adaptive batching on a real ONNX Runtime session, with virtual time for max-delay. */
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

    private static InferenceWorker.Input in(boolean crop, int h, int w, float[] x) {
        return new InferenceWorker.Input(crop, h, w, x);
    }

    /** A worker and its asker; the asker reads the replies out of the worker's {@link InferenceWorker.Answers} one by one. */
    private record Worker(ActorRef<InferenceWorker.Command> ref, EngineMetrics metrics, TestProbe<InferenceWorker.Answers> answers,
                          java.util.ArrayDeque<InferenceWorker.Reply> unread) {
        void infer(long frame, int h, int w, float[] x) {
            ref.tell(new InferenceWorker.Infer(frame, 0, false, h, w, x, answers.getRef()));
        }

        void infer(long frame, InferenceWorker.Input... inputs) {
            ref.tell(new InferenceWorker.Infer(frame, 0, java.util.List.of(inputs), answers.getRef()));
        }

        /** The next reply, of the class expected. */
        <R extends InferenceWorker.Reply> R next(Class<R> expected) {
            if (unread.isEmpty()) {
                unread.addAll(answers.expectMessageClass(InferenceWorker.Answers.class, Duration.ofSeconds(30)).replies());
            }
            assertThat(unread.peek()).isInstanceOf(expected);
            return expected.cast(unread.poll());
        }

        InferenceWorker.Done done() {
            return next(InferenceWorker.Done.class);
        }

        /** Nothing more: no reply left unread, and no message within {@code wait}. */
        void expectNoMore(Duration wait) {
            assertThat(unread).isEmpty();
            answers.expectNoMessage(wait);
        }
    }

    private static Worker worker(int maxBatch) {
        EngineMetrics metrics = new EngineMetrics(maxBatch);
        ActorRef<InferenceWorker.Command> ref = kit.spawn(InferenceWorker.create(OrtModel.open(model, Device.parse("cpu"), 1),
            maxBatch, DELAY, false, metrics));
        return new Worker(ref, metrics, kit.createTestProbe(), new java.util.ArrayDeque<>());
    }

    @Test
    void shouldRunAFullBatchAtOnceAndAnswerTheFrameOnceWithEveryPosterior() {
        Worker w = worker(3);
        w.infer(0, in(false, 32, 32, input(32, 32, 0)), in(false, 32, 32, input(32, 32, 1)), in(false, 32, 32, input(32, 32, 2)));
        InferenceWorker.Done d = w.done();
        assertThat(d.frameId()).isZero();
        assertThat(d.inputs()).isEqualTo(3);
        for (float[] p : d.posteriors()) {
            assertThat(p).hasSize(TestModels.CLASSES);
        }
        w.expectNoMore(Duration.ofMillis(100));
        assertThat(w.metrics().batchSizeHistogram()[3]).isEqualTo(1);
    }

    @Test
    void shouldRunALoneFrameOnAnIdleWorkerWithoutWaitingForMaxDelay() {
        Worker w = worker(8);
        // No virtual time passes: the part batch runs as soon as the worker has read its mailbox.
        w.infer(7, in(false, 32, 32, input(32, 32, 7)), in(false, 32, 32, input(32, 32, 8)));
        assertThat(w.done().inputs()).isEqualTo(2);
        assertThat(w.metrics().batchSizeHistogram()[2]).isEqualTo(1);
    }

    @Test
    void shouldWaitMaxDelayForCompanyOnlyAfterAFullBatch() {
        Worker w = worker(2);
        w.infer(1, in(false, 32, 32, input(32, 32, 1)), in(false, 32, 32, input(32, 32, 2)));
        w.done();
        // Busy (the last batch was full): a lone input waits for company, at most max-delay.
        w.infer(2, 32, 32, input(32, 32, 3));
        w.expectNoMore(Duration.ofMillis(200));
        time.timePasses(DELAY);
        assertThat(w.done().frameId()).isEqualTo(2L);
        // That batch was partial: the next lone input runs at once.
        w.infer(3, 32, 32, input(32, 32, 4));
        assertThat(w.done().frameId()).isEqualTo(3L);
        assertThat(w.metrics().batchSizeHistogram()[1]).isEqualTo(2);
        assertThat(w.metrics().batchSizeHistogram()[2]).isEqualTo(1);
    }

    @Test
    void shouldAnswerEveryFrameABatchCompletedInOneMessageToTheirAsker() {
        Worker w = worker(2);
        w.infer(1, in(false, 32, 32, input(32, 32, 1)), in(false, 32, 32, input(32, 32, 2)));
        w.done();
        // Busy: the next queue waits for company, so these three frames' inputs run as one batch of two and one of one.
        w.infer(2, 32, 32, input(32, 32, 3));
        w.infer(3, 32, 32, input(32, 32, 4));
        InferenceWorker.Answers both = w.answers().expectMessageClass(InferenceWorker.Answers.class, Duration.ofSeconds(30));
        assertThat(both.replies()).extracting(InferenceWorker.Reply::frameId).containsExactly(2L, 3L);
        assertThat(both.replies()).allSatisfy(r -> assertThat(r).isInstanceOf(InferenceWorker.Done.class));
        w.expectNoMore(Duration.ofMillis(100));
    }

    @Test
    void shouldBatchOnlySameShapedInputsTogetherAndAnswerInInputOrder() {
        Worker w = worker(2);
        float[] a = input(32, 32, 1);
        float[] b = input(32, 40, 2);
        float[] c = input(32, 40, 3);
        w.infer(1, in(true, 32, 32, a), in(false, 32, 40, b), in(false, 32, 40, c));
        // The 32x40 pair fills a batch and runs; the lone 32x32 input's queue opened before it, on an idle worker, and
        // runs once the mailbox is read, without max-delay.
        InferenceWorker.Done d = w.done();
        assertThat(d.crops()).containsExactly(true, false, false);
        assertThat(w.metrics().batchSizeHistogram()[2]).isEqualTo(1);
        assertThat(w.metrics().batchSizeHistogram()[1]).isEqualTo(1);
        // Each posterior is its own input's: the same as that input run alone.
        Worker alone = worker(1);
        for (int k = 0; k < 3; k++) {
            float[] x = k == 0 ? a : k == 1 ? b : c;
            alone.infer(10 + k, 32, k == 0 ? 32 : 40, x); // a batch of one is full: it runs at once
            assertThat(alone.done().posteriors()[0]).containsExactly(d.posteriors()[k], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void shouldFailEveryInputOfAFailedBatchAndGoOn() {
        Worker w = worker(3);
        w.infer(1, in(false, 32, 32, input(32, 32, 1)), in(false, 32, 32, new float[5]), in(false, 32, 32, input(32, 32, 3)));
        InferenceWorker.Failed f = w.next(InferenceWorker.Failed.class);
        assertThat(f.inputs()).isEqualTo(3);
        assertThat(f.reason()).contains("inference failed");
        w.expectNoMore(Duration.ofMillis(100));
        assertThat(w.metrics().failedBatches()).isEqualTo(1);
        // The worker goes on.
        w.infer(4, 32, 32, input(32, 32, 4));
        time.timePasses(DELAY);
        assertThat(w.done().frameId()).isEqualTo(4L);
    }

    @Test
    void shouldAnswerTheInputsOfAFrameThatRanAndThoseThatFailedOnceEach() {
        Worker w = worker(4);
        w.infer(5, in(false, 32, 32, input(32, 32, 5)), in(false, 32, 40, new float[5]));
        InferenceWorker.Done d = w.done();
        InferenceWorker.Failed f = w.next(InferenceWorker.Failed.class);
        assertThat(d.inputs()).isEqualTo(1);
        assertThat(f.inputs()).isEqualTo(1);
        assertThat(f.frameId()).isEqualTo(5L);
        // Both carry the frame's count, which is how the aggregator knows how many to wait for.
        assertThat(d.frameInputs()).isEqualTo(2);
        assertThat(f.frameInputs()).isEqualTo(2);
        w.expectNoMore(Duration.ofMillis(100));
    }

    @Test
    void shouldAnswerWhatStillWaitsWhenTheWorkerStops() {
        Worker w = worker(2);
        w.infer(1, in(false, 32, 32, input(32, 32, 1)), in(false, 32, 32, input(32, 32, 2)));
        w.done();
        w.infer(2, 32, 32, input(32, 32, 3));
        w.expectNoMore(Duration.ofMillis(100));
        kit.stop(w.ref());
        InferenceWorker.Failed f = w.next(InferenceWorker.Failed.class);
        assertThat(f.frameId()).isEqualTo(2L);
        assertThat(f.reason()).contains("stopped");
    }
}
