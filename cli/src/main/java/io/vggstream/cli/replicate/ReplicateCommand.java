package io.vggstream.cli.replicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vggstream.trainer.data.FashionMnist;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vggstream replicate}: the paper's controlled comparison at small scale, in one command.
 * Trains A, A-LRN, B, C, D, E at a fixed and a jittered S, and B's 5x5 twin, on Fashion-MNIST
 * with the trainer; evaluates each with the engine under the paper's test protocols; fuses the two
 * best; writes every number to CSV and renders {@code docs/replication.md} with Tables 3 to 6 and
 * the eight findings judged. Rerunning in the same {@code --out} skips what is done.
 */
@Command(name = "replicate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replicate the VGG paper's findings at small scale on Fashion-MNIST: train A, A-LRN, B, C, D, E at a"
                + " fixed and a jittered S and B's 5x5 twin (the trainer), evaluate single-scale, multi-scale, multi-crop,"
                + " dense+crops and the fusion of the two best (the engine), and write Tables 3 to 6 and the eight findings,"
                + " each judged against the spread over seeds, into --doc.",
            "Examples: replicate --quick (a few minutes: checks the machinery); replicate (the default budget, "
                + "75 min on a quiet 2-core machine); replicate --budget 3h --seeds 3 --out runs/rep"})
