package io.vggstream.benchmarks.bench;

import com.typesafe.config.Config;
import io.vggstream.benchmarks.frames.SyntheticFrames.Resolution;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.trainer.model.VggConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * One thing {@code bench} measures: a model, its test-time protocol and the frames' size. {@code --quick} and
 * {@code --full} measure the two named ones in one run, unless the model flags describe another.
 *
 * @param name a short name: the report's section and the output sub-folder
 * @param title what it stands for, one line
 */
public record Workload(String name, String title, BenchModel model, Protocol protocol, Resolution resolution) {

    public static final String CAMERA = "camera";
    public static final String ENRICHMENT = "enrichment";
    public static final List<String> NAMES = List.of(CAMERA, ENRICHMENT);

    /** The demo's trained model, used by the enrichment workload when it is there. */
    public static final String DEMO_MODEL = "fmnist-a";

    /** A named workload; its model is exported with random weights on first use (cached), or loaded. */
    public static Workload named(String name, Config config, Consumer<String> log) {
        Path home = BenchModel.home();
        return switch (name) {
            // A camera stream: VGG-16 at 1/8 width on 640x480 JPEG frames, one scale (Q = 224) with its flip: 2 inputs a frame.
            case CAMERA -> new Workload(CAMERA, "camera frames: VGG-16 at 1/8 width, 640x480 JPEG, single scale with flip",
                BenchModel.random(new BenchModel.RandomSpec(VggConfig.D, 0.125, BenchModel.RandomSpec.defaultFc(0.125), 1000, 224, 1),
                    home.resolve("bench-models"), BenchModel.djl(config, home), log),
                Protocol.parse("single,scales=224"), Resolution.parse("640x480"));
            // Kafka event enrichment: the demo's model (VGG-A at 1/4 width, crop 32, 10 classes, trained at S = 32) on 28x28 JPEG
            // events, multi-scale (Q = 32 and 37) with flips: 4 inputs a frame, each far cheaper than the engine's work around it.
            case ENRICHMENT -> {
                Path trained = home.resolve("models").resolve(DEMO_MODEL);
                BenchModel model = Files.isRegularFile(trained.resolve("model.onnx")) && Files.isRegularFile(trained.resolve("model.json"))
                    ? BenchModel.load(trained)
                    : BenchModel.random(new BenchModel.RandomSpec(VggConfig.A, 0.25, 256, 10, 32, 1, 32), home.resolve("bench-models"),
                        BenchModel.djl(config, home), log);
                yield new Workload(ENRICHMENT, "Kafka event enrichment: the demo's model (VGG-A at 1/4 width, crop 32, 10 classes),"
                    + " 28x28 JPEG, multi-scale with flips", model, Protocol.parse("multi-scale"), Resolution.parse("28x28"));
            }
            default -> throw new IllegalArgumentException("unknown workload '" + name + "'; choose from " + NAMES);
        };
    }
}
