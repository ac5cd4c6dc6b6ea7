package io.vggstream.engine.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.pekko.Done;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * {@code mapAsync} over groups: under load, what arrived together goes to {@code answer} as one group, and its answers
 * come out one by one, in the order of the elements. At most {@code maxInFlight} elements are handed to {@code answer}
 * and not yet emitted, counted one by one, and at most {@code most} more wait, taken. While fewer than {@code most} are
 * in the answer (light load), each element goes at once, alone, as with {@code mapAsync}: nothing waits for the rest of
 * its burst, and a group would save little where the answer has cores to spare. From {@code most} on, a group is what
 * the stage took before it next looked (it looks once the elements that came together are in: a message to itself), at
 * most {@code most} elements, and it goes as soon as it fits under the bound; when the bound is reached (the engine is
 * saturated), a group waits until it fits, gathering up to {@code most}, so a saturated engine gets groups of
 * {@code most} rather than one element per element that left. A group also weighs at most {@code maxWeight} (its
 * first element may weigh more, and then goes alone): elements that weigh that much each go one by one, at once and as
 * soon as one fits under the bound, as with {@code mapAsync}. {@code split} may cut a group further (each part answered on
 * its own). A failed answer fails the stage, as {@code mapAsync} does.
 */
final class GroupsInFlight<I, O> extends GraphStage<FlowShape<I, O>> {

    private final int maxInFlight;
    private final int most;
    private final ToLongFunction<I> weight;
    private final long maxWeight;
    private final Function<List<I>, List<List<I>>> split;
    private final Function<List<I>, CompletionStage<List<O>>> answer;
    private final Inlet<I> in = Inlet.create("GroupsInFlight.in");
    private final Outlet<O> out = Outlet.create("GroupsInFlight.out");
    private final FlowShape<I, O> shape = FlowShape.of(in, out);

    /** Elements of no weight: groups bounded by {@code most} alone. */
    GroupsInFlight(int maxInFlight, int most, Function<List<I>, List<List<I>>> split,
                   Function<List<I>, CompletionStage<List<O>>> answer) {
        this(maxInFlight, most, e -> 0, Long.MAX_VALUE, split, answer);
    }

    /**
     * @param maxInFlight elements handed to {@code answer} and not yet emitted, at most
     * @param most elements in one group, and waiting taken, at most
     * @param weight an element's weight (a record's bytes)
     * @param maxWeight a group's weight, at most, but for its first element
     */
    GroupsInFlight(int maxInFlight, int most, ToLongFunction<I> weight, long maxWeight, Function<List<I>, List<List<I>>> split,
                   Function<List<I>, CompletionStage<List<O>>> answer) {
        if (most < 1 || most > maxInFlight) {
            throw new IllegalArgumentException("most " + most + " must be from 1 to maxInFlight " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        this.most = most;
        this.weight = weight;
        this.maxWeight = maxWeight;
        this.split = split;
        this.answer = answer;
    }

    @Override
    public FlowShape<I, O> shape() {
        return shape;
    }

    /** One group handed to {@code answer}: its answers once they came. */
    private final class Group {
        final int size;
        List<O> answers;
        int emitted;

        Group(int size) {
            this.size = size;
        }
    }

    private record Answered<G>(G group, List<?> answers, Throwable failure) {
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private final ArrayDeque<I> pending = new ArrayDeque<>();
            private final ArrayDeque<Group> groups = new ArrayDeque<>();
            /** Elements handed to the answer and not yet emitted. */
            private int dispatched;
            private boolean lookDue;
            private AsyncCallback<Done> look;
            private AsyncCallback<Answered<Group>> answered;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        I element = grab(in);
                        pending.add(element);
                        if (!lookDue) {
                            if (dispatched < most || weight.applyAsLong(element) >= maxWeight) {
                                // Light load, or an element that fills a group alone: at once, as mapAsync would.
                                dispatch();
                                return;
                            }
                            // Behind whatever else has come meanwhile: the elements that came together join this group.
                            lookDue = true;
                            look.invoke(Done.getInstance());
                        }
                        pullIfRoom();
                    }

                    @Override
                    public void onUpstreamFinish() {
                        dispatch();
                        completeIfDone();
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        emit();
                    }
                });
            }

            @Override
            public void preStart() {
                look = createAsyncCallback(done -> {
                    lookDue = false;
                    dispatch();
                });
                answered = createAsyncCallback(this::onAnswered);
                pull(in);
            }

            private void pullIfRoom() {
                if (pending.size() < most && !hasBeenPulled(in) && !isClosed(in)) {
                    pull(in);
                }
            }

            /** Hands over what waits, a group at a time, while it fits under the bound. */
            private void dispatch() {
                while (!pending.isEmpty()) {
                    int n = groupSize();
                    if (dispatched + n > maxInFlight) {
                        break;
                    }
                    dispatched += n;
                    List<I> taken = new ArrayList<>(n);
                    while (taken.size() < n) {
                        taken.add(pending.poll());
                    }
                    for (List<I> part : split.apply(taken)) {
                        if (part.isEmpty()) {
                            continue;
                        }
                        Group g = new Group(part.size());
                        groups.add(g);
                        answer.apply(part).whenComplete((answers, failure) -> answered.invoke(new Answered<>(g, answers, failure)));
                    }
                }
                pullIfRoom();
            }

            /** The next group's size: the waiting elements from the first on, at most {@code most} and {@code maxWeight}. */
            private int groupSize() {
                int n = 0;
                long w = 0;
                for (I e : pending) {
                    w += weight.applyAsLong(e);
                    if (n == most || (n > 0 && w > maxWeight)) {
                        break;
                    }
                    n++;
                }
                return n;
            }

            @SuppressWarnings("unchecked")
            private void onAnswered(Answered<Group> a) {
                if (a.failure() != null) {
                    failStage(a.failure());
                    return;
                }
                if (a.answers() == null || a.answers().size() != a.group().size) {
                    failStage(new IllegalStateException("a group of " + a.group().size + " got "
                        + (a.answers() == null ? "no" : String.valueOf(a.answers().size())) + " answers"));
                    return;
                }
                a.group().answers = (List<O>) a.answers();
                emit();
            }

            private void emit() {
                Group head = groups.peek();
                if (head == null || head.answers == null || !isAvailable(out)) {
                    return;
                }
                push(out, head.answers.get(head.emitted++));
                dispatched--;
                if (head.emitted == head.size) {
                    groups.poll();
                }
                // A group waiting for room goes once it fits (unless a look is due: more of its burst may be coming).
                if (!lookDue) {
                    dispatch();
                }
                completeIfDone();
            }

            private void completeIfDone() {
                if (isClosed(in) && pending.isEmpty() && groups.isEmpty()) {
                    completeStage();
                }
            }
        };
    }
}
