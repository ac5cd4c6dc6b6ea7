package io.vggstream.engine.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.preprocess.ImageLimits;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.testing.Frames;
import io.vggstream.topics.deadletter.ErrorKind;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Whatever preprocessing throws is the frame's own dead letter, answered at once; the actor goes on. A frame's variants
 * spread over the model's workers, each worker getting the ones it drew in one message.
 */
class PreprocessorTest {

    private static final ActorTestKit kit = ActorTestKit.create();

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void shouldRejectAFrameAsPreprocessAtOnceWhenPreprocessingThrows() {
        // A plan whose crop (64) is larger than its Q (32): the grid's windows fall outside the image and the
        // tensor code throws. The checks do not foresee it; the frame must still get its answer now.
        Plan broken = new Plan(0, List.of(32), false, false, true, 64, new float[] {0, 0, 0});
        TestProbe<InferenceWorker.Command> worker = kit.createTestProbe();
        TestProbe<Aggregator.Command> aggregator = kit.createTestProbe();
        TestProbe<InferenceWorker.Answers> replies = kit.createTestProbe();
        ActorRef<Preprocessor.Command> pre = kit.spawn(Preprocessor.create(List.of(List.of(broken)), List.of(List.of(worker.getRef())),
            ImageLimits.of(40_000_000L, 8), false, new EngineMetrics(8)));

        pre.tell(new Preprocessor.Preprocess(1, Frames.png(40, 40, 1), 0, aggregator.getRef(), replies.getRef()));
        // Generous: the first frame loads OpenCV's natives, which takes seconds on a busy machine; the point is that the
        // answer comes from the preprocessor itself, not after frame-deadline from an aggregator (not in this test).
        Aggregator.Rejected r = aggregator.expectMessageClass(Aggregator.Rejected.class, java.time.Duration.ofSeconds(60));
        assertThat(r.frameId()).isEqualTo(1);
        assertThat(r.kind()).isEqualTo(ErrorKind.PREPROCESS);
        assertThat(r.reason()).contains("IllegalArgumentException").contains("not inside");

        // The same actor answers the next frame (no restart lost it): a bad one with its own kind.
        pre.tell(new Preprocessor.Preprocess(2, "P6\n100000 100000\n255\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0,
            aggregator.getRef(), replies.getRef()));
        Aggregator.Rejected format = aggregator.expectMessageClass(Aggregator.Rejected.class, java.time.Duration.ofSeconds(60));
        assertThat(format.frameId()).isEqualTo(2);
        assertThat(format.kind()).isEqualTo(ErrorKind.FORMAT);
        worker.expectNoMessage(java.time.Duration.ofMillis(50));
    }

    @Test
    void shouldSpreadAFramesVariantsOverTheWorkersInOneInferEach() {
        // Two scales with flips: four variants, two for each of two workers, each pair in one Infer.
        Plan plan = new Plan(0, List.of(32, 37), true, true, false, 32, new float[] {0, 0, 0});
        TestProbe<InferenceWorker.Command> first = kit.createTestProbe();
        TestProbe<InferenceWorker.Command> second = kit.createTestProbe();
        TestProbe<Aggregator.Command> aggregator = kit.createTestProbe();
        TestProbe<InferenceWorker.Answers> replies = kit.createTestProbe();
        ActorRef<Preprocessor.Command> pre = kit.spawn(Preprocessor.create(List.of(List.of(plan)),
            List.of(List.of(first.getRef(), second.getRef())), ImageLimits.of(40_000_000L, 8), false, new EngineMetrics(8)));

        for (long frame = 1; frame <= 2; frame++) {
            pre.tell(new Preprocessor.Preprocess(frame, Frames.png(28, 28, (int) frame), 0, aggregator.getRef(), replies.getRef()));
            for (TestProbe<InferenceWorker.Command> worker : List.of(first, second)) {
                // Generous: the first frame loads OpenCV's natives.
                InferenceWorker.Infer infer = worker.expectMessageClass(InferenceWorker.Infer.class, java.time.Duration.ofSeconds(60));
                assertThat(infer.frameId()).isEqualTo(frame);
                assertThat(infer.frameInputs()).isEqualTo(4);
                // One input of each scale: the variants alternate between the workers.
                assertThat(infer.inputs()).extracting(InferenceWorker.Input::h).containsExactlyInAnyOrder(32, 37);
            }
        }
        first.expectNoMessage(java.time.Duration.ofMillis(50));
        second.expectNoMessage(java.time.Duration.ofMillis(50));
        // The count travels with the Infers and their replies: the aggregator hears nothing of a usable frame.
        aggregator.expectNoMessage(java.time.Duration.ofMillis(50));
    }
}
