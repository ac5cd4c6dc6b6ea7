package io.vggstream.cli.bench;

import com.typesafe.config.Config;
import io.vggstream.benchmarks.bench.BenchModel;
import io.vggstream.benchmarks.bench.Soak;
import io.vggstream.benchmarks.bench.SoakReport;
import io.vggstream.benchmarks.bench.SoakResult;
import io.vggstream.benchmarks.bench.SoakSpec;
import io.vggstream.benchmarks.frames.SyntheticFrames.Resolution;
import io.vggstream.cli.RenamedBootstrapFlag;
import io.vggstream.cli.SettingsFileFlags;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.topics.config.StrictConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vggstream bench soak}: the engine through Kafka with frames offered at a multiple of its
 * measured capacity for minutes, {@code max-frame-age} set; memory, latency, answers and rebalances
 * sampled and judged. Issue 7's "bounded under overload", as a long run outside CI.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Overload soak: measure the engine's capacity through Kafka, then offer --overload times that for --duration with"
        + " max-frame-age set; sample heap (and after GC), RSS, direct buffers, frames in flight, answers, latency and consumer"
        + " rebalances every second; judge whether memory stayed flat, latency bounded, every frame answered, no rebalance storm.",
        "Writes soak.md, soak.csv and PNG plots under --out. Exit 0 when every verdict holds, 1 when one fails, 2 on bad usage."})
public final class SoakCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ModelFlags modelFlags = new ModelFlags();

    @CommandLine.Mixin
    RunFlags runFlags = new RunFlags();

    @Option(names = "--overload", paramLabel = "X", description = "Frames offered per frame the engine can answer (default 10).")
    double overload = 10;

    @Option(names = "--duration", paramLabel = "DURATION", description = "How long frames are offered (default 10m).")
    String duration = "10m";

    @Option(names = "--max-frame-age", paramLabel = "DURATION", description = "The engine's max-frame-age: older frames are answered"
        + " with a dropped dead letter (default 3s).")
    String maxFrameAge = "3s";

    @Option(names = "--capacity", paramLabel = "FPS", description = "The engine's frames/s, to skip measuring it (default: measured first"
        + " through the full path).")
    Double capacity;

    @Option(names = "--capacity-window", paramLabel = "DURATION", description = "The capacity measurement's window (default 15s).")
    String capacityWindow = "15s";

    @Option(names = "--capacity-warmup", paramLabel = "DURATION", description = "Warm-up before it (default 5s).")
    String capacityWarmup = "5s";

    @Option(names = "--sample-interval", paramLabel = "DURATION", description = "Between two samples (default 1s).")
    String sampleInterval = "1s";

    @Option(names = "--max-slope", paramLabel = "MB_PER_MIN", description = "The memory verdict's bound on growth after the first"
        + " quarter (default 5 MB/min: 50 MB over 10 minutes).")
    double maxSlope = 5;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", description = "How long the engine may take to work off the backlog"
        + " once the offering stops (default 5m).")
    String drainTimeout = "5m";

    @Option(names = "--max-in-flight", paramLabel = "N", description = "Frames in the engine at once (default: four batches' worth"
        + " plus one per core, bench's rule without a ceiling).")
    Integer maxInFlight;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the frames topic (default 4).")
    int partitions = 4;

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT", description = "Use this broker instead of an in-process one.")
    String bootstrap;

    @CommandLine.Mixin
    RenamedBootstrapFlag oldBootstrap = new RenamedBootstrapFlag(servers -> bootstrap = servers);

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report, CSV and plots go (default bench-results/soak).")
    Path out = Path.of("bench-results", "soak");

    @CommandLine.Mixin
    SettingsFileFlags settingsFile = new SettingsFileFlags(letter -> modelFlags.arch = letter);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        // Flags that need no model are checked before the model is made (which may take minutes the first time).
        SoakSpec checked = soakSpec(Protocol.parse("single"), Runtime.getRuntime().availableProcessors());
        Config config = StrictConfig.load(settingsFile.file());
        BenchModel model = modelFlags.load(spec.commandLine(), config, w);
        SoakSpec s = soakSpec(runFlags.protocol(spec.commandLine(), model), checked.threads());
        long start = System.nanoTime();
        SoakResult result = new Soak(s, model, config, line -> {
            w.printf(Locale.ROOT, "[%5.0f s] %s%n", (System.nanoTime() - start) / 1e9, line);
            w.flush();
        }).run();
        SoakReport report = new SoakReport(result);
        Path written = report.write();
        w.println(report.summary());
        w.println("report: " + written.toAbsolutePath());
        w.println("csv:    " + s.out().resolve(SoakReport.CSV).toAbsolutePath());
        w.flush();
        List<String> failures = report.failures();
        if (!failures.isEmpty()) {
            spec.commandLine().getErr().println("soak: " + String.join("; ", failures));
            return 1;
        }
        return 0;
    }

    SoakSpec soakSpec(Protocol p, int cores) {
        CommandLine cl = spec.commandLine();
        Resolution res = runFlags.resolution(cl);
        int batch = runFlags.batch(cl);
        RunFlags.positive(cl, "--partitions", partitions);
        if (maxInFlight != null) {
            RunFlags.positive(cl, "--max-in-flight", maxInFlight);
        }
        String command = RunFlags.retypable(cl, "bench soak", placeFlags("--out", "--settings"));
        try {
            return new SoakSpec(command, p, res, runFlags.threads(cl, cores), batch, runFlags.maxDelay(cl),
                maxInFlight != null ? maxInFlight : 0, partitions, Optional.ofNullable(bootstrap), overload, duration("--duration", duration),
                duration("--max-frame-age", maxFrameAge), Optional.ofNullable(capacity), duration("--capacity-warmup", capacityWarmup),
                positive("--capacity-window", duration("--capacity-window", capacityWindow)), duration("--sample-interval", sampleInterval),
                maxSlope, positive("--drain-timeout", duration("--drain-timeout", drainTimeout)), out);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Duration positive(String flag, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), flag + ": must be positive, got " + d);
        }
        return d;
    }

    private Duration duration(String flag, String text) {
        return RunFlags.duration(spec.commandLine(), flag, text);
    }

    private List<String> placeFlags(String... flags) {
        List<String> all = new ArrayList<>(List.of(flags));
        // A settings file given by --config is a machine's path: the command the report quotes leaves it out.
        if (settingsFile.file().isPresent() && settingsFile.flag().equals("--config")) {
            all.add("--config");
        }
        return all;
    }
}
