package io.vggstream.trainer.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.BadInputException;
import io.vggstream.trainer.augment.Augmenter;
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.data.BatchLoader;
import io.vggstream.trainer.data.ColourPca;
import io.vggstream.trainer.data.DataSource;
import io.vggstream.trainer.data.HostBatch;
import io.vggstream.trainer.data.LabeledImages;
import io.vggstream.trainer.data.RgbStats;
import io.vggstream.trainer.export.ModelCards;
import io.vggstream.trainer.export.OnnxExporter;
import io.vggstream.trainer.model.Initialization;
import io.vggstream.trainer.model.VggNet;
import io.vggstream.trainer.model.VggSpec;
import io.vggstream.trainer.schedule.MomentumSgd;
import io.vggstream.trainer.schedule.PlateauSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training run as the paper's Sect. 3.1, in a few plain steps: prepare the data and its
 * statistics, build and initialise the net, then per epoch train, validate, let the schedule decide,
 * write metrics, the curve and a checkpoint; at the end score the test set with dense evaluation
 * and export the ONNX graph with its card.
 */
public final class Training {
    private static final Logger LOG = LoggerFactory.getLogger(Training.class);

    public static final String METRICS = "metrics.csv";
    public static final String CURVE = "curve.png";

    private Training() {}

    /**
     * How a run ended.
     *
     * @param out the run folder
     * @param epochs epochs completed
     * @param stopReason why training stopped
     * @param interrupted true when stopped by Ctrl-C (a checkpoint was written; no export)
     * @param card the exported model's card, or null when interrupted
     * @param history one row per completed epoch
     * @param wall wall time of this invocation
     */
    public record Result(Path out, int epochs, String stopReason, boolean interrupted, ModelCard card,
            List<MetricsRow> history, Duration wall) {}

    /** Totals of the batches trained so far in an epoch. */
    private record Partial(int batches, double loss, long correct, long images, double seconds, long skipped,
            double gradNormSum, double gradNormMax, int steps) {
        static final Partial NONE = new Partial(0, 0, 0, 0, 0, 0, 0, 0, 0);

        double gradNormMean() {
            return steps == 0 ? 0 : gradNormSum / steps;
        }
    }

    /**
     * Trains {@code recipe} (or, with {@code resume}, continues the run in {@code recipe.out()}
     * with the recipe stored there).
     *
     * @throws BadInputException naming the flag when the input is unusable
     * @throws DivergedException when a loss, gradient or weight stops being a finite number
     */
    public static Result run(Recipe recipe, boolean resume, TrainerSettings settings, StopSignal stop,
            Progress progress) throws IOException, InterruptedException {
        return run(recipe, resume, null, settings, stop, progress);
    }

    /**
     * As {@link #run(Recipe, boolean, TrainerSettings, StopSignal, Progress)}; with {@code resume},
     * a non-null {@code resumeLr} replaces the stored schedule's learning rate (the way on after a
     * divergence), and the schedule goes on from there.
     */
    public static Result run(Recipe recipe, boolean resume, Double resumeLr, TrainerSettings settings, StopSignal stop,
            Progress progress) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Path out = recipe.outDir();
        CheckpointState restored = null;
        Path checkpoint = null;
        if (resume) {
            checkpoint = Checkpoint.locate(out, "--resume");
            restored = Checkpoint.readState(checkpoint);
            recipe = restored.recipe();
            LOG.info("resuming {} from {} (epoch {}, batch {}) with its stored recipe", out, checkpoint,
                    restored.epoch(), restored.batchesDone());
        } else {
            recipe.validate();
            if (Files.exists(out.resolve(Checkpoint.DIR).resolve(Checkpoint.LATEST))) {
                throw new BadInputException("--out", "--out " + out + " already holds a run: add --resume to continue"
                        + " it, or choose another folder");
            }
        }
        DataSource data = DataSource.resolve(recipe.data(), settings.holdoutEvery()).classes(recipe.classes())
                .limit(recipe.trainImages(), recipe.valImages(), recipe.testImages());
        Files.createDirectories(out);
        Engine engine = Djl.engine(settings.djlCacheDir());
        List<String> classes = data.classes();
        if (restored != null && !restored.classes().equals(classes)) {
            throw new BadInputException("--data", recipe.data() + " now has classes " + classes
                    + "; the checkpoint was trained on " + restored.classes());
        }
        double[] mean;
        ColourPca pca;
        if (restored != null) {
            mean = restored.meanRgb();
            pca = new ColourPca(restored.eigenvalues(), restored.eigenvectors());
        } else {
            RgbStats stats = RgbStats.compute(data.train(), settings.statsMaxImages(),
                    Runtime.getRuntime().availableProcessors());
            mean = stats.meanRgb();
            pca = stats.pca();
            LOG.info("training-set statistics over {} images: mean RGB {}, PCA eigenvalues {}", stats.images(),
                    fmt(mean), fmt(pca.eigenvalues()));
        }
        VggSpec spec = recipe.spec(classes.size());
        TrainScale scale = recipe.trainScale();
        int q = scale.testScale();
        Device[] devices = devices(engine, recipe.gpus());
        warnIfBusy(devices);
        LOG.info("{}: {} parameters, training S {}, test Q {}, on {}", spec, String.format(Locale.ROOT, "%,d",
                spec.parameterCount()), scale, q, Arrays.toString(devices));

