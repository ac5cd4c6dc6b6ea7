package io.vggstream.cli.bench;

import com.typesafe.config.Config;
import io.vggstream.benchmarks.bench.BenchModel;
import io.vggstream.benchmarks.bench.BenchReport;
import io.vggstream.benchmarks.bench.BenchResult;
import io.vggstream.benchmarks.bench.BenchRun;
import io.vggstream.benchmarks.bench.BenchSpec;
import io.vggstream.benchmarks.frames.SyntheticFrames.Resolution;
import io.vggstream.cli.Renamed;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.topics.config.StrictConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vggstream bench}: the ceiling (a), the in-process engine (b) and the full Kafka path (c)
 * side by side, latency at fixed rates, scale-out across processes; a report, a CSV and plots.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, subcommands = {JmhCommand.class, SoakCommand.class},
    description = {"Measure throughput and latency: (a) bare ONNX Runtime on ready tensors, (b) the engine without Kafka,"
        + " (c) Kafka -> engine -> Kafka with a real broker; latency at fixed rates; two engine processes in one group.",
        "Writes report.md, bench.csv and PNG plots under --out. --quick takes about 2 minutes on 2 cores."})
public final class BenchCommand implements Callable<Integer> {

    static final class Preset {
        @Option(names = "--quick", description = "Few points, short windows: VGG-16 at 1/8 width unless --model/--width; about 2 minutes on 2 cores.")
        boolean quick;

        @Option(names = "--full", description = "The sweep: batch sizes 1-16, max-delays 0-20 ms, rates 1/4, 1/2, 3/4 of the ceiling, scale-out; 20 s per point.")
        boolean full;
    }

    @ArgGroup(exclusive = true)
    Preset preset = new Preset();

    @CommandLine.Mixin
    ModelFlags modelFlags = new ModelFlags();

    @CommandLine.Mixin
    RunFlags runFlags = new RunFlags();

    @Option(names = "--batch-sizes", split = ",", paramLabel = "N", description = "Batch sizes to sweep (quick: only --batch-size; full: 1,2,4,8,16).")
    List<Integer> batchSizes;

    @Option(names = "--max-delays", split = ",", paramLabel = "DURATION", description = "Max-delays to sweep at the main batch size (quick: none; full: 0,2,5,10,20ms).")
    List<String> maxDelays;

    @Option(names = "--modes", paramLabel = "abc", description = "Which of a (ceiling), b (in-process), c (full path) to run (default abc).")
    String modes = "abc";

    @Option(names = "--rate", paramLabel = "FPS", description = "Offered frames/s of the latency runs (default: fractions of the ceiling).")
    Double rate;

    @Option(names = "--rate-fractions", split = ",", paramLabel = "F", description = "Latency runs at these fractions of the ceiling (quick: 0.5; full: 0.25,0.5,0.75; none: skip).")
    List<String> rateFractions;

    @Option(names = "--warmup", paramLabel = "DURATION", description = "Warm-up before each point (quick 1.5s, full 5s).")
    String warmup;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Measured window per point (quick 4s, full 20s).")
    String duration;

    @Option(names = "--max-in-flight", paramLabel = "N", description = "Frames in the engine at once (default: four batches' worth plus one per core, at most vggstream.engine.max-in-flight).")
    Integer maxInFlight;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the frames topic (default 4).")
    int partitions = 4;

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT", description = "Use this broker instead of an in-process one.")
    String bootstrap;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", hidden = true, description = "Renamed --bootstrap-server.")
    void bootstrap(String servers) {
        Renamed.warn(spec, "--bootstrap", "--bootstrap-server");
        bootstrap = servers;
    }

    @Option(names = "--scale-out", paramLabel = "N", description = "Engine processes of the scale-out run, against one (default 2; 0 skips it).")
    int scaleOut = 2;

    @Option(names = "--profile", description = "Record JFR around the main point's (b) and (c) and say where the time goes.")
    boolean profile;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report, CSV and plots go (default bench-results).")
    Path out = Path.of("bench-results");

    @Option(names = "--update-readme", paramLabel = "FILE", description = "Also write the summary into FILE's Benchmarks section (between its bench markers).")
    Path readme;

