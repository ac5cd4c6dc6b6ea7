package io.vggstream.quantize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.model.BigStack;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.data.FashionMnist;
import io.vggstream.trainer.model.VggConfig;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Not a test: the bare ONNX Runtime ceiling (a session in a tight loop over a ready batch) of a
 * float32 VGG against its int8 QDQ twin, in alternating rounds within one run, for
 * docs/quantization.md. Args: config letter, width, crop, batch, rounds, seconds per round.
 * Run with the quantize module's test classpath.
 */
public final class CeilingBench {

    public static void main(String[] args) throws Exception {
        VggConfig config = VggConfig.valueOf(args[0]);
        double width = Double.parseDouble(args[1]);
        int crop = Integer.parseInt(args[2]);
        int batch = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        double seconds = Double.parseDouble(args[5]);
        int threads = Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("ceiling");
        try (TestModels.Exported fp = TestModels.export(config, width, (int) Math.max(64, 4096 * width), 7,
                dir.resolve("fp32"), new TrainScale(crop * 256 / 224, crop * 256 / 224), crop)) {
            Evaluation.Samples cal = folder(dir.resolve("cal"));
            System.out.println("calibrating (minmax, 16 images)");
            Quantizer.run(new QuantizeOptions(fp.dir(), cal, "fashion-mnist train", 16, Method.MINMAX, Set.of(),
                    dir.resolve("int8"), Optional.empty()), new PrintWriter(System.out, true));
            Path[] models = {fp.dir().resolve("model.onnx"), dir.resolve("int8/model.onnx")};
            double[] best = new double[2];
            double[] sum = new double[2];
            BigStack.call("bench", () -> {
                try {
                    OrtEnvironment env = OrtEnvironment.getEnvironment();
                    OrtSession[] s = new OrtSession[2];
                    for (int m = 0; m < 2; m++) {
                        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                        o.setIntraOpNumThreads(threads);
                        o.addConfigEntry("session.intra_op.allow_spinning", "0");
                        s[m] = env.createSession(models[m].toString(), o);
                    }
                    float[] x = new float[batch * 3 * crop * crop];
                    Random r = new Random(1);
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) r.nextGaussian() * 50;
                    }
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, 3, crop, crop})) {
                        for (int m = 0; m < 2; m++) {
                            s[m].run(Map.of("image", t)).close();
                        }
                        for (int round = 0; round < rounds; round++) {
                            for (int m = 0; m < 2; m++) {
                                long t0 = System.nanoTime();
                                long n = 0;
                                while (System.nanoTime() - t0 < seconds * 1e9 || n == 0) {
                                    s[m].run(Map.of("image", t)).close();
                                    n += batch;
                                }
                                double ips = n / ((System.nanoTime() - t0) / 1e9);
                                sum[m] += ips;
                                best[m] = Math.max(best[m], ips);
                                System.out.printf("round %d %s: %.2f images/s%n", round, m == 0 ? "fp32" : "int8", ips);
                            }
                        }
                    }
                    for (OrtSession x2 : s) {
                        x2.close();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            System.out.printf("%s width %s crop %d batch %d threads %d: fp32 mean %.2f images/s, int8 mean %.2f images/s,"
                    + " ratio %.2fx (best rounds %.2f / %.2f)%n", config, width, crop, batch, threads, sum[0] / rounds,
                    sum[1] / rounds, sum[1] / sum[0], best[0], best[1]);
        }
    }

    /** 16 Fashion-MNIST train images as PNGs under two of the test model's class names (calibration needs two classes). */
    private static Evaluation.Samples folder(Path root) throws Exception {
        FashionMnist data = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TRAIN);
        for (int i = 0; i < 16; i++) {
            Path d = root.resolve(TestModels.NAMES.get(i % 2));
            Files.createDirectories(d);
            var img = data.image(i);
            java.awt.image.BufferedImage b = new java.awt.image.BufferedImage(img.width(), img.height(),
                    java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < img.height(); y++) {
                for (int x = 0; x < img.width(); x++) {
                    b.getRaster().setSample(x, y, 0, img.get(x, y, 0));
                }
            }
            javax.imageio.ImageIO.write(b, "png", d.resolve(i + ".png").toFile());
        }
        return FolderSamples.open(root, TestModels.NAMES);
    }
}
