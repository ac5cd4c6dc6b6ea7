package io.vggstream.benchmarks.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.vggstream.trainer.augment.Augmenter;
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.data.BatchLoader;
import io.vggstream.trainer.data.DataSource;
import io.vggstream.trainer.data.HostBatch;
import io.vggstream.trainer.data.RgbStats;
import io.vggstream.trainer.model.Initialization;
import io.vggstream.trainer.model.VggConfig;
import io.vggstream.trainer.model.VggNet;
import io.vggstream.trainer.model.VggSpec;
import io.vggstream.trainer.schedule.MomentumSgd;
import io.vggstream.trainer.schedule.PlateauSchedule;
import io.vggstream.trainer.train.Djl;
import io.vggstream.trainer.train.Step;
import io.vggstream.trainer.train.TrainerSettings;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Not a test: training throughput through the real data pipeline (loader threads decoding and
 * augmenting Fashion-MNIST, host batches wrapped as NDArrays) against a bare DJL loop over the same
 * steps on batches already in memory as NDArrays. Rounds alternate bare and pipeline so that drift
 * (thermal, other load) hits both. The pipeline's cost is {@code 1 - pipeline / bare}.
 *
 * <p>Usage: {@code PipelineBenchmark [steps-per-chunk] [chunks] [batch] [width] [loader-threads]},
 * defaults 20 30 64 0.25 (loader threads from {@code reference.conf}). Chunks alternate A B B A.
 */
public final class PipelineBenchmark {