        engine.setRandomSeed((int) recipe.seed());
        try (Model model = Model.newInstance("vgg-" + spec.config().label(), devices[0], Djl.ENGINE)) {
            VggNet net = VggNet.builder().setConfig(spec.config()).optWidth(spec.width()).optFc(spec.fc())
                    .optClasses(spec.classes()).optCrop(spec.crop()).optDropout((float) recipe.dropout()).build();
            Initialization rest = Initialization.parse(recipe.initRest(), null);
            Initialization init = Initialization.parse(recipe.init(), rest);
            Initialization.applyRandom(net, init);
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, spec.crop(), spec.crop()));
            boolean sameConfigCopy = false;
            if (restored != null) {
                try (NDManager m = model.getNDManager().newSubManager()) {
                    Checkpoint.loadWeights(net, Checkpoint.readArrays(checkpoint.resolve(Checkpoint.WEIGHTS), m),
                            checkpoint);
                }
            } else if (init instanceof Initialization.CopyFrom copy) {
                sameConfigCopy = copyInto(net, copy);
            }
            model.setBlock(net);

            PlateauSchedule schedule = new PlateauSchedule(recipe.initialLr(sameConfigCopy), recipe.patience(), 3,
                    recipe.epochs(), recipe.minImprovement());
            if (restored != null) {
                PlateauSchedule.State st = restored.schedule();
                if (resumeLr != null) {
                    if (!(resumeLr > 0 && resumeLr < 10)) {
                        throw new BadInputException("--lr", "--lr must be in (0, 10), was " + resumeLr);
                    }
                    LOG.info("resuming with learning rate {} instead of the stored {}", resumeLr, st.lr());
                    st = new PlateauSchedule.State(resumeLr, st.best(), st.bestEpoch(), st.sinceBest(), st.reductions(),
                            st.epoch(), st.stopped(), st.reason());
                }
                schedule.restore(st);
            }
            MomentumSgd sgd = MomentumSgd.builder().setLearningRateTracker(schedule)
                    .optMomentum((float) recipe.momentum()).optWeightDecays((float) recipe.weightDecay()).build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(sgd).optDevices(devices);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 3, spec.crop(), spec.crop()));
                Map<String, String> idToName = new HashMap<>();
                Map<String, String> nameToId = new HashMap<>();
                for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
                    idToName.put(e.getValue().getId(), e.getKey());
                    nameToId.put(e.getKey(), e.getValue().getId());
                }
                if (restored != null) {
                    try (NDManager m = model.getNDManager().newSubManager()) {
                        sgd.importVelocity(Checkpoint.readArrays(checkpoint.resolve(Checkpoint.MOMENTUM), m), nameToId,
                                devices[0]);
                    }
                }
                Run run = new Run(recipe, settings, data, spec, scale, mean, pca, net, trainer, sgd, schedule, devices,
                        idToName, stop, progress, out, engine, new double[] {Double.NaN});
                List<MetricsRow> history = new ArrayList<>(restored == null ? List.of() : restored.history());
                Partial partial = restored == null ? Partial.NONE : new Partial(restored.batchesDone(),
                        restored.partialLoss(), restored.partialCorrect(), restored.partialImages(),
                        restored.partialSeconds(), 0, 0, 0, 0);
                return run.loop(history, partial, started);
            }
        } finally {
            stop.acknowledge();
        }
    }

    /**
     * Exports a checkpoint: rebuilds the net on the CPU, scores it on its test set (unless
     * {@code evaluate} is false) with dense evaluation at the test scale, and writes
     * {@code out/model.onnx} and {@code out/model.json}.
     *
     * @param checkpointPath a checkpoint folder, or a run folder (its latest checkpoint)
     * @param data where the dataset is now, or null for the recipe's {@code --data}
     */
    public static ModelCard exportCheckpoint(Path checkpointPath, Path out, String data, boolean evaluate,
            TrainerSettings settings) throws IOException {
        Path checkpoint = Checkpoint.locate(checkpointPath, "--checkpoint");
        CheckpointState state = Checkpoint.readState(checkpoint);
        Recipe recipe = state.recipe();
        Djl.engine(settings.djlCacheDir());
        VggSpec spec = recipe.spec(state.classes().size());
        TrainScale scale = recipe.trainScale();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), Djl.ENGINE)) {
            VggNet net = VggNet.of(spec);
            Initialization.applyRandom(net, new Initialization.Normal());
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, spec.crop(), spec.crop()));
            try (NDManager m = manager.newSubManager()) {
                Checkpoint.loadWeights(net, Checkpoint.readArrays(checkpoint.resolve(Checkpoint.WEIGHTS), m), checkpoint);
            }
            ModelCard.Accuracy accuracy = null;
            if (evaluate) {
                DataSource source = DataSource.resolve(data != null ? data : recipe.data(), settings.holdoutEvery())
                        .classes(recipe.classes()).limit(recipe.trainImages(), recipe.valImages(), recipe.testImages());
                if (!source.classes().equals(state.classes())) {
                    throw new BadInputException("--data", (data != null ? data : recipe.data()) + " has classes "
                            + source.classes() + "; the checkpoint knows " + state.classes());
                }
                int batch = settings.evalBatchSize() > 0 ? settings.evalBatchSize() : Math.min(recipe.batchSize(), 256);
                DenseEvaluation.Score test = DenseEvaluation.dense(net, source.test(), scale.testScale(), state.meanRgb(), batch,
                        settings.loaderThreads(false), settings.loaderBuffers(), manager, Device.cpu());
                accuracy = new ModelCard.Accuracy(source.name(), source.testSplit(), test.images(), test.top1(),
                        test.top5(), scale.testScale(), DenseEvaluation.PROTOCOL);
            }
            ModelCard.Accuracy measured = accuracy;
            return OnnxExporter.export(net, sha -> ModelCards.card(spec, state.classes(), state.meanRgb(), scale,
                    measured, recipe.asMap(), sha), out);
        }
    }

    private static boolean copyInto(VggNet net, Initialization.CopyFrom copy) throws IOException {
        Path from = Checkpoint.locate(copy.checkpoint(), "--init");
        CheckpointState source = Checkpoint.readState(from);
        VggSpec sourceSpec = source.recipe().spec(source.classes().size());
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            List<String> copied = Initialization.copy(sourceSpec,
                    Checkpoint.readArrays(from.resolve(Checkpoint.WEIGHTS), m), net);
            LOG.info("copied {} from {} ({}); the other layers keep their random init", copied, from, sourceSpec);
        }
        return sourceSpec.config() == net.spec().config();
    }

    /** PyTorch's OpenMP workers stall when other processes take their cores: say so up front. */
    private static void warnIfBusy(Device[] devices) {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        if (!devices[0].isGpu() && load > cores) {
            LOG.warn("the machine is busy (load average {} on {} cores): CPU training will be much slower than on an"
                    + " idle machine; -Dai.djl.pytorch.num_threads=1 suffers less from the contention",
                    String.format(Locale.ROOT, "%.1f", load), cores);
        }
    }

    private static Device[] devices(Engine engine, int gpus) {
        if (gpus == 0 || engine.getGpuCount() == 0) {
            return new Device[] {Device.cpu()};
        }
        return gpus < 0 ? engine.getDevices() : engine.getDevices(gpus);
    }

    static String fmt(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", v[i]));
        }
        return b.append(']').toString();
    }

    /** The state of one run while it trains. */
    private record Run(Recipe recipe, TrainerSettings settings, DataSource data, VggSpec spec, TrainScale scale,
            double[] mean, ColourPca pca, VggNet net, Trainer trainer, MomentumSgd sgd, PlateauSchedule schedule,
            Device[] devices, Map<String, String> idToName, StopSignal stop, Progress progress, Path out,
            Engine engine, double[] lastLoss) {

        Result loop(List<MetricsRow> history, Partial partial, long started) throws IOException {
            int evalBatch = settings.evalBatchSize() > 0 ? settings.evalBatchSize() : recipe.batchSize();
            while (!schedule.state().stopped()) {
                int epoch = schedule.state().epoch() + 1;
                double lr = schedule.lr();
                Partial done = trainEpoch(epoch, partial);
                partial = Partial.NONE;
                requireFiniteWeights(epoch);
                if (stop.requested()) {
                    Path saved = save(history, done, epoch - 1);
                    progress.println("interrupted: checkpoint " + saved + "; continue with --resume");
                    return new Result(out, epoch - 1, "interrupted", true, null, history, since(started));
                }
                DenseEvaluation.Score val = DenseEvaluation.dense(net, data.val(), scale.testScale(), mean, evalBatch,
                        loaderThreads(), settings.loaderBuffers(), trainer.getManager(), devices[0]);
                PlateauSchedule.Decision decision = schedule.onEpochEnd(val.top1());
                MetricsRow row = new MetricsRow(epoch, done.loss() / Math.max(1, done.images()),
                        done.gradNormMean(), done.gradNormMax(), (double) done.correct() / Math.max(1, done.images()), val.top1(), val.top5(), lr,
                        done.images() / Math.max(1e-9, done.seconds()), done.seconds(), done.skipped());
                history.add(row);
                writeMetrics(history);
                TrainingCurve.write(history, spec + ", S " + scale + ", " + data.name(), out.resolve(CURVE));
                save(history, Partial.NONE, epoch);
                progress.println(String.format(Locale.ROOT,
                        "epoch %d: loss %.4f, train top-1 %.2f%%, val top-1 %.2f%% top-5 %.2f%%, lr %.3g, %.0f img/s,"
                                + " %.0f s%s", epoch, row.trainLoss(), 100 * row.trainTop1(), 100 * row.valTop1(),
                        100 * row.valTop5(), lr, row.imagesPerSecond(), row.seconds(),
                        decision == PlateauSchedule.Decision.REDUCED ? "; plateau: lr divided by 10 to "
                                + String.format(Locale.ROOT, "%.3g", schedule.lr()) : ""));
            }
            String reason = schedule.state().reason();
            progress.println("training stopped: " + reason);
            int q = scale.testScale();
            int evalBatchSize = settings.evalBatchSize() > 0 ? settings.evalBatchSize() : recipe.batchSize();
            DenseEvaluation.Score test = DenseEvaluation.dense(net, data.test(), q, mean, evalBatchSize, loaderThreads(),
                    settings.loaderBuffers(), trainer.getManager(), devices[0]);
            ModelCard.Accuracy accuracy = new ModelCard.Accuracy(data.name(), data.testSplit(), test.images(),
                    test.top1(), test.top5(), q, DenseEvaluation.PROTOCOL);
            ModelCard card = OnnxExporter.export(net, sha -> ModelCards.card(spec, data.classes(), mean, scale,
                    accuracy, recipe.asMap(), sha), out);
            progress.println(String.format(Locale.ROOT, "%s %s: top-1 %.2f%%, top-5 %.2f%% on %d images (dense, Q %d);"
                    + " wrote %s", data.name(), data.testSplit(), 100 * test.top1(), 100 * test.top5(), test.images(),
                    q, out.resolve(OnnxExporter.MODEL_FILE)));
            return new Result(out, schedule.state().epoch(), reason, false, card, history, since(started));
        }

        private Partial trainEpoch(int epoch, Partial resumeFrom) {
            long epochSeed = BatchLoader.mix(recipe.seed(), epoch);
            engine.setRandomSeed((int) epochSeed);
            LabeledImages train = data.train();
            int batch = recipe.batchSize();
            int[] order = BatchLoader.permutation(train.size(), epochSeed);
            int total = (order.length + batch - 1) / batch;
            int first = resumeFrom.batches();
            int[] rest = Arrays.copyOfRange(order, Math.min(order.length, first * batch), order.length);
            Augmenter augmenter = Augmenter.training(spec.crop(), scale, recipe.alphaStd() > 0 ? pca : null,
                    recipe.alphaStd(), mean);
            double loss = resumeFrom.loss();
            long correct = resumeFrom.correct();
            long images = resumeFrom.images();
            double seconds = resumeFrom.seconds();
            long skipped = 0;
            double gradNormSum = 0;
            double gradNormMax = 0;
            int steps = 0;
            int b = first;
            long t0 = System.nanoTime();
            try (BatchLoader loader = new BatchLoader(train, rest, batch, augmenter, epochSeed,
                    loaderThreads(), settings.loaderBuffers())) {
                while (loader.hasNext()) {
                    HostBatch hb = loader.next();
                    skipped += hb.skipped();
                    if (hb.count() > 0) {
                        double[] step = step(hb);
                        // A loss or gradient that is not a number stops the run here: the weights
                        // were not updated, nothing more is trained, saved or exported.
                        if (!Double.isFinite(step[0]) || !Double.isFinite(step[2])) {
                            String what = !Double.isFinite(step[0]) ? "loss " + step[0] / hb.count()
                                    : "gradient norm " + step[2] + " (not finite in " + firstFew(Step.nonFiniteGradients(trainer)) + ")";
                            throw new DivergedException(epoch, b + 1, total, what, lastLoss[0], schedule.lr(),
                                    lastGoodCheckpoint());
                        }
                        lastLoss[0] = step[0] / hb.count();
                        gradNormSum += step[2];
                        gradNormMax = Math.max(gradNormMax, step[2]);
                        steps++;
                        loss += step[0];
                        correct += (long) step[1];
                        images += hb.count();
                    }
                    loader.release(hb);
                    b++;
                    double elapsed = seconds + (System.nanoTime() - t0) / 1e9;
                    double perBatch = (System.nanoTime() - t0) / 1e9 / Math.max(1, b - first);
                    progress.update(epoch, recipe.epochs(), b, total, loss / Math.max(1, images),
                            (double) correct / Math.max(1, images), images / Math.max(1e-9, elapsed),
                            perBatch * (total - b));
                    if (stop.requested() && loader.hasNext()) {
                        break;
                    }
                }
            }
            return new Partial(b, loss, correct, images, seconds + (System.nanoTime() - t0) / 1e9, skipped,
                    gradNormSum, gradNormMax, steps);
        }

        /**
         * A weight that is not a number fails the next step's loss; this catches the last step of an
         * epoch before its checkpoint, validation and export.
         */
        private void requireFiniteWeights(int epoch) {
            for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
                NDArray w = e.getValue().getArray();
                boolean finite;
                // The sum is NaN or infinite when any weight is (or when they overflow float: diverged too).
                try (NDArray sum = w.sum()) {
                    finite = Float.isFinite(sum.getFloat());
                }
                if (!finite) {
                    throw new DivergedException(epoch, 0, 0, "weights of " + e.getKey() + " are not all finite",
                            lastLoss[0], schedule.lr(), lastGoodCheckpoint());
                }
            }
        }

        private static String firstFew(List<String> names) {
            return names.size() <= 3 ? String.join(", ", names)
                    : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
        }

        private Path lastGoodCheckpoint() {
            try {
                return Checkpoint.locate(out, "--resume");
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** One SGD step; returns the summed loss and the number of right top-1 guesses. */
        private double[] step(HostBatch hb) {
            int n = hb.count();
            int side = hb.side();
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray x = m.create(hb.data(), new Shape(n, 3, side, side), DataType.FLOAT32);
                long[] labels = new long[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = hb.labels()[i];
                }
                NDArray y = m.create(labels);
                return Step.run(trainer, devices, x, y);
            }
        }

        private Path save(List<MetricsRow> history, Partial partial, int epochsDone) throws IOException {
            CheckpointState state = new CheckpointState(CheckpointState.FORMAT, recipe, data.classes(), mean,
                    pca.eigenvalues(), pca.eigenvectors(), epochsDone, partial.batches(), partial.loss(),
                    partial.correct(), partial.images(), partial.seconds(), schedule.state(), history,
                    ModelCards.versions());
            try (NDManager m = trainer.getManager().newSubManager(Device.cpu())) {
                return Checkpoint.save(out, state, net, sgd.exportVelocity(idToName, m), settings.keepCheckpoints());
            } finally {
                if (partial.batches() > 0) {
                    stop.acknowledge();
                }
            }
        }

        private void writeMetrics(List<MetricsRow> history) throws IOException {
            StringBuilder csv = new StringBuilder(MetricsRow.HEADER).append('\n');
            for (MetricsRow r : history) {
                csv.append(r.csv()).append('\n');
            }
            Path tmp = out.resolve(METRICS + ".tmp");
            Files.writeString(tmp, csv);
            Files.move(tmp, out.resolve(METRICS), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        private int loaderThreads() {
            return settings.loaderThreads(devices[0].isGpu());
        }

        private static Duration since(long started) {
            return Duration.ofNanos(System.nanoTime() - started);
        }
    }
}
