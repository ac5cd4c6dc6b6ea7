package io.vggstream.engine.actors;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.model.VggConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model watcher under its supervisor's restart, with a real replacement loading: the
 * restarted-away incarnation's loader thread ends and none of the sessions it opened stays open
 * unless it was swapped into a worker; the restarted watcher loads the replacement again.
 */
class ModelWatcherRestartIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final ActorTestKit kit = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /** What the test sends to make the watcher throw: the supervisor then restarts it. */
    private record Crash() {
    }

    /**
     * Passes the watcher's own messages through, throws on {@link Crash}, and tells the probe once
     * the watcher has handled its {@code PreRestart} (so the restart is observed, not slept on).
     */
    @SuppressWarnings("unchecked")
    private static final class CrashOnDemand extends BehaviorInterceptor<Object, ModelWatcher.Command> {
        private final ActorRef<String> restarts;

        CrashOnDemand(ActorRef<String> restarts) {
            super(Object.class);
            this.restarts = restarts;
        }

        @Override
        public Behavior<ModelWatcher.Command> aroundReceive(TypedActorContext<Object> ctx, Object msg, ReceiveTarget<ModelWatcher.Command> target) {
            if (msg instanceof Crash) {
                throw new IllegalStateException("crash asked for by the test");
            }
            // Passed through unchanged, not cast: the watcher's timer messages are Pekko's own type until its timer unwraps them.
            @SuppressWarnings("unchecked")
            ReceiveTarget<Object> any = (ReceiveTarget<Object>) (ReceiveTarget<?>) target;
            return (Behavior<ModelWatcher.Command>) (Behavior<?>) any.apply(ctx, msg);
        }

        @Override
        public Behavior<ModelWatcher.Command> aroundSignal(TypedActorContext<Object> ctx, Signal signal, SignalTarget<ModelWatcher.Command> target) {
            Behavior<ModelWatcher.Command> next = target.apply(ctx, signal);
            if (signal instanceof PreRestart) {
                restarts.tell("restarted");
            }
            return next;
        }
    }

    @Test
    void shouldEndItsLoaderThreadAndCloseUnswappedSessionsWhenRestartedMidLoad() throws Exception {
        try (TestModels.Exported a = TestModels.export(VggConfig.A, 1, dir.resolve("a"), new TrainScale(37, 37));
             TestModels.Exported b = TestModels.export(VggConfig.A, 2, dir.resolve("b"), new TrainScale(37, 37))) {
            Path serving = Files.createDirectories(dir.resolve("serving"));
            replace(a.dir(), serving);
            Model model = Model.load(serving);
            List<Protocol> levels = List.of(Protocol.parse("single"));
            EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(serving))
                .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu"))))
                .withModelWatchInterval(Duration.ofMillis(50));
            TestProbe<InferenceWorker.Command> worker = kit.createTestProbe();
            TestProbe<Preprocessor.Command> preprocessors = kit.createTestProbe();
            TestProbe<Aggregator.Command> aggregator = kit.createTestProbe();
            TestProbe<String> restarts = kit.createTestProbe();
            int openBefore = OrtModel.openSessions();
            List<Thread> earlier = loaderThreads();
            EngineMetrics metrics = new EngineMetrics(1);

            Behavior<ModelWatcher.Command> watcher = ModelWatcher.create(settings, List.of(model),
                List.of(List.of(Plan.of(0, model, levels.get(0)))), levels, List.of(List.of(worker.getRef())), preprocessors.getRef(),
                aggregator.getRef(), 1, metrics);
            ActorRef<Object> ref = kit.spawn(Behaviors.supervise(Behaviors.intercept(() -> new CrashOnDemand(restarts.getRef()), watcher))
                .onFailure(IllegalStateException.class, SupervisorStrategy.restart()));

            replace(b.dir(), serving);
            // The load has begun once a loader thread runs; the crash goes in while it opens and warms the sessions.
            List<Thread> loaders = worker.awaitAssert(WAIT, Duration.ofMillis(1), () -> {
                List<Thread> found = loaderThreads().stream().filter(t -> !earlier.contains(t)).toList();
                assertThat(found).as("a loader thread").isNotEmpty();
                return found;
            });
            ref.tell(new Crash());
            restarts.expectMessage(WAIT, "restarted");

            worker.awaitAssert(WAIT, () -> {
                assertThat(loaders).as("the restarted-away incarnation's loader threads").noneMatch(Thread::isAlive);
                return null;
            });
            // Swapped in before the crash only if the load won the race with it (the restart is handled after the swap, if any).
            long beforeRestart = metrics.modelSwaps();
            System.out.printf("ModelWatcherRestartIT: the crash %s the load%n", beforeRestart == 0 ? "cut short" : "came after");
            // The restarted watcher starts from what the engine served at start, so it loads the replacement again and swaps it in.
            worker.awaitAssert(WAIT, () -> {
                assertThat(metrics.modelSwaps()).as("swaps, the restarted watcher's included").isEqualTo(beforeRestart + 1);
                return null;
            });
            List<OrtModel> swapped = new ArrayList<>();
            for (InferenceWorker.Command m : worker.receiveSeveralMessages((int) beforeRestart + 1, WAIT)) {
                swapped.add(((InferenceWorker.Swap) m).session());
            }
            kit.stop(ref, WAIT);
            assertThat(OrtModel.openSessions()).as("open sessions: only those swapped into the worker")
                .isEqualTo(openBefore + swapped.size());
            swapped.forEach(OrtModel::close);
            assertThat(OrtModel.openSessions()).isEqualTo(openBefore);
            worker.awaitAssert(WAIT, () -> {
                assertThat(loaderThreads()).as("after the stop, no loader thread of the watcher's").allMatch(earlier::contains);
                return null;
            });
        }
    }

    private static List<Thread> loaderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("model-loader-")).toList();
    }

    private static void replace(Path from, Path to) throws Exception {
        // Both copied first, then renamed back to back: the watcher never sees a new card beside the old graph.
        for (String f : List.of("model.json", "model.onnx")) {
            Files.copy(from.resolve(f), to.resolve(f + ".incoming"), StandardCopyOption.REPLACE_EXISTING);
        }
        for (String f : List.of("model.json", "model.onnx")) {
            Files.move(to.resolve(f + ".incoming"), to.resolve(f), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
