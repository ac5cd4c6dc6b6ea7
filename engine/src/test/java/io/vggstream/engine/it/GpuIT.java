package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.api.Classification;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA execution provider, where the host has one: a skip (with the reason) elsewhere. Run it
 * on a GPU host with {@code ./mvnw -Pcuda verify -pl engine -am -Dit.test=GpuIT}.
 */
class GpuIT {

    private static final Config CONFIG = ConfigFactory.load();

    @TempDir
    Path dir;

    @Test
    void shouldRunOnCudaAndAgreeWithTheCpu() throws Exception {
        assumeTrue(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
            "no CUDA execution provider in this ONNX Runtime: build with -Pcuda on a host with CUDA 12 and cuDNN 9");
        try (TestModels.Exported m = TestModels.export(dir.resolve("m"))) {
            Model model = Model.load(m.dir());
            try (OrtModel probe = OrtModel.open(model, Device.parse("auto"), 1)) {
                assumeTrue(probe.provider().startsWith("CUDA"), "ONNX Runtime has CUDA but cannot open device 0 here (no GPU or driver)");
            }
            byte[] png = Frames.png(64, 48, 3);
            double[] cpu;
            double[] gpu;
            EngineSettings base = EngineSettings.from(CONFIG).withModels(List.of(m.dir())).withProtocol(Protocol.parse("multi-scale"));
            try (Engine e = Engine.start(base.withInference(base.inference().withDevices(List.of(Device.parse("cpu")))), CONFIG)) {
                cpu = ((Classification.Ok) e.classify(png).toCompletableFuture().get(60, TimeUnit.SECONDS)).posterior();
            }
            try (Engine e = Engine.start(base.withInference(base.inference().withDevices(List.of(Device.parse("cuda:0")))), CONFIG)) {
                assertThat(e.providers()).allMatch(p -> p.endsWith("CUDA:0"));
                gpu = ((Classification.Ok) e.classify(png).toCompletableFuture().get(60, TimeUnit.SECONDS)).posterior();
            }
            for (int i = 0; i < cpu.length; i++) {
                assertThat(gpu[i]).isCloseTo(cpu[i], org.assertj.core.data.Offset.offset(1e-3));
            }
        }
    }
}
