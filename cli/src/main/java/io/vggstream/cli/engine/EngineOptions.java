package io.vggstream.cli.engine;

import com.typesafe.config.Config;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.topics.config.StrictConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every engine command shares: models, protocol, devices, batching, settings file. */
public final class EngineOptions {

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
        description = "A model: a folder with model.onnx and model.json, or an .onnx file. Repeat for an ensemble.")
    List<Path> models = List.of();

    @Option(names = {"-p", "--protocol"}, paramLabel = "NAME",
        description = "single, multi-scale, crops or dense+crops; options ,flips=off ,scales=Q1:Q2 (default: vggstream.engine.protocol, single)."
            + " evaluate takes several.")
    List<String> protocols = List.of();

    @Option(names = "--device", paramLabel = "DEVICE",
        description = "auto, cpu or cuda:N; repeat for several GPUs (default: vggstream.engine.inference.devices, auto).")
    List<String> devices = List.of();

    @Option(names = "--batch-size", paramLabel = "N", description = "Largest inference batch (default: vggstream.engine.inference.max-batch-size, 8).")
    Integer batchSize;

    @Option(names = "--max-delay", paramLabel = "DURATION",
        description = "Longest wait to fill a batch, ISO-8601 (PT0.005S) or 5ms (default: vggstream.engine.inference.max-delay).")
    String maxDelay;

    @Option(names = "--config", paramLabel = "FILE", description = "A HOCON settings file over the defaults; unknown keys are refused.")
    Path configFile;

    private Config config;

    /** The protocols given with --protocol, or the settings' one. */
    public List<Protocol> protocols() {
        return protocols.isEmpty() ? List.of(EngineSettings.from(config()).protocol()) : protocols.stream().map(Protocol::parse).toList();
    }

    /** The settings with the flags on top, but every --protocol allowed (the caller picks). */
    public EngineSettings settingsForAnyProtocol() {
        List<String> saved = protocols;
        protocols = List.of();
        try {
            return settings();
        } finally {
            protocols = saved;
        }
    }

    public Config config() {
        if (config == null) {
            config = StrictConfig.load(Optional.ofNullable(configFile));
        }
        return config;
    }

    /** The settings file's values with the flags on top. */
    public EngineSettings settings() {
        EngineSettings s = EngineSettings.from(config());
        if (!models.isEmpty()) {
            s = s.withModels(models);
        }
        if (protocols.size() > 1) {
            throw new IllegalArgumentException("--protocol was given " + protocols.size() + " times; this command takes one");
        }
        if (!protocols.isEmpty()) {
            s = s.withProtocol(Protocol.parse(protocols.get(0)));
        }
        if (!devices.isEmpty()) {
            s = s.withInference(s.inference().withDevices(devices.stream().map(Device::parse).toList()));
        }
        if (batchSize != null || maxDelay != null) {
            InferenceSettings i = s.inference();
            s = s.withInference(i.withMaxBatchSize(batchSize != null ? batchSize : i.maxBatchSize())
                .withMaxDelay(maxDelay != null ? duration(maxDelay) : i.maxDelay()));
        }
        return s;
    }

    static Duration duration(String text) {
        try {
            return text.startsWith("P") || text.startsWith("p") ? Duration.parse(text)
                : com.typesafe.config.ConfigFactory.parseString("d = " + text).getDuration("d");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--max-delay: '" + text + "' is not a duration (e.g. 5ms, 0.5s, PT0.005S)");
        }
    }
}
