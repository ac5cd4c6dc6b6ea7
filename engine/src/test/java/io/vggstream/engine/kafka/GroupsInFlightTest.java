package io.vggstream.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The stage's grouping, bound, order and failure, over an answer the test completes by hand, in any order. */
class GroupsInFlightTest {

    private static final ActorTestKit kit = ActorTestKit.create();
    private static final long WAIT_S = 10;

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /** One call of the answer: the group it was given, and the answer the test completes. */
    private record Call(List<Integer> group, CompletableFuture<List<String>> future) {
        void reply() {
            future.complete(group.stream().map(i -> "a" + i).toList());
        }
    }

    /** The answer's calls, in order, for the test to take and complete. */
    private static final class Answers implements Function<List<Integer>, CompletionStage<List<String>>> {
        final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();

        @Override
        public CompletionStage<List<String>> apply(List<Integer> group) {
            Call c = new Call(List.copyOf(group), new CompletableFuture<>());
            calls.add(c);
            return c.future();
        }

        /** The next {@code n} calls, in order. */
        List<Call> next(int n) throws InterruptedException {
            List<Call> calls = new ArrayList<>();
            while (calls.size() < n) {
                calls.add(next());
            }
            return calls;
        }

        Call next() throws InterruptedException {
            Call c = calls.poll(WAIT_S, TimeUnit.SECONDS);
            assertThat(c).as("a group handed to the answer").isNotNull();
            return c;
        }
    }

    private static GroupsInFlight<Integer, String> stage(int maxInFlight, int most, Answers answers) {
        return new GroupsInFlight<>(maxInFlight, most, List::of, answers);
    }

    /** The stage over elements that each weigh {@code weight}, a group at most 100. */
    private static GroupsInFlight<Integer, String> weighed(int maxInFlight, int most, long weight, Answers answers) {
        return new GroupsInFlight<>(maxInFlight, most, i -> weight, 100, List::of, answers);
    }

    /** The groups the calls were given, in order. */
    private static List<List<Integer>> groups(List<Call> calls) {
        return calls.stream().map(Call::group).toList();
    }

    /** What the stream emitted, once it completed (at most {@value #WAIT_S} s). */
    private static <T> T result(CompletionStage<T> out) throws Exception {
        return out.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
    }

    /** 1 to {@code n} through {@code stage}: what comes out, in order. */
    private static CompletionStage<List<String>> run(int n, GroupsInFlight<Integer, String> stage) {
        return Source.from(upTo(n)).via(stage).runWith(Sink.seq(), kit.system());
    }

    /** What the test's answer gives for 1 to {@code n}, in order. */
    private static List<String> answered(int n) {
        return upTo(n).stream().map(i -> "a" + i).toList();
    }

    private static List<Integer> upTo(int n) {
        return IntStream.rangeClosed(1, n).boxed().toList();
    }

    @Test
    void shouldHandEachElementOverAloneWhileTheAnswerHoldsLessThanAGroup() throws Exception {
        Answers answers = new Answers();
        CompletionStage<List<String>> out = run(5, stage(16, 8, answers));
        List<Call> calls = answers.next(5);
        // Light load: each at once, as mapAsync would, none waiting for the others of its burst.
        assertThat(groups(calls)).containsExactly(List.of(1), List.of(2), List.of(3), List.of(4), List.of(5));
        calls.forEach(Call::reply);
        assertThat(result(out)).containsExactly("a1", "a2", "a3", "a4", "a5");
    }

    @Test
    void shouldHandWhatCameTogetherAsOneGroupOnceTheAnswerHoldsAGroupsWorth() throws Exception {
        Answers answers = new Answers();
        CompletionStage<List<String>> out = run(8, stage(16, 4, answers));
        List<Call> calls = answers.next(5);
        // 1-4 went alone; with four in the answer, the rest of the burst waited for the stage's look and went together.
        assertThat(groups(calls))
            .containsExactly(List.of(1), List.of(2), List.of(3), List.of(4), List.of(5, 6, 7, 8));
        calls.forEach(Call::reply);
        assertThat(result(out)).containsExactlyElementsOf(answered(8));
    }

    @Test
    void shouldHandALoneElementOverAtOnceWithoutWaitingForCompany() throws Exception {
        Answers answers = new Answers();
        var run = Source.<Integer>queue(16, OverflowStrategy.backpressure())
            .via(stage(16, 8, answers)).toMat(Sink.seq(), Keep.both()).run(kit.system());
        SourceQueueWithComplete<Integer> queue = run.first();
        result(queue.offer(1));
        // The stream stays open, nothing else comes: the lone element is handed over all the same.
        Call lone = answers.next();
        assertThat(lone.group()).containsExactly(1);
        lone.reply();
        queue.complete();
        assertThat(result(run.second())).containsExactly("a1");
    }

    @Test
    void shouldGroupABurstUpToMostAndEmitInOrderWhenLaterGroupsAnswerFirst() throws Exception {
        Answers answers = new Answers();
        CompletionStage<List<String>> out = run(12, stage(12, 3, answers));
        List<Call> calls = answers.next(6);
        assertThat(groups(calls)).containsExactly(
            List.of(1), List.of(2), List.of(3), List.of(4, 5, 6), List.of(7, 8, 9), List.of(10, 11, 12));
        for (int i = calls.size() - 1; i > 0; i--) {
            calls.get(i).reply();
        }
        assertThat(out.toCompletableFuture().isDone()).isFalse();
        calls.get(0).reply();
        assertThat(result(out)).containsExactlyElementsOf(answered(12));
    }

