package io.vggstream.cli.bench;

import com.typesafe.config.Config;
import io.vggstream.benchmarks.bench.BenchModel;
import io.vggstream.benchmarks.bench.BenchSpec;
import io.vggstream.benchmarks.bench.BenchSuite;
import io.vggstream.benchmarks.bench.Workload;
import io.vggstream.benchmarks.frames.SyntheticFrames.Resolution;
import io.vggstream.cli.RenamedBootstrapFlag;
import io.vggstream.cli.SettingsFileFlags;
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
        "--quick and --full measure two workloads in one run (camera: VGG-16 at 1/8 width, 640x480; enrichment: the demo's"
            + " model at 28x28, multi-scale) unless the model flags name another.",
        "Writes report.md, bench.csv and PNG plots under --out. --quick takes " + BenchSpec.QUICK_TAKES + "."})
public final class BenchCommand implements Callable<Integer> {

    static final class Preset {
        @Option(names = "--quick", description = "Few points, short windows, both workloads unless --model/--arch/--width...; " + BenchSpec.QUICK_TAKES
            + ".")
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

    @Option(names = "--capacity-fractions", split = ",", paramLabel = "F",
        description = "Latency runs of the full path at these fractions of its own measured frames/s (quick: 0.5; full: 0.5,0.8; none: skip).")
    List<String> capacityFractions;

    @Option(names = "--floor-rate", paramLabel = "FPS", description = "A low offered rate for the lone-frame latency floor of (b) and (c) (default 10; 0 skips it).")
    double floorRate = 10;

    @Option(names = "--workloads", split = ",", paramLabel = "NAME",
        description = "Named workloads to measure (default camera,enrichment); not with --model, --config, --width, --protocol, --resolution ...")
    List<String> workloads;

    @Option(names = "--brokers", paramLabel = "WHERE", description = "The full path's broker: in-process, child (a JVM of its own), or both (default).")
    String brokers = "both";

    @Option(names = "--warmup", paramLabel = "DURATION", description = "Warm-up before each point (quick 1.5s, full 5s).")
    String warmup;

    @Option(names = "--workers", paramLabel = "N",
        description = "Inference workers (ONNX Runtime sessions) of the engine, each of --threads threads; the ceiling runs as many sessions at once"
            + " (default: as the engine's workers-per-device = auto chooses for the model, or 1 with --threads).")
    Integer workers;

    @Option(names = "--jit-settle", paramLabel = "DURATION",
        description = "After --warmup, go on warming a point while the JIT is still compiling (over 5%% of a core), up to this long from its start (quick 90s, full 120s; 0: --warmup only).")
    String jitSettle;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Measured window per point (quick 4s, full 20s).")
    String duration;

    @Option(names = "--max-in-flight", paramLabel = "N", description = "Frames in the engine at once (default: the larger of four batches' worth per inference worker plus one per core, at most"
        + " vggstream.engine.max-in-flight, and the ceiling's frames/s times 30 ms, at most 256).")
    Integer maxInFlight;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the frames topic (default 4).")
    int partitions = 4;

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT", description = "Use this broker instead of an in-process one.")
    String bootstrap;

    @CommandLine.Mixin
    RenamedBootstrapFlag oldBootstrap = new RenamedBootstrapFlag(servers -> bootstrap = servers);

    @Option(names = "--scale-out", paramLabel = "N", description = "Engine processes of the scale-out run, against one (default 2; 0 skips it).")
    int scaleOut = 2;

    @Option(names = "--profile", description = "Record JFR around the main point's (b) and (c) and say where the time goes.")
    boolean profile;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report, CSV and plots go (default bench-results).")
    Path out = Path.of("bench-results");

    @Option(names = "--update-readme", paramLabel = "FILE", description = "Also write the summary into FILE's Benchmarks section (between its bench markers).")
    Path readme;

    @CommandLine.Mixin
    SettingsFileFlags settingsFile = new SettingsFileFlags(letter -> modelFlags.arch = letter);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command alone, outside the launcher. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Config config = StrictConfig.load(settingsFile.file());
        List<BenchSpec> specs = new ArrayList<>();
        List<BenchModel> models = new ArrayList<>();
        for (Workload w : workloads(config, out)) {
            specs.add(benchSpec(config, w));
            models.add(w.model());
        }
        return BenchSuite.run(specs, models, config, Optional.ofNullable(bootstrap), this.out, readme, out, spec.commandLine().getErr());
    }

