package io.vggstream.engine.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.ProducerMessage;
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
 * Produces each element's records in the order the elements come, and emits the elements' contexts (the input offsets) once
 * every record before them and their own are acknowledged, in that order, as lists of what was acknowledged since the last
 * emission. At least once: a context is emitted only after its records were written. A failed send fails the stage with the
 * producer's exception (as the connector's producer flow does by default); what was not acknowledged is never emitted, so
 * never committed, and is consumed again.
 *
 * <p>It replaces the connector's {@code Producer.flowWithContext} on the engine's at-least-once path (issue 13). That flow
 * runs as an island of its own on the connector's dispatcher, so every frame crossed into it and back, and every
 * acknowledgement reached it as two messages; measured in enrichment (c'), the connector's pool (that island and the
 * consumer actor) woke about one thread a frame, and the engine's two Pekko pools together woke one fewer a frame
 * with this stage (docs/results/2026-12-05-produce-in-order.md). Here the sends happen in the stream's own island, and
 * the producer's network thread wakes the stage once per burst of acknowledgements, however many records it holds.
 *
 * <p>The stage owns its producer: made when the stage starts, closed when it stops, within {@code closeTimeout} when every
 * record was acknowledged and at once when some were not (a failure or a cancel: their offsets are never committed, so
 * those frames are consumed again).
 *
 * @param <C> an element's context, emitted once its records are acknowledged
 */
public final class ProduceInOrder<K, V, C> extends GraphStage<FlowShape<Pair<ProducerMessage.Envelope<K, V, NotUsed>, C>, List<C>>> {

    /**
     * The most elements held (sent and not yet acknowledged, or acknowledged and not yet taken downstream) before the stage
     * stops pulling. The engine bounds frames in flight upstream (max-in-flight); this only bounds what a broker that stopped
     * acknowledging, or a committer that stopped taking offsets, can pile up here.
     */
    static final int MAX_HELD = 4096;

    private final Inlet<Pair<ProducerMessage.Envelope<K, V, NotUsed>, C>> in = Inlet.create("ProduceInOrder.in");
    private final Outlet<List<C>> out = Outlet.create("ProduceInOrder.out");
    private final FlowShape<Pair<ProducerMessage.Envelope<K, V, NotUsed>, C>, List<C>> shape = FlowShape.of(in, out);
    private final Supplier<Producer<K, V>> producers;
    private final Duration closeTimeout;
    private final LongConsumer produced;

    /**
     * @param producers makes the stage's producer when it starts
     * @param produced told, per element, the nanoseconds from its send to the stage seeing its last acknowledgement
     */
    public ProduceInOrder(Supplier<Producer<K, V>> producers, Duration closeTimeout, LongConsumer produced) {
        this.producers = producers;
        this.closeTimeout = closeTimeout;
        this.produced = produced;
    }

    @Override
    public FlowShape<Pair<ProducerMessage.Envelope<K, V, NotUsed>, C>, List<C>> shape() {
        return shape;
    }

    /** One element sent: its context, and how many of its records are not yet acknowledged. */
    private static final class Sent<C> {
        final C context;
        final long sentNanos;
        final AtomicInteger unacknowledged;
        volatile Exception failure;

        Sent(C context, int records, long sentNanos) {
            this.context = context;
            this.sentNanos = sentNanos;
            this.unacknowledged = new AtomicInteger(records);
        }
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private final ArrayDeque<Sent<C>> sent = new ArrayDeque<>();
            /** Set by the first acknowledgement after the stage last looked: the rest of a burst sends no message. */
            private final AtomicBoolean signalled = new AtomicBoolean();
            private AsyncCallback<NotUsed> acknowledged;
            private Producer<K, V> producer;
            private List<C> ready = new ArrayList<>();

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        Pair<ProducerMessage.Envelope<K, V, NotUsed>, C> e = grab(in);
                        send(e.first(), e.second());
                        pullIfRoom();
                    }

                    @Override
                    public void onUpstreamFinish() {
                        completeIfDone();
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        emit();
                        pullIfRoom();
                        completeIfDone();
                    }
                });
            }

            @Override
            public void preStart() {
                acknowledged = createAsyncCallback(x -> drain());
                producer = producers.get();
                pull(in);
            }

            @Override
            public void postStop() {
                if (producer != null) {
                    producer.close(sent.isEmpty() ? closeTimeout : Duration.ZERO);
                }
            }

            private void send(ProducerMessage.Envelope<K, V, NotUsed> envelope, C context) {
                List<ProducerRecord<K, V>> records = records(envelope);
                Sent<C> s = new Sent<>(context, records.size(), System.nanoTime());
                sent.add(s);
                for (ProducerRecord<K, V> r : records) {
                    // Called on the producer's network thread; an ApiException comes here too, not thrown from send.
                    producer.send(r, (metadata, exception) -> {
                        if (exception != null) {
                            s.failure = exception;
                        }
                        if (s.unacknowledged.decrementAndGet() == 0 && signalled.compareAndSet(false, true)) {
                            acknowledged.invoke(NotUsed.getInstance());
                        }
                    });
                }
                if (records.isEmpty()) {
                    drain();
                }
            }

            /** The acknowledged elements at the head, in order, into {@code ready}; then emit, pull or complete. */
            private void drain() {
                signalled.set(false);
                long now = System.nanoTime();
                while (!sent.isEmpty() && sent.peekFirst().unacknowledged.get() == 0) {
                    Sent<C> s = sent.pollFirst();
                    if (s.failure != null) {
                        failStage(s.failure);
                        return;
                    }
                    produced.accept(now - s.sentNanos);
                    ready.add(s.context);
                }
                if (isAvailable(out)) {
                    emit();
                }
                pullIfRoom();
                completeIfDone();
            }

            private void emit() {
                if (!ready.isEmpty()) {
                    List<C> batch = ready;
                    ready = new ArrayList<>();
                    push(out, batch);
                }
            }

            private void pullIfRoom() {
                if (!isClosed(in) && !hasBeenPulled(in) && sent.size() + ready.size() < MAX_HELD) {
                    pull(in);
                }
            }

            private void completeIfDone() {
                if (isClosed(in) && sent.isEmpty() && ready.isEmpty()) {
                    completeStage();
                }
            }
        };
    }

    private static <K, V> List<ProducerRecord<K, V>> records(ProducerMessage.Envelope<K, V, NotUsed> envelope) {
        if (envelope instanceof ProducerMessage.Message<K, V, NotUsed> m) {
            return List.of(m.record());
        }
        if (envelope instanceof ProducerMessage.MultiMessage<K, V, NotUsed> m) {
            return scala.jdk.javaapi.CollectionConverters.asJava(m.records());
        }
        // A pass-through: nothing to write, its context goes on once those before it are acknowledged.
        return List.of();
    }
}
