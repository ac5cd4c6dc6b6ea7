package io.vggstream.cli.replicate;

import io.vggstream.replicate.ScaleDown;
import io.vggstream.replicate.Replication;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vggstream replicate}: flags over {@link Replication}, the paper's controlled comparison at small scale.
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
        PrintWriter log = spec.commandLine().getOut();
        ScaleDown plan = plan();
        Duration limit = timeLimit();
        ScaleDown stored = Replication.storedPlan(out);
        ScaleDown kept = ScaleDown.forRunFolder(plan, stored, onlySeedsGiven(), seeds, firstSeed);
        if (kept != plan) {
            plan = kept;
            log.println("replicate: " + out + " holds a run; its recipe is kept, with seeds " + plan.seeds());
        }
        log.println("replicate: " + plan.describe());
        log.flush();
        if (planOnly) {
            return 0;
        }
        Replication.run(new Replication.Options(plan, out, doc, dataDir, limit, timeLimit, commandLine()), log);
        return 0;
    }

    private Duration timeLimit() {
        if (timeLimit == null) {
            return null;
        }
        try {
            return ScaleDown.parseBudget(timeLimit);
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--time-limit must look like 100m, 1h30m or 2h, was '"
                    + timeLimit + "'");
        }
    }

    private ScaleDown plan() {
        if (quick && budget != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--quick and --budget exclude each other: --quick is"
                    + " a fixed tiny matrix");
        }
        if (seeds != null && (seeds < 1 || seeds > 10)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds must be in 1..10, was " + seeds);
        }
        positive(epochs, "--epochs", 74);
        positive(trainImages, "--train-images", ScaleDown.FULL_TRAIN);
        positive(evalImages, "--eval-images", ScaleDown.FULL_TEST);
        ScaleDown p;
        if (quick) {
            p = ScaleDown.quick(seeds == null ? 0 : seeds, firstSeed);
        } else {
            Duration d;
            try {
                d = budget == null ? ScaleDown.DEFAULT_BUDGET : ScaleDown.parseBudget(budget);
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage().startsWith("--budget") ? e.getMessage()
                        : "--budget must look like 75m, 1h30m, 2h or 90s, was '" + budget + "'");
            }
            p = ScaleDown.forBudget(d, seeds == null ? 0 : seeds, firstSeed);
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

    /** No flag that chooses the recipe (only seeds, and where things go). */
    private boolean onlySeedsGiven() {
        return budget == null && !quick && epochs == null && trainImages == null && evalImages == null && width == null;
    }

    private String commandLine() {
        List<String> args = new ArrayList<>(List.of("./vggstream"));
        args.addAll(spec.commandLine().getParseResult().originalArgs());
        return String.join(" ", args);
    }
}