    /** The named workloads, or one the model flags describe. */
    private List<Workload> workloads(Config config, PrintWriter out) {
        CommandLine cl = spec.commandLine();
        boolean custom = ModelFlags.anyGiven(cl) || settingsFile.gaveVggLetter() || cl.getParseResult().hasMatchedOption("--protocol")
            || cl.getParseResult().hasMatchedOption("--resolution");
        if (custom) {
            if (workloads != null) {
                throw new CommandLine.ParameterException(cl, "--workloads names the models itself: leave out --model, --arch, --width,"
                    + " --fc, --classes, --crop, --protocol and --resolution, or --workloads");
            }
            BenchModel m = model(config, out);
            return List.of(new Workload("custom", "the model and frames the flags name", m, runFlags.protocol(cl, m), runFlags.resolution(cl)));
        }
        List<Workload> list = new ArrayList<>();
        for (String name : workloads != null ? workloads : Workload.NAMES) {
            if (!Workload.NAMES.contains(name)) {
                throw new CommandLine.ParameterException(cl, "--workloads: unknown workload '" + name + "'; choose from " + Workload.NAMES);
            }
            list.add(Workload.named(name, config, line -> {
                out.println(line);
                out.flush();
            }));
        }
        return list;
    }

    private BenchModel model(Config config, PrintWriter out) {
        return modelFlags.load(spec.commandLine(), config, out);
    }

    BenchSpec benchSpec(Config config, Workload w) {
        boolean full = preset.full;
        CommandLine cl = spec.commandLine();
        Protocol p = w.protocol();
        Resolution res = w.resolution();
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
        List<Double> fractions = fractions("--rate-fractions", rateFractions != null ? rateFractions
            : full ? List.of("0.25", "0.5", "0.75") : List.of("0.5"));
        List<Double> ofCapacity = fractions("--capacity-fractions", capacityFractions != null ? capacityFractions
            : full ? List.of("0.5", "0.8") : List.of("0.5"));
        if (!(floorRate >= 0)) {
            throw new CommandLine.ParameterException(cl, "--floor-rate: must be 0 (none) or positive, got " + floorRate);
        }
        if (!List.of("both", "in-process", "child").contains(brokers)) {
            throw new CommandLine.ParameterException(cl, "--brokers: '" + brokers + "' is not one of both, in-process, child");
        }
        Set<Character> m = new LinkedHashSet<>();
        for (char ch : modes.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            m.add(ch);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            String command = RunFlags.retypable(cl, "bench", placeFlags("--out", "--update-readme", "--settings"));
            return new BenchSpec(w.name(), full ? "full" : "quick", command, p, res, runFlags.threads(cl, cores), workers(cl), batch, mainDelay, sizes, delays, m,
                fractions, Optional.ofNullable(rate), ofCapacity, floorRate, duration("--warmup", warmup != null ? warmup : full ? "5s" : "1500ms"),
                duration("--jit-settle", jitSettle != null ? jitSettle : full ? "120s" : "90s"),
                duration("--duration", duration != null ? duration : full ? "20s" : "4s"), Duration.ofSeconds(full ? 120 : 6), full ? 5 : 3,
                maxInFlight != null ? maxInFlight : 0, partitions,
                Optional.ofNullable(bootstrap), !brokers.equals("child"), !brokers.equals("in-process"), scaleOut, profile, out.resolve(w.name()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private List<Double> fractions(String flag, List<String> given) {
        List<Double> fractions = new ArrayList<>();
        for (String f : given) {
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
                throw new CommandLine.ParameterException(spec.commandLine(), flag + ": '" + f + "' is not a fraction in (0, 2]");
            }
        }
        return fractions;
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

    /** {@code --workers}; without it, 0 (auto: chosen when the run starts) unless {@code --threads} is given, which keeps one worker. */
    private int workers(CommandLine cl) {
        if (workers != null) {
            if (workers < 1) {
                throw new CommandLine.ParameterException(cl, "--workers: must be at least 1, got " + workers);
            }
            return workers;
        }
        return cl.getParseResult().hasMatchedOption("--threads") ? 1 : 0;
    }
}
