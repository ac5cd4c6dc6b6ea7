package io.vggstream.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The stage's ordering and failure rules, over a producer whose acknowledgements the test gives by hand, in any order. */
class ProduceInOrderTest {

    private static final ActorTestKit kit = ActorTestKit.create();
    private static final long WAIT_S = 10;

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /** Keeps each send's callback for the test to call; acknowledges nothing by itself. */
    private static final class HandAcked extends MockProducer<String, String> {
        final BlockingQueue<Callback> callbacks = new LinkedBlockingQueue<>();

        HandAcked() {
            super(false, null, new StringSerializer(), new StringSerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, String> record, Callback callback) {
            callbacks.add(callback);
            return new CompletableFuture<>();
        }

        List<Callback> sent(int n) throws InterruptedException {
            List<Callback> l = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callback c = callbacks.poll(WAIT_S, TimeUnit.SECONDS);
                assertThat(c).as("send %d of %d", i + 1, n).isNotNull();
                l.add(c);
            }
            return l;
        }
    }

    private static final RecordMetadata META = new RecordMetadata(new TopicPartition("out", 0), 0, 0, 0, 0, 0);

    private static Pair<ProducerMessage.Envelope<String, String, NotUsed>, Long> element(long offset) {
        return Pair.create(ProducerMessage.single(new ProducerRecord<>("out", "k", "v" + offset)), offset);
    }

    private static CompletionStage<Done> run(HandAcked producer, Iterable<Pair<ProducerMessage.Envelope<String, String, NotUsed>, Long>> in,
                                             BlockingQueue<List<Long>> emitted) {
        return Source.from(in)
            .via(new ProduceInOrder<String, String, Long>(() -> producer, Duration.ofSeconds(1), nanos -> { }))
            .runWith(Sink.foreach(emitted::add), kit.system());
    }

    @Test
    void shouldEmitAnOffsetOnlyOnceItAndEveryOffsetBeforeItWereAcknowledged() throws Exception {
        HandAcked producer = new HandAcked();
        BlockingQueue<List<Long>> emitted = new LinkedBlockingQueue<>();
        CompletionStage<Done> done = run(producer, List.of(element(1), element(2), element(3)), emitted);
        List<Callback> acks = producer.sent(3);

        acks.get(2).onCompletion(META, null);
        acks.get(0).onCompletion(META, null);
        // 3 is acknowledged but waits for 2: only 1 can go.
        assertThat(emitted.poll(WAIT_S, TimeUnit.SECONDS)).containsExactly(1L);
        assertThat(done.toCompletableFuture().isDone()).as("completes only once every send is acknowledged").isFalse();

        acks.get(1).onCompletion(META, null);
        assertThat(emitted.poll(WAIT_S, TimeUnit.SECONDS)).containsExactly(2L, 3L);
        done.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
        assertThat(emitted).isEmpty();
        assertThat(producer.closed()).as("the stage closes the producer it made").isTrue();
    }

    @Test
    void shouldFailWithTheProducersErrorAndNeverEmitTheFailedOffsetOrAnyAfterIt() throws Exception {
        HandAcked producer = new HandAcked();
        BlockingQueue<List<Long>> emitted = new LinkedBlockingQueue<>();
        CompletionStage<Done> done = run(producer, List.of(element(1), element(2), element(3)), emitted);
        List<Callback> acks = producer.sent(3);

        acks.get(0).onCompletion(META, null);
        assertThat(emitted.poll(WAIT_S, TimeUnit.SECONDS)).containsExactly(1L);
        acks.get(2).onCompletion(META, null);
        acks.get(1).onCompletion(null, new org.apache.kafka.common.errors.RecordTooLargeException("too large for the topic"));

        assertThatThrownBy(() -> done.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasRootCauseInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);
        assertThat(emitted).as("2 failed; 3 after it is never emitted, so never committed").isEmpty();
        assertThat(producer.closed()).isTrue();
    }

    @Test
    void shouldPassAnElementWithNothingToProduceOnInItsTurn() throws Exception {
        HandAcked producer = new HandAcked();
        BlockingQueue<List<Long>> emitted = new LinkedBlockingQueue<>();
        List<Pair<ProducerMessage.Envelope<String, String, NotUsed>, Long>> in = List.of(element(1),
            Pair.create(ProducerMessage.<String, String, NotUsed>passThrough(NotUsed.getInstance()), 2L), element(3));
        CompletionStage<Done> done = run(producer, in, emitted);
        List<Callback> acks = producer.sent(2);

        acks.get(1).onCompletion(META, null);
        acks.get(0).onCompletion(META, null);
        done.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
        List<Long> all = new ArrayList<>();
        emitted.forEach(all::addAll);
        assertThat(all).containsExactly(1L, 2L, 3L);
    }

    @Test
    void shouldStopPullingAtTheBoundOfHeldElementsAndTakeOneMoreForEachAcknowledged() throws Exception {
        HandAcked producer = new HandAcked();
        BlockingQueue<List<Long>> emitted = new LinkedBlockingQueue<>();
        AtomicInteger pulled = new AtomicInteger();
        int offered = ProduceInOrder.MAX_HELD + 1000;
        // The stage pulls the iterator itself (fused, no buffer between): each next() is one element the stage asked for.
        Iterable<Pair<ProducerMessage.Envelope<String, String, NotUsed>, Long>> counted = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pulled.get() < offered;
            }

            @Override
            public Pair<ProducerMessage.Envelope<String, String, NotUsed>, Long> next() {
                return element(pulled.getAndIncrement());
            }
        };
        run(producer, counted, emitted);
        List<Callback> acks = producer.sent(ProduceInOrder.MAX_HELD);

        acks.get(0).onCompletion(META, null);
        assertThat(emitted.poll(WAIT_S, TimeUnit.SECONDS)).containsExactly(0L);
        producer.sent(1);
        assertThat(pulled.get()).as("the bound, plus one for the one acknowledged and taken").isEqualTo(ProduceInOrder.MAX_HELD + 1);
    }
}