public final class ReplicateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--budget", paramLabel = "DURATION", description = "time the whole run should fit on a quiet 2-core"
            + " machine: 75m, 1h30m, 3h; chooses epochs, training and test images and seeds (default: 75m)")
    String budget;

    @Option(names = "--quick", description = "a tiny matrix (every net at 1/16 width, 1 epoch on 384 images, protocols on"
            + " 48 test images) to check the machinery in a few minutes; its numbers are noise")
    boolean quick;

    @Option(names = "--seeds", paramLabel = "N", description = "train every net with N seeds (default: as the budget"
            + " chooses; --quick: 1); on a run folder given alone, adds seeds to its recipe")
    Integer seeds;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "the first seed; seeds are S, S+1, ..."
            + " (default: ${DEFAULT-VALUE})")
    long firstSeed;

    @Option(names = "--epochs", paramLabel = "N", description = "override the budget's epochs per net")
    Integer epochs;

    @Option(names = "--train-images", paramLabel = "N", description = "override the budget's training images")
    Integer trainImages;

    @Option(names = "--eval-images", paramLabel = "N", description = "override the budget's test images per protocol")
    Integer evalImages;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "replicate-run", description = "run folder: plan.json,"
            + " train/<net>/ (each model), eval/<net>/ (posteriors), results.csv, timings.csv; rerunning in it skips"
            + " what is done (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--doc", paramLabel = "FILE", defaultValue = "docs/replication.md", description = "the document to"
            + " write (default: ${DEFAULT-VALUE})")
    Path doc;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST's folder (default: Debian's "
            + "/usr/share/datasets/fashion-mnist)")
    Path dataDir;

    @Option(names = "--time-limit", paramLabel = "DURATION", description = "on a busy machine: start no further seed when it"
            + " would end past this wall time (the last seed's time ahead), and report on the seeds done; rerunning the same"
            + " command adds the others (default: none)")
    String timeLimit;

    @Option(names = "--width", paramLabel = "W", description = "override the budget's conv width multiplier (0.25: 16..128"
            + " channels); FC1 and FC2 get 1024 x W")
    Double width;

    @Option(names = "--plan-only", description = "print the plan and its time estimate, run nothing")
    boolean planOnly;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        PrintWriter log = spec.commandLine().getOut();
        Plan plan = plan();
        timeLimit();
        Plan stored = storedPlan();
        Plan kept = Plan.forRunFolder(plan, stored, onlySeedsGiven(), seeds, firstSeed);
        if (kept != plan) {
            plan = kept;
            log.println("replicate: " + out + " holds a run; its recipe is kept, with seeds " + plan.seeds());
        }
        log.println("replicate: " + plan.describe());
        log.flush();
        if (planOnly) {
            return 0;
        }
        Path dir = dataDir != null ? dataDir : FashionMnist.DEBIAN_DIR;
        if (!FashionMnist.isFashionMnistDir(dir)) {
            throw new IllegalStateException("Fashion-MNIST is not in " + dir + ": install it with `apt-get install"
                    + " dataset-fashion-mnist` or give its folder with --data");
        }
        String data = dataDir != null ? dir.toAbsolutePath().toString() : "fashion-mnist";
        Files.createDirectories(out);
        checkStoredPlan(plan);
        // PyTorch's result depends on its thread count; fix it (before DJL loads) so a rerun repeats.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "2");
        }
        Runner runner = new Runner(plan, out, data, log);
        Results results = new Results();
        List<Plan.Net> best = null;
        Duration limit = timeLimit();
        // Seed by seed, so that a time limit (or Ctrl-C) leaves whole seeds; A first in each (B to E start from it).
        for (long seed : plan.seeds()) {
            long seedStarted = System.nanoTime();
            for (Plan.Net net : plan.nets()) {
                runner.train(net, seed);
                List<String> protocols = new ArrayList<>(List.of(Results.SINGLE, Results.MULTI));
                if (net.jittered()) {
                    // Beside the paper's Q = (Smin + Smax) / 2: each end of the range, to see where a jittered net stands.
                    protocols.add(Results.singleAt(plan.scale(true).min()));
                    protocols.add(Results.singleAt(plan.scale(true).max()));
                }
                for (String protocol : protocols) {
                    results.add(runner.score(net.key(), protocol, seed,
                            one(runner.posteriors(net, seed, Results.engineProtocol(protocol)))));
                }
            }
            if (best == null) {
                // The two best by the first seed's multi-scale top-1 error: fixed once, so later seeds fuse the same pair.
                long first = seed;
                best = plan.nets().stream().sorted(Comparator.comparingDouble(
                        (Plan.Net n) -> results.errors(n.key(), Results.MULTI, false).get(first)).thenComparing(Plan.Net::key))
                        .limit(2).toList();
            }
            // Tables 5 and 6: multi-crop for D and E jittered, and for the two best nets if others. Dense+crops is the
            // engine's Fusion of the dense (multi-scale) and the crops posteriors, as its dense+crops protocol computes
            // (the two means count equally), without running the 150 crops twice.
            List<Plan.Net> crops = new ArrayList<>(List.of(new Plan.Net("D", true), new Plan.Net("E", true)));
            best.stream().filter(n -> !crops.contains(n)).forEach(crops::add);
            for (Plan.Net net : crops) {
                float[][] dense = runner.posteriors(net, seed, Results.MULTI);
                float[][] crop = runner.posteriors(net, seed, Results.CROPS);
                results.add(runner.score(net.key(), Results.CROPS, seed, one(crop)));
                results.add(runner.score(net.key(), Results.BOTH, seed, one(Runner.denseAndCrops(dense, crop))));
            }
            for (String protocol : List.of(Results.MULTI, Results.CROPS, Results.BOTH)) {
                results.add(runner.score(fusion(best), protocol, seed, List.of(runner.posteriorsOf(best.get(0), seed, protocol),
                        runner.posteriorsOf(best.get(1), seed, protocol))));
            }
            results.write(out.resolve("results.csv"));
            double seedSeconds = (System.nanoTime() - seedStarted) / 1e9;
            double elapsed = (System.nanoTime() - started) / 1e9;
            if (limit != null && seed != plan.seeds().get(plan.seeds().size() - 1) && elapsed + seedSeconds > limit.toSeconds()) {
                log.printf(Locale.ROOT, "replicate: seed %d took %.0f min; another would end past --time-limit %s: reporting on the"
                        + " seeds done (rerun the same command to add the others)%n", seed, seedSeconds / 60, timeLimit);
                log.flush();
                break;
            }
        }
        String fusion = fusion(best);
        List<Findings.Finding> findings = Findings.judge(results, fusion);
        double[] recorded = Runner.recordedSeconds(out);
        Report.Meta meta = new Report.Meta(commandLine(), recorded[0] / 60, recorded[1] / 60,
                (System.nanoTime() - started) / 60e9, machine(),
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now()));
        String md = Report.render(plan, results, fusion, findings, meta);
        if (doc.getParent() != null) {
            Files.createDirectories(doc.getParent());
        }
        Files.writeString(doc, md);
        Files.writeString(out.resolve("findings.csv"), findingsCsv(findings));
        log.println();
        for (Findings.Finding f : findings) {
            log.printf("finding %d: %s%n", f.number(), f.verdict().text());
        }
        log.printf(Locale.ROOT, "wrote %s, %s, %s (%.1f min)%n", doc, out.resolve("results.csv"), out.resolve("findings.csv"),
                meta.wallMinutes());
        log.flush();
        return 0;
    }

    private static List<float[][]> one(float[][] posteriors) {
        return java.util.Collections.singletonList(posteriors);
    }

    private static String fusion(List<Plan.Net> best) {
        return best.get(0).key() + " + " + best.get(1).key();
    }

    private Duration timeLimit() {
        if (timeLimit == null) {
            return null;
        }
        try {
            return Plan.parseBudget(timeLimit);
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--time-limit must look like 100m, 1h30m or 2h, was '"
                    + timeLimit + "'");
        }
    }

    private Plan plan() {
        if (quick && budget != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--quick and --budget exclude each other: --quick is"
                    + " a fixed tiny matrix");
        }
        if (seeds != null && (seeds < 1 || seeds > 10)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds must be in 1..10, was " + seeds);
        }
        positive(epochs, "--epochs", 74);
        positive(trainImages, "--train-images", Plan.FULL_TRAIN);
        positive(evalImages, "--eval-images", Plan.FULL_TEST);
        Plan p;
        if (quick) {
            p = Plan.quick(seeds == null ? 0 : seeds, firstSeed);
        } else {
            Duration d;
            try {
                d = budget == null ? Plan.DEFAULT_BUDGET : Plan.parseBudget(budget);
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage().startsWith("--budget") ? e.getMessage()
                        : "--budget must look like 75m, 1h30m, 2h or 90s, was '" + budget + "'");
            }
            p = Plan.forBudget(d, seeds == null ? 0 : seeds, firstSeed);
        }
        if (width != null && !(width > 0 && width <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--width must be in (0, 1], was " + width);
        }
        if (epochs != null || trainImages != null || evalImages != null || width != null) {
            p = p.withImages(trainImages, evalImages, epochs, width);
        }
        return p;
    }

    private void positive(Integer v, String flag, int max) {
        if (v != null && (v < 1 || v > max)) {
            throw new CommandLine.ParameterException(spec.commandLine(), flag + " must be in 1.." + max + ", was " + v);
        }
    }

    /** The plan stored in {@code --out}, or null when there is none. */
    private Plan storedPlan() throws java.io.IOException {
        Path stored = out.resolve("plan.json");
        return Files.exists(stored) ? JSON.readValue(stored.toFile(), Plan.class) : null;
    }

    /** No flag that chooses the recipe (only seeds, and where things go). */
    private boolean onlySeedsGiven() {
        return budget == null && !quick && epochs == null && trainImages == null && evalImages == null && width == null;
    }

    /**
     * A rerun must train and evaluate as the run whose results the folder holds; it may have other
     * seeds (more seeds add to the folder; the seeds done are kept).
     */
    private void checkStoredPlan(Plan plan) throws java.io.IOException {
        Path stored = out.resolve("plan.json");
        if (Files.exists(stored)) {
            Plan before = JSON.readValue(stored.toFile(), Plan.class);
            if (!before.sameRecipe(plan)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + " holds a run of another plan ("
                        + before.describe() + "); rerun with its flags, or choose another --out");
            }
        }
        JSON.writeValue(stored.toFile(), plan);
    }

    private String commandLine() {
        List<String> args = new ArrayList<>(List.of("./vggstream"));
        args.addAll(spec.commandLine().getParseResult().originalArgs());
        return String.join(" ", args);
    }

    private static String findingsCsv(List<Findings.Finding> findings) {
        StringBuilder sb = new StringBuilder("finding,verdict,better,worse,better_top1,worse_top1,difference,spread,seeds,comparison_verdict\n");
        for (Findings.Finding f : findings) {
            for (Findings.Comparison c : f.comparisons()) {
                sb.append(String.format(Locale.ROOT, "%d,%s,\"%s\",\"%s\",%.4f,%.4f,%.4f,%.4f,%d,%s%n", f.number(), f.verdict().text(),
                        c.better(), c.worse(), c.betterErr(), c.worseErr(), c.difference(), c.spread(), c.seeds(),
                        c.verdict().text()));
            }
        }
        return sb.toString();
    }

    /** Cores, CPU model, memory and the load average now. */
    static String machine() {
        String cpu = io.vggstream.report.MachineInfo.cpuModel();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long mem = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            mem = os.getTotalMemorySize() >> 30;
        }
        return String.format(Locale.ROOT, "%d cores (%s), %d GB RAM, CPU; load average %.1f at the end (a shared machine"
                + " when above the cores)", Runtime.getRuntime().availableProcessors(), cpu, mem, load);
    }
}
