package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.api.Classification;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code workers-per-device = auto} on a real exported model: the split it chooses, and the answers it keeps. */
class WorkerSplitIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @TempDir
    static Path dir;

    private static TestModels.Exported model;

    @BeforeAll
    static void exportModel() {
        model = TestModels.export(dir.resolve("model-a"));
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    private static Engine engine(InferenceSettings inference) {
        EngineSettings s = EngineSettings.from(CONFIG)
            .withModels(List.of(model.dir()))
            .withProtocol(Protocol.parse("multi-scale"))
            .withInference(inference.withDevices(List.of(Device.parse("cpu"))));
        return Engine.start(s, CONFIG);
    }

    private static InferenceSettings auto() {
        InferenceSettings i = InferenceSettings.from(CONFIG);
        assertThat(i.autoWorkers()).as("auto is the default").isTrue();
        return i;
    }

    private static double[] posterior(Engine e, byte[] image) throws Exception {
        Classification c = e.classify(image).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(c).isInstanceOf(Classification.Ok.class);
        assertThat(((Classification.Ok) c).partial()).isFalse();
        return ((Classification.Ok) c).posterior();
    }

    @Test
    void shouldGiveASmallModelOneSingleThreadWorkerPerCoreWithTheSameAnswers() throws Exception {
        Assumptions.assumeTrue(CORES >= 2, "one core has nothing to split");
        byte[] image = Frames.encode(Frames.image(48, 40, 5), "png");
        double[] one;
        try (Engine e = engine(auto().withSplitBelow(Duration.ZERO))) {
            // split-below 0: never split; the probe's session is the one worker, with all the cores.
            assertThat(e.providers()).hasSize(1);
            assertThat(e.settings().inference().workersPerDevice()).isEqualTo(1);
            assertThat(e.settings().inference().effectiveThreads(1)).isEqualTo(CORES);
            one = posterior(e, image);
        }
        try (Engine e = engine(auto().withSplitBelow(Duration.ofHours(1)))) {
            // Any model is small under an hour's bound: one worker of one thread per core.
            assertThat(e.providers()).hasSize(CORES);
            assertThat(e.settings().inference().workersPerDevice()).isEqualTo(CORES);
            assertThat(e.settings().inference().threadsPerWorker()).isEqualTo(1);
            double[] split = posterior(e, image);
            for (int k = 0; k < split.length; k++) {
                // One thread against several sums a layer in another order: the last bits only.
                assertThat(split[k]).as("class %d", k).isCloseTo(one[k], Offset.offset(1e-5));
            }
            // Every worker answers: a burst of frames is spread over them and each is answered whole.
            List<java.util.concurrent.CompletableFuture<Classification>> burst = new java.util.ArrayList<>();
            for (int i = 0; i < 32; i++) {
                burst.add(e.classify(Frames.encode(Frames.image(48, 40, i), "png")).toCompletableFuture());
            }
            for (var f : burst) {
                Classification c = f.get(60, TimeUnit.SECONDS);
                assertThat(c).isInstanceOf(Classification.Ok.class);
                assertThat(((Classification.Ok) c).partial()).isFalse();
            }
        }
    }

    @Test
    void shouldTimeACropSizedInputWhenNoWarmUpFrameSizeIsSet() throws Exception {
        Assumptions.assumeTrue(CORES >= 2, "one core has nothing to split");
        EngineSettings s = EngineSettings.from(CONFIG)
            .withModels(List.of(model.dir()))
            .withProtocol(Protocol.parse("multi-scale"))
            .withWarmupFrameSizes(List.of())
            .withInference(auto().withSplitBelow(Duration.ofHours(1)).withDevices(List.of(Device.parse("cpu"))));
        try (Engine e = Engine.start(s, CONFIG)) {
            assertThat(e.providers()).hasSize(CORES);
            posterior(e, Frames.encode(Frames.image(48, 40, 9), "png"));
        }
    }

    @Test
    void shouldKeepOneWorkerWhenThreadsPerWorkerIsSet() {
        try (Engine e = engine(auto().withSplitBelow(Duration.ofHours(1)).withThreadsPerWorker(1))) {
            assertThat(e.providers()).hasSize(1);
            assertThat(e.settings().inference().workersPerDevice()).isEqualTo(1);
            assertThat(e.settings().inference().threadsPerWorker()).isEqualTo(1);
        }
    }

    @Test
    void shouldUseAnExplicitWorkerCountAsItIs() {
        try (Engine e = engine(auto().withWorkersPerDevice(3).withSplitBelow(Duration.ofHours(1)))) {
            assertThat(e.providers()).hasSize(3);
            assertThat(e.settings().inference().workersPerDevice()).isEqualTo(3);
        }
    }
}
