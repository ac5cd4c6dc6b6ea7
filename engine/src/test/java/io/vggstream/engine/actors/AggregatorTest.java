package io.vggstream.engine.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.api.Classification;
import io.vggstream.engine.api.Degradation;
import io.vggstream.engine.api.Served;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.topics.deadletter.ErrorKind;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The aggregator alone, with probes for the preprocessors and virtual time for the deadline. */
class AggregatorTest {

    private static final ActorTestKit kit = ActorTestKit.create(ManualTime.config());
    private static final ManualTime time = ManualTime.get(kit.system());
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private record Setup(ActorRef<Aggregator.Command> aggregator, TestProbe<Preprocessor.Command> pre, TestProbe<Classification> out) {
        Preprocessor.Preprocess classify() {
            aggregator.tell(new Aggregator.Classify(new byte[] {1}, 0, out.getRef()));
            return pre.expectMessageClass(Preprocessor.Preprocess.class);
        }
    }

    private static Setup setup(int models) {
        TestProbe<Preprocessor.Command> pre = kit.createTestProbe();
        TestProbe<Classification> out = kit.createTestProbe();
        return new Setup(kit.spawn(Aggregator.create(models, 2, 2, DEADLINE, pre.getRef())), pre, out);
    }

    @Test
    void shouldAnswerOnceAllVariantsArrived() {
        Setup s = setup(1);
        Preprocessor.Preprocess p = s.classify();
        p.replies().tell(answers(new InferenceWorker.Done(p.frameId(), 0, 2, false, new float[] {0.9f, 0.1f}, null)));
        s.out().expectNoMessage(Duration.ofMillis(50));
        p.replies().tell(answers(new InferenceWorker.Done(p.frameId(), 0, 2, false, new float[] {0.7f, 0.3f}, null)));
        Classification.Ok c = s.out().expectMessageClass(Classification.Ok.class);
        assertThat(c.partial()).isFalse();
        assertThat(c.posterior()[0]).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(c.top().get(0).index()).isZero();
        // Past the deadline nothing more comes: the timer was cancelled.
        time.timePasses(DEADLINE.plusSeconds(1));
        s.out().expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void shouldAnswerEveryFrameWhoseLastRepliesCameInOneAnswers() {
        Setup s = setup(1);
        Preprocessor.Preprocess a = s.classify();
        Preprocessor.Preprocess b = s.classify();
        a.replies().tell(answers(new InferenceWorker.Done(a.frameId(), 0, 2, false, new float[] {0.9f, 0.1f}, null)));
        s.out().expectNoMessage(Duration.ofMillis(50));
        // One batch completed a's second variant and b's only one.
        a.replies().tell(new InferenceWorker.Answers(List.of(
            new InferenceWorker.Done(a.frameId(), 0, 2, false, new float[] {0.7f, 0.3f}, null),
            new InferenceWorker.Done(b.frameId(), 0, 1, false, new float[] {0.2f, 0.8f}, null))));
        Classification.Ok first = s.out().expectMessageClass(Classification.Ok.class);
        Classification.Ok second = s.out().expectMessageClass(Classification.Ok.class);
        assertThat(first.top().get(0).index()).isZero();
        assertThat(first.variants()).isEqualTo(2);
        assertThat(second.top().get(0).index()).isEqualTo(1);
        assertThat(second.partial()).isFalse();
        s.out().expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void shouldCompletePartialAtTheDeadlineWithWhatArrived() {
        Setup s = setup(2);
        Preprocessor.Preprocess p = s.classify();
        p.replies().tell(answers(new InferenceWorker.Done(p.frameId(), 1, 4, false, new float[] {0.2f, 0.8f}, null)));
        time.timePasses(DEADLINE.minusMillis(1));
        s.out().expectNoMessage(Duration.ofMillis(50));
        time.timePasses(Duration.ofMillis(2));
        Classification.Ok c = s.out().expectMessageClass(Classification.Ok.class);
        assertThat(c.partial()).isTrue();
        assertThat(c.variants()).isEqualTo(1);
        assertThat(c.expected()).isEqualTo(4);
        assertThat(c.top().get(0).index()).isEqualTo(1);
        // A late answer is ignored, not answered twice.
        p.replies().tell(answers(new InferenceWorker.Done(p.frameId(), 0, 4, false, new float[] {1f, 0f}, null)));
        s.out().expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void shouldFailAsInferenceWhenNothingArrivedByTheDeadline() {
        Setup s = setup(1);
        s.classify();
        time.timePasses(DEADLINE.plusMillis(1));
        Classification.Failed f = s.out().expectMessageClass(Classification.Failed.class);
        assertThat(f.kind()).isEqualTo(ErrorKind.INFERENCE);
        assertThat(f.reason()).contains("frame-deadline");
    }

    @Test
    void shouldPassARejectionThroughWithItsKind() {
        Setup s = setup(1);
        Preprocessor.Preprocess p = s.classify();
        s.aggregator().tell(new Aggregator.Rejected(p.frameId(), ErrorKind.DECODE, "not an image"));
        assertThat(s.out().expectMessageClass(Classification.Rejected.class).kind()).isEqualTo(ErrorKind.DECODE);
    }

    @Test
    void shouldMarkTheFramePartialWhenABatchFailed() {
        Setup s = setup(1);
        Preprocessor.Preprocess p = s.classify();
        p.replies().tell(answers(new InferenceWorker.Failed(p.frameId(), 0, 2, "boom")));
        p.replies().tell(answers(new InferenceWorker.Done(p.frameId(), 0, 2, false, new float[] {0.5f, 0.5f}, null)));
        assertThat(s.out().expectMessageClass(Classification.Ok.class).partial()).isTrue();
    }

    @Test
    void shouldFuseAFeatureHeadModelsFeaturesAndAnswerPartialWithoutAVariantThatCameWithoutOne() {
        TestProbe<Preprocessor.Command> pre = kit.createTestProbe();
        TestProbe<Classification> out = kit.createTestProbe();
        Served served = new Served(List.of("shop"), List.of("0", "1"), List.of(new Served.Level(Protocol.parse("single"), List.of())));
        io.vggstream.engine.fusion.FeatureHead head = new io.vggstream.engine.fusion.FeatureHead(new float[][] {{4, 0}, {0, 4}},
            new float[] {0, 0}, 1e-12f);
        ActorRef<Aggregator.Command> aggregator = kit.spawn(Aggregator.create(served, List.of(java.util.Optional.of(head)), false, 2, DEADLINE,
            new EngineSettings.Degrade(false, DEADLINE, List.of(), Duration.ZERO), pre.getRef(), new EngineMetrics(1)));
        aggregator.tell(new Aggregator.Classify(new byte[] {1}, 0, out.getRef()));
        Preprocessor.Preprocess p = pre.expectMessageClass(Preprocessor.Preprocess.class);
        // The graph's own posteriors say class 0 twice; the features, averaged, say class 1.
        p.replies().tell(answers(new InferenceWorker.Done(p.frameId(), 0, 3, false, new float[] {0.9f, 0.1f}, new float[] {1, 0})));
        p.replies().tell(answers(new InferenceWorker.Done(p.frameId(), 0, 3, false, new float[] {0.9f, 0.1f}, new float[] {0, 3})));
        p.replies().tell(answers(new InferenceWorker.Done(p.frameId(), 0, 3, false, new float[] {0.9f, 0.1f}, null)));

        Classification.Ok c = out.expectMessageClass(Classification.Ok.class);
        double[] expected = head.posterior(new double[] {1, 3}, 2);
        assertThat(c.posterior()).containsExactly(expected);
        assertThat(c.top().get(0).index()).isEqualTo(1);
        assertThat(c.partial()).isTrue();
        assertThat(c.variants()).isEqualTo(2);
        // Fetched for the head, not asked for by include-features: the answer does not carry them.
        assertThat(c.feature()).isNull();
    }

    @Test
    void shouldStepTheStreamsLevelDownWhenTheirLatencyIsOverBudgetAndLeaveFixedLevelsAlone() {
        TestProbe<Preprocessor.Command> pre = kit.createTestProbe();
        TestProbe<Classification> out = kit.createTestProbe();
        TestProbe<Degradation> degradation = kit.createTestProbe();
        Served served = new Served(List.of("model-0"), List.of("0", "1"), List.of(
            new Served.Level(Protocol.parse("multi-scale"), List.of()), new Served.Level(Protocol.parse("single"), List.of())));
        EngineSettings.Degrade degrade = new EngineSettings.Degrade(true, Duration.ofMillis(100), List.of(), Duration.ZERO);
        ActorRef<Aggregator.Command> aggregator = kit.spawn(Aggregator.create(served, Aggregator.noHeads(served.models().size()), false, 2, DEADLINE, degrade, pre.getRef(), new EngineMetrics(1)));

        // A frame asked for at a fixed level is not the governor's: its latency, however long, steps nothing.
        aggregator.tell(new Aggregator.Classify(new byte[] {1}, 0, out.getRef()));
        Preprocessor.Preprocess fixed = pre.expectMessageClass(Preprocessor.Preprocess.class);
        aggregator.tell(new Aggregator.Rejected(fixed.frameId(), ErrorKind.DECODE, "not an image"));
        out.expectMessageClass(Classification.Rejected.class);
        aggregator.tell(new Aggregator.GetDegradation(degradation.getRef()));
        assertThat(degradation.receiveMessage().level()).isZero();

        // A streamed frame asked for a second ago: its answer is over the 100 ms budget, so the next one is a rung down.
        aggregator.tell(new Aggregator.ClassifyGoverned(new byte[] {1}, System.nanoTime() - 1_000_000_000L, out.getRef()));
        Preprocessor.Preprocess first = pre.expectMessageClass(Preprocessor.Preprocess.class);
        assertThat(first.level()).isZero();
        aggregator.tell(new Aggregator.Rejected(first.frameId(), ErrorKind.DECODE, "not an image"));
        out.expectMessageClass(Classification.Rejected.class);
        aggregator.tell(new Aggregator.GetDegradation(degradation.getRef()));
        Degradation after = degradation.receiveMessage();
        assertThat(after.level()).isEqualTo(1);
        assertThat(after.latencyMs()).isGreaterThanOrEqualTo(1000);
        assertThat(after.steps()).isEqualTo(1);
        aggregator.tell(new Aggregator.ClassifyGoverned(new byte[] {1}, System.nanoTime(), out.getRef()));
        assertThat(pre.expectMessageClass(Preprocessor.Preprocess.class).level()).isEqualTo(1);
        aggregator.tell(new Aggregator.Classify(new byte[] {1}, 0, out.getRef()));
        assertThat(pre.expectMessageClass(Preprocessor.Preprocess.class).level()).as("a fixed level stays fixed").isZero();
    }

    @Test
    void shouldAnswerAGroupOnceInItsOrderWhenItsLastFrameIsAnswered() {
        Setup s = setup(1);
        TestProbe<List<Classification>> group = kit.createTestProbe();
        s.aggregator().tell(new Aggregator.ClassifyGovernedAll(List.of(new byte[] {1}, new byte[] {2}, new byte[] {3}), System.nanoTime(),
            group.getRef()));
        Preprocessor.Preprocess a = s.pre().expectMessageClass(Preprocessor.Preprocess.class);
        Preprocessor.Preprocess b = s.pre().expectMessageClass(Preprocessor.Preprocess.class);
        Preprocessor.Preprocess c = s.pre().expectMessageClass(Preprocessor.Preprocess.class);
        assertThat(List.of(a.image()[0], b.image()[0], c.image()[0])).containsExactly((byte) 1, (byte) 2, (byte) 3);
        // Answered out of order: the last first, then a rejection, then the first.
        c.replies().tell(answers(new InferenceWorker.Done(c.frameId(), 0, 1, false, new float[] {0.2f, 0.8f}, null)));
        s.aggregator().tell(new Aggregator.Rejected(b.frameId(), ErrorKind.DECODE, "not an image"));
        group.expectNoMessage(Duration.ofMillis(50));
        a.replies().tell(answers(new InferenceWorker.Done(a.frameId(), 0, 1, false, new float[] {0.9f, 0.1f}, null)));
        List<Classification> answers = group.receiveMessage();
        assertThat(answers).hasSize(3);
        assertThat(((Classification.Ok) answers.get(0)).top().get(0).index()).isZero();
        assertThat(((Classification.Rejected) answers.get(1)).kind()).isEqualTo(ErrorKind.DECODE);
        assertThat(((Classification.Ok) answers.get(2)).top().get(0).index()).isEqualTo(1);
        // The group's deadline timer went with its answer.
        time.timePasses(DEADLINE.plusSeconds(1));
        group.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void shouldAnswerAGroupAtItsDeadlineWithWhatArrived() {
        Setup s = setup(1);
        TestProbe<List<Classification>> group = kit.createTestProbe();
        s.aggregator().tell(new Aggregator.ClassifyGovernedAll(List.of(new byte[] {1}, new byte[] {2}), System.nanoTime(), group.getRef()));
        Preprocessor.Preprocess a = s.pre().expectMessageClass(Preprocessor.Preprocess.class);
        s.pre().expectMessageClass(Preprocessor.Preprocess.class);
        a.replies().tell(answers(new InferenceWorker.Done(a.frameId(), 0, 2, false, new float[] {0.9f, 0.1f}, null)));
        time.timePasses(DEADLINE.minusMillis(1));
        group.expectNoMessage(Duration.ofMillis(50));
        time.timePasses(Duration.ofMillis(2));
        List<Classification> answers = group.receiveMessage();
        Classification.Ok first = (Classification.Ok) answers.get(0);
        assertThat(first.partial()).isTrue();
        assertThat(first.variants()).isEqualTo(1);
        assertThat(((Classification.Failed) answers.get(1)).kind()).isEqualTo(ErrorKind.INFERENCE);
        group.expectNoMessage(Duration.ofMillis(50));
    }

    private static InferenceWorker.Answers answers(InferenceWorker.Reply reply) {
        return new InferenceWorker.Answers(java.util.List.of(reply));
    }
}
