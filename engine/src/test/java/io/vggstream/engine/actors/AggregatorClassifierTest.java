package io.vggstream.engine.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.api.Classification;
import io.vggstream.engine.api.Served;
import io.vggstream.engine.fusion.Fusion;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.topics.deadletter.ErrorKind;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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

    @Test
    void shouldRunTheAnswersDependentsWhereTheAnswerCameFromNotOnANewThreadPerFrame() throws Exception {
        Classification.Ok ok = new Classification.Ok(new double[] {0.25, 0.75}, List.of(new Fusion.Ranked(1, 0.75)), false, 1, 1, null, 1,
            SERVED);
        ActorRef<Aggregator.Command> answering = kit.spawn(Behaviors.receiveMessage(m -> {
            if (m instanceof Aggregator.Classify c) {
                c.replyTo().tell(ok);
            }
            return Behaviors.same();
        }));
        AggregatorClassifier classifier = new AggregatorClassifier(answering, kit.scheduler(), Duration.ofSeconds(30), SERVED);
        for (int i = 0; i < 20; i++) {
            classifier.classify(new byte[] {1}).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        long startedBefore = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
        List<CompletableFuture<String>> ran = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            ran.add(classifier.classify(new byte[] {1}).thenApply(c -> Thread.currentThread().getName()).toCompletableFuture());
        }
        List<String> threads = new ArrayList<>();
        for (CompletableFuture<String> r : ran) {
            threads.add(r.get(10, TimeUnit.SECONDS));
        }
        long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - startedBefore;
        // Scala's converted future would run the dependent on the common pool, or on a thread of its own per call where the
        // machine has 2 cores or fewer.
        assertThat(threads).noneMatch(t -> t.startsWith("ForkJoinPool.commonPool") || t.matches("Thread-\\d+"));
        assertThat(started).as("threads started while 500 frames were answered").isLessThan(10);
    }
}
