package io.vggstream.replicate;

import com.typesafe.config.Config;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.replicate.DatasetSamples;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.fusion.Fusion;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.topics.card.TopK;
import io.vggstream.topics.config.StrictConfig;
import io.vggstream.trainer.data.FashionMnist;
import io.vggstream.trainer.data.LabeledImages;
import io.vggstream.trainer.export.OnnxExporter;
import io.vggstream.trainer.train.Progress;
import io.vggstream.trainer.train.Recipe;
import io.vggstream.trainer.train.StopSignal;
import io.vggstream.trainer.train.TrainerSettings;
import io.vggstream.trainer.train.Training;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs a {@link ScaleDown}: trains each net with the trainer's own {@link Training#run} (warm-starting
 * B to E from A of the same seed and scale), evaluates each with the engine's own
 * {@link Evaluation#run} under each protocol, and keeps every posterior on disk, so that a rerun in
 * the same folder skips what is done and the fusion of two nets is computed from their stored
 * posteriors with the engine's {@link Fusion}.
 *
 * <p>Layout of the run folder: {@code plan.json}; {@code train/D-jitter-s2/} (a trainer run folder:
 * model.onnx, model.json, metrics.csv, curve.png, checkpoints/); {@code eval/D-jitter-s2/multi-scale.post}
 * (float32 posteriors, one row per test image); {@code results.csv}; {@code timings.csv}.
 */
final class Runner {

    private final ScaleDown plan;
    private final Path out;
    private final String data;
    private final PrintWriter log;
    private final TrainerSettings trainerSettings;
    private final Config engineConfig;
    private final EngineSettings engineBase;
    private DatasetSamples samples;
    private int[] labels;

    Runner(ScaleDown plan, Path out, String data, PrintWriter log) {
        this.plan = plan;
        this.out = out;
        this.data = data;
        this.log = log;
        this.trainerSettings = TrainerSettings.load();
        this.engineConfig = StrictConfig.load(Optional.empty());
        // CPU, batches of up to 32 variants; one ONNX Runtime worker using every core.
        this.engineBase = EngineSettings.from(engineConfig).withInference(InferenceSettings.from(engineConfig)
                .withDevices(List.of(Device.parse("cpu"))).withMaxBatchSize(32).withMaxDelay(Duration.ofMillis(2)));
    }

    Path trainDir(ScaleDown.Net net, long seed) {
        return out.resolve("train").resolve(net.folder(seed));
    }

    private Path posteriorFile(ScaleDown.Net net, long seed, String protocol) {
        return out.resolve("eval").resolve(net.folder(seed)).resolve(protocol.replace('+', '_') + ".post");
    }

    /** Trains the net unless its model is already exported there; resumes an interrupted run. */
    void train(ScaleDown.Net net, long seed) throws IOException, InterruptedException {
        Path dir = trainDir(net, seed);
        if (Files.exists(dir.resolve(OnnxExporter.MODEL_FILE)) && Files.exists(dir.resolve(ModelCard.FILE_NAME))) {
            log.printf("train %-14s seed %d: done before, kept (%s)%n", net.key(), seed, dir);
            log.flush();
            return;
        }
        String init = "glorot";
        if (plan.warmStart() && ScaleDown.WARM_FROM_A.contains(net.config())) {
            Path a = trainDir(new ScaleDown.Net("A", net.jittered()), seed);
            if (!Files.exists(a.resolve(OnnxExporter.MODEL_FILE))) {
                train(new ScaleDown.Net("A", net.jittered()), seed);
            }
            init = a.toAbsolutePath().toString();
        }
        String scale = plan.scale(net.jittered()).toString();
        Recipe recipe = new Recipe(net.config(), plan.width(), plan.fc(), data, plan.crop(), scale, plan.epochs(),
                plan.batchSize(), null, init, "glorot", 1, 0.005, 0.9, 5e-4, 0.5, 0.1, 0, seed,
                dir.toAbsolutePath().toString(), plan.trainImages(), plan.valImages(), plan.testImages());
        boolean resume = Files.exists(dir.resolve("checkpoints").resolve("latest"));
        log.printf("train %-14s seed %d: %s%s%n", net.key(), seed, resume ? "resuming " : "", dir);
        log.flush();
        long t0 = System.nanoTime();
        Training.Result result;
        try (StopSignal stop = StopSignal.onShutdown(trainerSettings.interruptSaveTimeout())) {
            result = Training.run(recipe, resume, trainerSettings, stop, new Lines("  " + net.folder(seed) + ": ", log));
        }
        if (result.interrupted()) {
            throw new InterruptedException("interrupted while training " + net.key() + " seed " + seed
                    + "; rerun the same command to resume");
        }
        timing("train", net.folder(seed), t0);
    }

    /** The stored posteriors of a net under a protocol, evaluating it first when they are not there. */
    float[][] posteriors(ScaleDown.Net net, long seed, String protocol) throws Exception {
        Path file = posteriorFile(net, seed, protocol);
        DatasetSamples s = samples(trainDir(net, seed));
        if (Files.exists(file)) {
            float[][] p = read(file);
            if (p.length == s.size()) {
                return p;
            }
        }
        Path model = trainDir(net, seed);
        log.printf("evaluate %-14s seed %d with %s on %d images%n", net.key(), seed, protocol, s.size());
        log.flush();
        long t0 = System.nanoTime();
        Evaluation.Run run = Evaluation.run(engineConfig, engineBase, model, Protocol.parse(protocol), s, i -> { });
        float[][] p = new float[s.size()][];
        for (int i = 0; i < p.length; i++) {
            double[] d = run.posteriors()[i];
            p[i] = new float[d == null ? 0 : d.length];
            for (int k = 0; d != null && k < d.length; k++) {
                p[i][k] = (float) d[k];
            }
        }
        write(file, p);
        timing("eval", net.folder(seed) + "/" + protocol, t0);
        return p;
    }

    /** A net's posteriors under a protocol; dense+crops from the stored dense and crops ones (see {@link #denseAndCrops}). */
    float[][] posteriorsOf(ScaleDown.Net net, long seed, String protocol) throws Exception {
        if (protocol.equals(Results.BOTH)) {
            return denseAndCrops(posteriors(net, seed, Results.MULTI), posteriors(net, seed, Results.CROPS));
        }
        return posteriors(net, seed, protocol);
    }

    /**
     * The engine's dense+crops posterior from its two halves: {@link Fusion.ModelSum} averages the
     * dense variants (the multi-scale protocol's posterior), averages the crops (the crops
     * protocol's), and lets the two means count equally; a failed half fails the image.
     */
    static float[][] denseAndCrops(float[][] dense, float[][] crops) {
        float[][] out = new float[dense.length][];
        for (int i = 0; i < dense.length; i++) {
            if (dense[i].length == 0 || crops[i].length == 0) {
                out[i] = new float[0];
                continue;
            }
            double[] d = new double[dense[i].length];
            double[] c = new double[crops[i].length];
            for (int k = 0; k < d.length; k++) {
                d[k] = dense[i][k];
                c[k] = crops[i][k];
            }
            double[] m = Fusion.mean(List.of(d, c));
            out[i] = new float[m.length];
            for (int k = 0; k < m.length; k++) {
                out[i][k] = (float) m[k];
            }
        }
        return out;
    }

    /** Top-1 and top-5 error (%) of the mean of some nets' posteriors (one net: its own). */
    Results.Measure score(String key, String protocol, long seed, List<float[][]> perModel) {
        return score(key, protocol, seed, perModel, labels);
    }

    /**
     * The same on given labels, by {@link TopK}: a failed image (an empty posterior), a NaN and a
     * tie for first are top-1 errors, as in {@code evaluate}.
     */
    static Results.Measure score(String key, String protocol, long seed, List<float[][]> perModel, int[] labels) {
        int n = labels.length;
        int top1 = 0;
        int top5 = 0;
        for (int i = 0; i < n; i++) {
            List<double[]> ps = new ArrayList<>();
            for (float[][] m : perModel) {
                if (m[i].length > 0) {
                    double[] d = new double[m[i].length];
                    for (int k = 0; k < d.length; k++) {
                        d[k] = m[i][k];
                    }
                    ps.add(d);
                }
            }
            if (ps.size() < perModel.size()) {
                continue; // a failed image counts as an error, as in evaluate
            }
            double[] fused = Fusion.mean(ps);
            if (TopK.contains(fused, labels[i], 1)) {
                top1++;
            }
            if (TopK.contains(fused, labels[i], 5)) {
                top5++;
            }
        }
        return new Results.Measure(key, protocol, seed, n, 100.0 * (n - top1) / n, 100.0 * (n - top5) / n);
    }

    private DatasetSamples samples(Path anyModel) throws IOException {
        if (samples == null) {
            List<String> classes = ModelCard.read(anyModel.resolve(ModelCard.FILE_NAME)).classes();
            Path dir = data.equals("fashion-mnist") ? FashionMnist.DEBIAN_DIR : Path.of(data);
            LabeledImages test = FashionMnist.load(dir, FashionMnist.Split.TEST);
            samples = new DatasetSamples(test, classes, plan.evalImages());
            labels = new int[samples.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = samples.get(i).label();
            }
        }
        return samples;
    }

    private void timing(String kind, String key, long t0) throws IOException {
        double s = (System.nanoTime() - t0) / 1e9;
        Path f = out.resolve("timings.csv");
        if (!Files.exists(f)) {
            Files.writeString(f, "kind,job,seconds\n");
        }
        Files.writeString(f, String.format(Locale.ROOT, "%s,%s,%.1f%n", kind, key, s), StandardOpenOption.APPEND);
        log.printf(Locale.ROOT, "  %s %s: %.0f s%n", kind, key, s);
        log.flush();
    }

    /** Seconds recorded in timings.csv by every invocation on this folder, by kind. */
    static double[] recordedSeconds(Path out) throws IOException {
        double[] t = new double[2];
        Path f = out.resolve("timings.csv");
        if (Files.exists(f)) {
            for (String line : Files.readAllLines(f)) {
                String[] p = line.split(",");
                if (p.length == 3 && !p[0].equals("kind")) {
                    t[p[0].equals("train") ? 0 : 1] += Double.parseDouble(p[2]);
                }
            }
        }
        return t;
    }

    static void write(Path file, float[][] p) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp);
             DataOutputStream o = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
            o.writeInt(p.length);
            for (float[] row : p) {
                o.writeInt(row.length);
                for (float v : row) {
                    o.writeFloat(v);
                }
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static float[][] read(Path file) throws IOException {
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(is))) {
            float[][] p = new float[in.readInt()][];
            for (int i = 0; i < p.length; i++) {
                p[i] = new float[in.readInt()];
                for (int k = 0; k < p[i].length; k++) {
                    p[i][k] = in.readFloat();
                }
            }
            return p;
        }
    }

    /** The trainer's progress as a few lines: its per-epoch summaries, no progress bar. */
    private static final class Lines implements Progress {
        private final String prefix;
        private final PrintWriter log;

        Lines(String prefix, PrintWriter log) {
            this.prefix = prefix;
            this.log = log;
        }

        @Override
        public void update(int epoch, int epochs, int done, int total, double loss, double acc, double imagesPerSecond,
                           double etaSeconds) {
        }

        @Override
        public void println(String line) {
            log.println(prefix + line);
            log.flush();
        }
    }
}