    @Test
    void shouldGatherAWholeGroupWhileTheBoundIsReachedRatherThanSendEachElementThatLeft() throws Exception {
        Answers answers = new Answers();
        CompletionStage<List<String>> out = run(8, stage(4, 2, answers));
        Call one = answers.next();
        Call two = answers.next();
        Call threeFour = answers.next();
        assertThat(List.of(one.group(), two.group(), threeFour.group())).containsExactly(List.of(1), List.of(2), List.of(3, 4));
        // The bound is reached: 5 and 6 wait. One element leaving is not room for them: they go together once two have.
        one.reply();
        two.reply();
        Call fiveSix = answers.next();
        assertThat(fiveSix.group()).containsExactly(5, 6);
        threeFour.reply();
        fiveSix.reply();
        Call sevenEight = answers.next();
        assertThat(sevenEight.group()).containsExactly(7, 8);
        sevenEight.reply();
        assertThat(result(out)).hasSize(8);
    }

    @Test
    void shouldNeverHoldMoreThanMaxInFlightElements() throws Exception {
        Answers answers = new Answers();
        int maxInFlight = 5;
        CompletionStage<List<String>> out = run(40, stage(maxInFlight, 2, answers));
        List<Call> open = new ArrayList<>();
        List<Integer> handed = new ArrayList<>();
        int replied = 0;
        while (replied < 40) {
            if (open.isEmpty()) {
                open.add(answers.next());
                handed.addAll(open.get(0).group());
            }
            for (Call c = answers.calls.poll(); c != null; c = answers.calls.poll()) {
                open.add(c);
                handed.addAll(c.group());
            }
            // What is handed over and not yet answered never passes the bound.
            assertThat(open.stream().mapToInt(x -> x.group().size()).sum()).isLessThanOrEqualTo(maxInFlight);
            Call oldest = open.remove(0);
            oldest.reply();
            replied += oldest.group().size();
        }
        assertThat(handed).containsExactlyElementsOf(upTo(40));
        assertThat(result(out)).hasSize(40);
    }

    @Test
    void shouldAnswerEachPartOfASplitGroupOnItsOwn() throws Exception {
        Answers answers = new Answers();
        // 5 is held back: alone, between the parts before and after it.
        Function<List<Integer>, List<List<Integer>>> split = g -> {
            int at = g.indexOf(5);
            return at < 0 ? List.of(g) : List.of(g.subList(0, at), List.of(5), g.subList(at + 1, g.size()));
        };
        CompletionStage<List<String>> out = run(8, new GroupsInFlight<>(8, 2, split, answers));
        List<Call> calls = answers.next(6);
        // 1 and 2 alone (light load), then groups of two: [3, 4], then [5, 6] split around 5, then [7, 8].
        assertThat(groups(calls)).containsExactly(
            List.of(1), List.of(2), List.of(3, 4), List.of(5), List.of(6), List.of(7, 8));
        for (int i = calls.size() - 1; i >= 0; i--) {
            calls.get(i).reply();
        }
        assertThat(result(out)).containsExactlyElementsOf(answered(8));
    }

    @Test
    void shouldHandElementsThatFillAGroupAloneOverOneByOneEvenAtTheBound() throws Exception {
        Answers answers = new Answers();
        CompletionStage<List<String>> out = run(6, weighed(4, 2, 100, answers));
        List<Call> calls = answers.next(4);
        // Past the light load too, each goes at once and alone: none waits for the stage's look or for company.
        assertThat(groups(calls)).containsExactly(List.of(1), List.of(2), List.of(3), List.of(4));
        // At the bound, one element leaving is room enough: 5 goes then, without waiting for a group's worth of room.
        calls.get(0).reply();
        Call five = answers.next();
        assertThat(five.group()).containsExactly(5);
        calls.get(1).reply();
        Call six = answers.next();
        assertThat(six.group()).containsExactly(6);
        calls.subList(2, 4).forEach(Call::reply);
        five.reply();
        six.reply();
        assertThat(result(out)).containsExactlyElementsOf(answered(6));
    }

    @Test
    void shouldCutAGroupAtItsWeight() throws Exception {
        Answers answers = new Answers();
        CompletionStage<List<String>> out = run(9, weighed(16, 4, 40, answers));
        List<Call> calls = answers.next(7);
        // 1-4 alone (light load); then what came together, two to a group: a third would weigh 120 of 100.
        assertThat(groups(calls)).containsExactly(
            List.of(1), List.of(2), List.of(3), List.of(4), List.of(5, 6), List.of(7, 8), List.of(9));
        calls.forEach(Call::reply);
        assertThat(result(out)).containsExactlyElementsOf(answered(9));
    }

    @Test
    void shouldFailWhenAnAnswerFails() throws Exception {
        Answers answers = new Answers();
        CompletionStage<List<String>> out = run(2, stage(4, 4, answers));
        answers.next().future().completeExceptionally(new IllegalStateException("engine gone"));
        assertThatThrownBy(() -> result(out))
            .isInstanceOf(ExecutionException.class).hasRootCauseMessage("engine gone");
    }
}