    @Option(names = "--config", paramLabel = "FILE", description = "A HOCON settings file over the defaults (engine, topics, Kafka clients).")
    void config(String value) {
        if (Renamed.isVggLetter(value)) {
            // Before 0.1, --config was the VGG letter.
            Renamed.warn(spec, "--config " + value + " (a VGG configuration)", "--arch " + value);
            modelFlags.vggConfig = value;
        } else {
            settingsFile = Path.of(value);
            configIsFile = true;
        }
    }

    @Option(names = "--settings", paramLabel = "FILE", hidden = true, description = "Renamed --config.")
    void settings(Path file) {
        Renamed.warn(spec, "--settings", "--config");
        settingsFile = file;
    }

    Path settingsFile;

    /** Whether --config named a settings file (a machine's path, left out of the command the report quotes). */
    boolean configIsFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command alone, outside the launcher. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Config config = StrictConfig.load(Optional.ofNullable(settingsFile));
        BenchModel model = model(config, out);
        BenchSpec benchSpec = benchSpec(config, model);
        long start = System.nanoTime();
        BenchResult result = new BenchRun(benchSpec, model, config, line -> {
            out.printf(java.util.Locale.ROOT, "[%5.0f s] %s%n", (System.nanoTime() - start) / 1e9, line);
            out.flush();
        }).run();
        BenchReport report = new BenchReport(result);
        Path written = report.write();
        out.println("report: " + written.toAbsolutePath());
        out.println("csv:    " + benchSpec.out().resolve(BenchReport.CSV).toAbsolutePath());
        if (readme != null) {
            BenchReport.updateReadme(readme, report.readmeSection());
            out.println("README: updated the Benchmarks section of " + readme);
        }
        out.flush();
        if (result.problem().isPresent()) {
            spec.commandLine().getErr().println("bench: the run stopped early: " + result.problem().get());
            return 1;
        }
        return 0;
    }

    private BenchModel model(Config config, PrintWriter out) {
        return modelFlags.load(spec.commandLine(), config, out);
    }

    BenchSpec benchSpec(Config config, BenchModel model) {
        boolean full = preset.full;
        CommandLine cl = spec.commandLine();
        Protocol p = runFlags.protocol(cl, model);
        Resolution res = runFlags.resolution(cl);
        Duration mainDelay = runFlags.maxDelay(cl);
        int batch = runFlags.batch(cl);
        List<Integer> sizes = batchSizes != null ? batchSizes : full ? List.of(1, 2, 4, 8, 16) : List.of(batch);
        List<Duration> delays = new ArrayList<>();
        if (maxDelays != null) {
            maxDelays.forEach(d -> delays.add(duration("--max-delays", d)));
        } else if (full) {
            for (int d : new int[] {0, 2, 5, 10, 20}) {
                delays.add(Duration.ofMillis(d));
            }
        }
        List<Double> fractions = new ArrayList<>();
        List<String> fr = rateFractions != null ? rateFractions : full ? List.of("0.25", "0.5", "0.75") : List.of("0.5");
        for (String f : fr) {
            if (f.equalsIgnoreCase("none")) {
                continue;
            }
            try {
                double v = Double.parseDouble(f);
                if (!(v > 0 && v <= 2)) {
                    throw new NumberFormatException();
                }
                fractions.add(v);
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--rate-fractions: '" + f + "' is not a fraction in (0, 2]");
            }
        }
        Set<Character> m = new LinkedHashSet<>();
        for (char ch : modes.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            m.add(ch);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            String command = RunFlags.retypable(cl, "bench", placeFlags("--out", "--update-readme", "--settings"));
            return new BenchSpec(full ? "full" : "quick", command, p, res, runFlags.threads(cl, cores), batch, mainDelay, sizes, delays, m,
                fractions, Optional.ofNullable(rate), duration("--warmup", warmup != null ? warmup : full ? "5s" : "1500ms"),
                duration("--duration", duration != null ? duration : full ? "20s" : "4s"), Duration.ofSeconds(full ? 120 : 6), full ? 5 : 3,
                maxInFlight != null ? maxInFlight : 0, partitions,
                Optional.ofNullable(bootstrap), scaleOut, profile, out);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Duration duration(String flag, String text) {
        return RunFlags.duration(spec.commandLine(), flag, text);
    }

    private List<String> placeFlags(String... flags) {
        List<String> all = new ArrayList<>(List.of(flags));
        if (configIsFile) {
            all.add("--config");
        }
        return all;
    }
}
