package io.vggstream.replicate;

import com.typesafe.config.Config;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.trainer.data.FashionMnist;
import io.vggstream.trainer.data.RgbImage;
import io.vggstream.trainer.train.Recipe;
import io.vggstream.trainer.train.StopSignal;
import io.vggstream.trainer.train.TrainerSettings;
import io.vggstream.trainer.train.Training;
import io.vggstream.trainer.train.Progress;
import io.vggstream.transfer.Descriptors;
import io.vggstream.transfer.FitHead;
import io.vggstream.transfer.FitHeadOptions;
import io.vggstream.transfer.FitHeadResult;
import io.vggstream.transfer.LinearHead;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * The paper's transfer result at small scale, as one job: per seed, a base net A trained on
 * Fashion-MNIST classes 0-4 only ({@code --classes 0-4}); then for classes 5-9, with n training
 * images per class, a head fitted on A's descriptors ({@link FitHead}) against A trained from
 * scratch on the very same images (the trainer on the same folder); both measured through the engine
 * on the same held-out images of classes 5-9 (Fashion-MNIST's test split) with the same protocol.
 * Each n is judged as {@code replicate} judges a finding ({@link Findings#compare}): the per-seed
 * difference of top-1 errors against the spread over seeds (or the sampling error).
 */
public final class TransferExperiment {

    /** The base classes and the new ones. */
    static final List<Integer> BASE_CLASSES = List.of(0, 1, 2, 3, 4);
    static final List<Integer> NEW_CLASSES = List.of(5, 6, 7, 8, 9);

    /**
     * @param work where the runs go (resumable: a finished base or scratch net is reused)
     * @param seeds the seeds; each draws its own training images and trains its own nets
     * @param perClass training images per new class; 0 means all of Fashion-MNIST's (about 6,000)
     * @param valPerClass held-out images per new class the heads and the scratch nets are measured on
     * @param baseImages training images of the base net (evenly spaced over classes 0-4)
     * @param baseEpochs the base net's epochs
     * @param scratchImagesSeen about how many images each scratch net sees (epochs = this / its images, 3 to 74)
     * @param width conv width multiplier of A
     * @param fc FC width of A
     * @param protocol the descriptors' and the measurement's protocol
     * @param descriptor the heads' training rows: the paper's one averaged row per image, or one per variant
     */
    public record Options(Path work, List<Long> seeds, List<Integer> perClass, int valPerClass, int baseImages, int baseEpochs,
                          int scratchImagesSeen, double width, int fc, String protocol, Descriptors.Kind descriptor, Config engineConfig,
                          EngineSettings engineBase) {
        public Options {
            Objects.requireNonNull(work, "--out");
            seeds = List.copyOf(seeds);
            perClass = List.copyOf(perClass);
            if (seeds.isEmpty() || perClass.isEmpty()) {
                throw new IllegalArgumentException("--seeds and --per-class must name at least one value");
            }
            Protocol.parse(protocol);
            Objects.requireNonNull(descriptor, "--descriptor");
        }
    }

    /** One size n: the heads' and the scratch nets' top-1 errors (%) by seed, and the judgement. */
    public record Row(String size, int imagesPerClass, Map<Long, Double> headErr, Map<Long, Double> scratchErr,
                      Findings.Comparison comparison) {}

    /** What the job measured, with the markdown it renders. */
    public record Result(List<Row> rows, Map<Long, Double> baseTestTop1, int valImages, String markdown, double seconds) {}

    private TransferExperiment() {}

    public static Result run(Options o, PrintWriter log) throws Exception {
        long t0 = System.nanoTime();
        String loadBefore = loadAverage();
        Files.createDirectories(o.work());
        FashionMnist train = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TRAIN);
        FashionMnist test = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TEST);
        TrainerSettings settings = TrainerSettings.load();
        Protocol protocol = Protocol.parse(o.protocol());
        Map<Long, Double> baseTop1 = new LinkedHashMap<>();
        Map<Integer, Map<Long, Double>> head = new TreeMap<>();
        Map<Integer, Map<Long, Double>> scratch = new TreeMap<>();
        int valImages = o.valPerClass() * NEW_CLASSES.size();
        // Sizes outer, seeds inner: the small sizes are complete over every seed before the large ones start.
        for (int n : o.perClass()) {
          for (long seed : o.seeds()) {
            Path base = o.work().resolve("base-A-seed" + seed);
            if (!Files.exists(base.resolve("model.onnx"))) {
                log.printf("seed %d: training base A on classes 0-4 (%d images, %d epochs)%n", seed, o.baseImages(), o.baseEpochs());
                log.flush();
                train(new Recipe("A", o.width(), o.fc(), io.vggstream.trainer.data.DataSource.FASHION_MNIST, 32, "32", o.baseEpochs(), 64, null, "glorot",
                    "glorot", 1, 0.005, 0.9, 5e-4, 0.5, 0.1, 0, seed, base.toAbsolutePath().toString(), o.baseImages(), 1000, 1000,
                    "0-4"), settings, log);
            }
            baseTop1.put(seed, io.vggstream.topics.card.ModelCard.read(base.resolve("model.json")).accuracy().top1());
            {
                Path folder = o.work().resolve("data-seed" + seed + "-n" + label(n));
                if (!Files.isDirectory(folder.resolve("val"))) {
                    writeFolder(train, test, n, o.valPerClass(), seed, folder);
                }
                int images = count(folder.resolve("train"));
                FitHeadResult fitted = FitHead.run(new FitHeadOptions(o.engineConfig(), o.engineBase(), base, folder,
                    o.work().resolve("head-seed" + seed + "-n" + label(n)), protocol, o.descriptor(), LinearHead.Classifier.LOGISTIC, null,
                    FitHeadOptions.DEFAULT_FOLDS, FitHeadOptions.DEFAULT_HOLDOUT, seed, 1), new PrintWriter(new StringWriter()));
                head.computeIfAbsent(n, k -> new TreeMap<>()).put(seed, 100 * (1 - fitted.servedTop1()));
                log.printf(Locale.ROOT, "seed %d, n %s: head on A top-1 error %.2f%% (C %s)%n", seed, label(n),
                    100 * (1 - fitted.servedTop1()), fitted.card().head().c());
                log.flush();

                Path scratchDir = o.work().resolve("scratch-A-seed" + seed + "-n" + label(n));
                if (!Files.exists(scratchDir.resolve("model.onnx"))) {
                    int epochs = Math.max(3, Math.min(Recipe.PAPER_MAX_EPOCHS, (int) Math.ceil((double) o.scratchImagesSeen() / images)));
                    int batch = Math.min(64, images);
                    // Patience 5, no minimum gain: a net on 25 images is noisy epoch to epoch; it gets its epochs before the lr drops.
                    train(new Recipe("A", o.width(), o.fc(), folder.toAbsolutePath().toString(), 32, "32", epochs, batch, null, "glorot",
                        "glorot", 5, 0, 0.9, 5e-4, 0.5, 0.1, 0, seed, scratchDir.toAbsolutePath().toString(), null, null, null),
                        settings, log);
                }
                Evaluation.Run run = Evaluation.run(o.engineConfig(), o.engineBase(), scratchDir, protocol, samples(folder), i -> { });
                Evaluation.Row row = Evaluation.row(run, samples(folder));
                scratch.computeIfAbsent(n, k -> new TreeMap<>()).put(seed, row.top1Error());
                log.printf(Locale.ROOT, "seed %d, n %s: A from scratch top-1 error %.2f%%%n", seed, label(n), row.top1Error());
                log.flush();
            }
          }
        }
        List<Row> rows = new ArrayList<>();
        for (int n : o.perClass()) {
            Findings.Comparison c = Findings.compare("head on A", head.get(n), "A from scratch", scratch.get(n), valImages, false);
            rows.add(new Row(label(n), n, head.get(n), scratch.get(n), c));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String md = markdown(o, rows, baseTop1, valImages, seconds) + String.format(Locale.ROOT,
            "Load average (1, 5, 15 min) at the start: %s; at the end: %s; %d cores.%n", loadBefore, loadAverage(),
            Runtime.getRuntime().availableProcessors());
        Files.writeString(o.work().resolve("transfer.md"), md);
        return new Result(rows, baseTop1, valImages, md, seconds);
    }

    private static void train(Recipe recipe, TrainerSettings settings, PrintWriter log) throws Exception {
        try (StopSignal stop = StopSignal.onShutdown(settings.interruptSaveTimeout())) {
            Training.Result r = Training.run(recipe, false, settings, stop, new Progress() {
                @Override
                public void update(int epoch, int epochs, int done, int total, double loss, double acc, double ips, double eta) {
                }

                @Override
                public void println(String line) {
                    log.println("  " + line);
                    log.flush();
                }
            });
            if (r.interrupted()) {
                throw new InterruptedException("interrupted while training " + recipe.out() + "; rerun to resume");
            }
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String label(int n) {
        return n == 0 ? "all" : Integer.toString(n);
    }

    /**
     * {@code folder/train/<class>/}: n images of each new class drawn with the seed (all when n is 0);
     * {@code folder/val/<class>/}: the first {@code val} test images of each (the same for every seed and n).
     */
    static void writeFolder(FashionMnist train, FashionMnist test, int n, int val, long seed, Path folder) throws IOException {
        Random random = new Random(seed);
        for (int label : NEW_CLASSES) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                if (train.label(i) == label) {
                    idx.add(i);
                }
            }
            Collections.shuffle(idx, random);
            Path dir = Files.createDirectories(folder.resolve("train").resolve(name(label)));
            for (int i : idx.subList(0, n == 0 ? idx.size() : Math.min(n, idx.size()))) {
                ImageIO.write(train.image(i).toBufferedImage(), "png", dir.resolve(String.format("%05d.png", i)).toFile());
            }
            Path vdir = Files.createDirectories(folder.resolve("val").resolve(name(label)));
            int written = 0;
            for (int i = 0; i < test.size() && written < val; i++) {
                if (test.label(i) == label) {
                    ImageIO.write(test.image(i).toBufferedImage(), "png", vdir.resolve(String.format("%05d.png", i)).toFile());
                    written++;
                }
            }
        }
    }

    private static String name(int label) {
        return FashionMnist.CLASSES.get(label).replace('/', '-').replace(' ', '-');
    }

    private static int count(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return (int) s.filter(Files::isRegularFile).count();
        }
    }

    /** The held-out images of the new classes, labelled as the folder's sorted class names (as fit-head and the trainer read them). */
    static Evaluation.Samples samples(Path folder) throws IOException {
        List<String> classes;
        try (var s = Files.list(folder.resolve("val"))) {
            classes = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) {
            try (var s = Files.list(folder.resolve("val").resolve(classes.get(k)))) {
                for (Path p : s.sorted().toList()) {
                    files.add(p);
                    labels.add(k);
                }
            }
        }
        return new Evaluation.Samples() {
            public int size() {
                return files.size();
            }

            public Evaluation.Sample get(int i) {
                try {
                    return new Evaluation.Sample(Files.readAllBytes(files.get(i)), labels.get(i));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            public String name() {
                return folder.getFileName() + "/val";
            }
        };
    }


    static String markdown(Options o, List<Row> rows, Map<Long, Double> baseTop1, int valImages, double seconds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Base A (width %s, FC %d, crop 32) trained on Fashion-MNIST classes 0-4, %d images, %d epochs;"
            + " its test top-1 on classes 0-4 by seed: %s.%n%n", o.width(), o.fc(), o.baseImages(), o.baseEpochs(), fmt(baseTop1, 100)));
        sb.append(String.format(Locale.ROOT, "Classes 5-9, measured through the engine (%s) on %d held-out test images (%d a class),"
            + " heads fitted on %s descriptors; top-1 error %%, mean over %d seed(s), per seed in brackets:%n%n", o.protocol(), valImages,
            o.valPerClass(), o.descriptor().label(), o.seeds().size()));
        sb.append("| images per class | head on A's features | A from scratch, same images | difference | spread | verdict |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            Findings.Comparison c = r.comparison();
            sb.append(String.format(Locale.ROOT, "| %s | %.2f (%s) | %.2f (%s) | %+.2f | %.2f (%s) | %s |%n", r.size(), c.betterErr(),
                fmt(r.headErr(), 1), c.worseErr(), fmt(r.scratchErr(), 1), c.difference(), c.spread(),
                c.spreadFromSeeds() ? "sd over seeds" : "sampling error", c.verdict().text()));
        }
        sb.append(String.format(Locale.ROOT, "%nverdict: \"reproduced\" when the head's error is lower than scratch's by more than the spread"
            + " (replicate's rule); difference = scratch minus head. Wall time %.0f s.%n", seconds));
        return sb.toString();
    }

    private static String fmt(Map<Long, Double> bySeed, double scale) {
        List<String> parts = new ArrayList<>();
        bySeed.values().forEach(v -> parts.add(String.format(Locale.ROOT, "%.2f", v * scale)));
        return String.join(", ", parts);
    }
}
