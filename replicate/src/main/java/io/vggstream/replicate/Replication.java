package io.vggstream.replicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vggstream.trainer.data.FashionMnist;
import java.io.IOException;
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

/**
 * The paper's controlled comparison at small scale, as a job (behind {@code vggstream replicate}):
 * trains A, A-LRN, B, C, D, E at a fixed and a jittered S, and B's 5x5 twin, on Fashion-MNIST with
 * the trainer; evaluates each with the engine under the paper's test protocols; fuses the two best;
 * writes every number to CSV and renders the document with Tables 3 to 6 and the eight findings
 * judged. Rerunning in the same {@code out} skips what is done.
 */
public final class Replication {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What to run and where: the plan, the run folder, the document, Fashion-MNIST's folder (null: Debian's),
     * the wall time after which no further seed starts (null: none; {@code timeLimitText} as the user wrote it),
     * and the command line the document quotes.
     */
    public record Options(ScaleDown plan, Path out, Path doc, Path dataDir, Duration timeLimit, String timeLimitText,
                          String commandLine) {
    }

    /** The findings judged, and what was written. */
    public record Result(List<Findings.Finding> findings, Path doc, Path results, Path findingsCsv, double wallMinutes) {
    }

    private Replication() {
    }

    /** The plan stored in {@code out}, or null when there is none. */
    public static ScaleDown storedPlan(Path out) throws IOException {
        Path stored = out.resolve("plan.json");
        return Files.exists(stored) ? JSON.readValue(stored.toFile(), ScaleDown.class) : null;
    }

    /** Runs the plan, logging progress to {@code log}; a run folder holding another plan is an IllegalArgumentException. */
    public static Result run(Options options, PrintWriter log) throws Exception {
        long started = System.nanoTime();
        ScaleDown plan = options.plan();
        Path out = options.out();
        Path doc = options.doc();
        Path dataDir = options.dataDir();
        Path dir = dataDir != null ? dataDir : FashionMnist.DEBIAN_DIR;
        if (!FashionMnist.isFashionMnistDir(dir)) {
            throw new IllegalStateException("Fashion-MNIST is not in " + dir + ": install it with `apt-get install"
                    + " dataset-fashion-mnist` or give its folder with --data");
        }
        String data = dataDir != null ? dir.toAbsolutePath().toString() : "fashion-mnist";
        Files.createDirectories(out);
        checkStoredPlan(plan, out);
        // PyTorch's result depends on its thread count; fix it (before DJL loads) so a rerun repeats.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "2");
        }
        Runner runner = new Runner(plan, out, data, log);
        Results results = new Results();
        List<ScaleDown.Net> best = null;
        Duration limit = options.timeLimit();
        // Seed by seed, so that a time limit (or Ctrl-C) leaves whole seeds; A first in each (B to E start from it).
        for (long seed : plan.seeds()) {
            long seedStarted = System.nanoTime();
            for (ScaleDown.Net net : plan.nets()) {
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
                        (ScaleDown.Net n) -> results.errors(n.key(), Results.MULTI, false).get(first)).thenComparing(ScaleDown.Net::key))
                        .limit(2).toList();
            }
            // Tables 5 and 6: multi-crop for D and E jittered, and for the two best nets if others. Dense+crops is the
            // engine's Fusion of the dense (multi-scale) and the crops posteriors, as its dense+crops protocol computes
            // (the two means count equally), without running the 150 crops twice.
            List<ScaleDown.Net> crops = new ArrayList<>(List.of(new ScaleDown.Net("D", true), new ScaleDown.Net("E", true)));
            best.stream().filter(n -> !crops.contains(n)).forEach(crops::add);
            for (ScaleDown.Net net : crops) {
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
                        + " seeds done (rerun the same command to add the others)%n", seed, seedSeconds / 60, options.timeLimitText());
                log.flush();
                break;
            }
        }
        String fusion = fusion(best);
        List<Findings.Finding> findings = Findings.judge(results, fusion);
        double[] recorded = Runner.recordedSeconds(out);
        Report.Meta meta = new Report.Meta(options.commandLine(), recorded[0] / 60, recorded[1] / 60,
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
        return new Result(findings, doc, out.resolve("results.csv"), out.resolve("findings.csv"), meta.wallMinutes());
    }

    private static List<float[][]> one(float[][] posteriors) {
        return java.util.Collections.singletonList(posteriors);
    }

    private static String fusion(List<ScaleDown.Net> best) {
        return best.get(0).key() + " + " + best.get(1).key();
    }

    /**
     * A rerun must train and evaluate as the run whose results the folder holds; it may have other
     * seeds (more seeds add to the folder; the seeds done are kept).
     */
    private static void checkStoredPlan(ScaleDown plan, Path out) throws java.io.IOException {
        Path stored = out.resolve("plan.json");
        if (Files.exists(stored)) {
            ScaleDown before = JSON.readValue(stored.toFile(), ScaleDown.class);
            if (!before.sameRecipe(plan)) {
                throw new IllegalArgumentException("--out " + out + " holds a run of another plan ("
                        + before.describe() + "); rerun with its flags, or choose another --out");
            }
        }
        JSON.writeValue(stored.toFile(), plan);
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
    public static String machine() {
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
