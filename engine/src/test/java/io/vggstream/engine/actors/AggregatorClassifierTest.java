package io.vggstream.engine.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.api.Classification;
import io.vggstream.engine.api.Served;
import io.vggstream.engine.fusion.Fusion;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.topics.deadletter.ErrorKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The api port over the aggregator: one ask per frame, and a stage that never fails. */
class AggregatorClassifierTest {

    private static final ActorTestKit kit = ActorTestKit.create();
    private static final Served SERVED = new Served(List.of("m"), List.of("a", "b"),
        List.of(new Served.Level(Protocol.parse("single"), List.of(32))));

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void shouldAskTheAggregatorAtTheGivenLevelAndHandBackItsAnswer() throws Exception {
        TestProbe<Aggregator.Command> aggregator = kit.createTestProbe();
        AggregatorClassifier classifier = new AggregatorClassifier(aggregator.getRef(), kit.scheduler(), Duration.ofSeconds(30), SERVED);
        CompletableFuture<Classification> answer = classifier.classify(new byte[] {7}, 1).toCompletableFuture();
        Aggregator.Classify ask = aggregator.expectMessageClass(Aggregator.Classify.class);
        assertThat(ask.level()).isEqualTo(1);
        assertThat(ask.image()).containsExactly(7);
        Classification.Ok ok = new Classification.Ok(new double[] {0.25, 0.75}, List.of(new Fusion.Ranked(1, 0.75)), false, 1, 1, null, 1,
            SERVED);
        ask.replyTo().tell(ok);
        assertThat(answer.get(10, TimeUnit.SECONDS)).isSameAs(ok);
        assertThat(classifier.served()).isEqualTo(SERVED);
    }

    @Test
    void shouldAnswerAnInferenceFailureWhenTheAggregatorDoesNotAnswerInTime() throws Exception {
        TestProbe<Aggregator.Command> silent = kit.createTestProbe();
        AggregatorClassifier classifier = new AggregatorClassifier(silent.getRef(), kit.scheduler(), Duration.ofMillis(100), SERVED);
        Classification answer = classifier.classify(new byte[] {1}).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(answer).isInstanceOfSatisfying(Classification.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.INFERENCE);
            assertThat(f.reason()).contains("no answer from the engine within");
        });
    }
}