    private PipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        double width = args.length > 3 ? Double.parseDouble(args[3]) : 0.25;
        TrainerSettings settings = TrainerSettings.load();
        if (args.length > 4) {
            settings = settings.withLoaderThreads(Integer.parseInt(args[4]));
        }
        int crop = 32;
        Engine engine = Djl.engine(settings.djlCacheDir());
        engine.setRandomSeed(1);
        DataSource data = DataSource.resolve(DataSource.FASHION_MNIST, settings.holdoutEvery());
        RgbStats stats = RgbStats.compute(data.train(), settings.statsMaxImages(), 2);
        int loaderThreads = settings.loaderThreads(false);
        VggSpec spec = new VggSpec(VggConfig.A, width, 256, 10, crop);
        System.out.printf(Locale.ROOT, "%s, batch %d, %d loader thread(s), %d cores, PyTorch %s%n", spec, batch,
                loaderThreads, Runtime.getRuntime().availableProcessors(), engine.getVersion());
        try (Model model = Model.newInstance("bench", Device.cpu(), Djl.ENGINE)) {
            VggNet net = VggNet.of(spec);
            Initialization.applyRandom(net, new Initialization.Glorot());
            model.setBlock(net);
            MomentumSgd sgd = MomentumSgd.builder().setLearningRateTracker(PlateauSchedule.paper(1e-2, 2))
                    .optWeightDecays(5e-4f).build();
            Device[] devices = {Device.cpu()};
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(sgd).optDevices(devices))) {
                trainer.initialize(new Shape(batch, 3, crop, crop));
                Augmenter augmenter = Augmenter.training(crop, new TrainScale(crop, crop), stats.pca(), 0.1,
                        stats.meanRgb());
                // Chunks alternate A B B A so that bursts of other load hit both paths alike; one loader
                // runs through all pipeline chunks, as in an epoch.
                int[] order = BatchLoader.permutation(data.train().size(), 7);
                int chunks = rounds;
                int[] part = java.util.Arrays.copyOf(order, Math.min(order.length, (chunks + 1) * steps * batch));
                try (NDManager m = trainer.getManager().newSubManager();
                        BatchLoader loader = new BatchLoader(data.train(), part, batch, augmenter, 7,
                                loaderThreads, settings.loaderBuffers())) {
                    Bare bare = new Bare(m, batch, crop);
                    bare.run(trainer, devices, steps);
                    pipeline(trainer, devices, loader, steps);
                    double bareImages = 0;
                    double bareSeconds = 0;
                    double pipeImages = 0;
                    double pipeSeconds = 0;
                    double dataSeconds = 0;
                    double[] ratios = new double[chunks];
                    for (int c = 0; c < chunks; c++) {
                        double[] b;
                        double[] p;
                        if (c % 2 == 0) {
                            b = bare.run(trainer, devices, steps);
                            p = pipeline(trainer, devices, loader, steps);
                        } else {
                            p = pipeline(trainer, devices, loader, steps);
                            b = bare.run(trainer, devices, steps);
                        }
                        bareImages += b[0];
                        bareSeconds += b[1];
                        pipeImages += p[0];
                        pipeSeconds += p[1];
                        dataSeconds += p[2];
                        ratios[c] = (p[0] / p[1]) / (b[0] / b[1]);
                        System.out.printf(Locale.ROOT, "chunk %d: bare %.0f img/s, pipeline %.0f img/s%n", c + 1,
                                b[0] / b[1], p[0] / p[1]);
                    }
                    java.util.Arrays.sort(ratios);
                    double median = ratios[chunks / 2];
                    System.out.printf(Locale.ROOT, "total: bare %.0f img/s, pipeline %.0f img/s; pipeline/bare %.3f"
                            + " (median of chunks %.3f): the pipeline costs %.1f%%%n", bareImages / bareSeconds,
                            pipeImages / pipeSeconds, (pipeImages / pipeSeconds) / (bareImages / bareSeconds), median,
                            100 * (1 - median));
                    System.out.printf(Locale.ROOT, "the training thread spent %.1f%% of the pipeline's time getting"
                            + " data (%.2f ms a batch); augmentation alone: %.0f images/s on one thread%n",
                            100 * dataSeconds / pipeSeconds, 1000 * dataSeconds / (chunks * steps),
                            augmentationOnly(data, augmenter, 20_000));
                }
            }
        }
    }

    /** Steps over eight batches made once, already NDArrays on the device. */
    private static final class Bare {
        private final NDArray[] xs = new NDArray[8];
        private final NDArray[] ys = new NDArray[8];
        private final int batch;
        private int next;

        Bare(NDManager m, int batch, int crop) {
            this.batch = batch;
            SplittableRandom rng = new SplittableRandom(3);
            for (int i = 0; i < xs.length; i++) {
                xs[i] = m.randomNormal(0, 80, new Shape(batch, 3, crop, crop), DataType.FLOAT32);
                long[] labels = new long[batch];
                for (int j = 0; j < batch; j++) {
                    labels[j] = rng.nextInt(10);
                }
                ys[i] = m.create(labels);
            }
        }

        /** Returns images and seconds. */
        double[] run(Trainer trainer, Device[] devices, int steps) {
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                try (NDManager step = trainer.getManager().newSubManager()) {
                    NDArray x = xs[next % xs.length];
                    NDArray y = ys[next++ % ys.length];
                    x.tempAttach(step);
                    y.tempAttach(step);
                    Step.run(trainer, devices, x, y);
                }
            }
            return new double[] {(double) steps * batch, (System.nanoTime() - t0) / 1e9};
        }
    }

    /**
     * The trainer's path: loader, augmentation, host batch to NDArray, step. Returns images, seconds,
     * and the seconds the training thread spent getting data (waiting for, or building, the batch,
     * and wrapping it as NDArrays) rather than in the step.
     */
    private static double[] pipeline(Trainer trainer, Device[] devices, BatchLoader loader, int steps) {
        long images = 0;
        long dataNanos = 0;
        long t0 = System.nanoTime();
        for (int s = 0; s < steps && loader.hasNext(); s++) {
            long d0 = System.nanoTime();
            HostBatch hb = loader.next();
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray x = m.create(hb.data(), new Shape(hb.count(), 3, hb.side(), hb.side()), DataType.FLOAT32);
                long[] labels = new long[hb.count()];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = hb.labels()[i];
                }
                NDArray y = m.create(labels);
                dataNanos += System.nanoTime() - d0;
                Step.run(trainer, devices, x, y);
            }
            images += hb.count();
            loader.release(hb);
        }
        return new double[] {images, (System.nanoTime() - t0) / 1e9, dataNanos / 1e9};
    }

    /** Images per second the augmentation alone achieves on one thread (no PyTorch running). */
    private static double augmentationOnly(DataSource data, Augmenter augmenter, int images) {
        java.nio.FloatBuffer out = java.nio.FloatBuffer.allocate(3 * augmenter.side() * augmenter.side());
        long t0 = System.nanoTime();
        for (int i = 0; i < images; i++) {
            augmenter.apply(data.train().image(i % data.train().size()), new SplittableRandom(i), out, 0);
        }
        return images / ((System.nanoTime() - t0) / 1e9);
    }
}
