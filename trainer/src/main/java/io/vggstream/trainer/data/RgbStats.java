package io.vggstream.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Per-channel mean and RGB covariance of a training set, pixel by pixel: the mean travels with the
 * model (subtracted from every input), the covariance's PCA drives the colour augmentation.
 *
 * @param meanRgb mean R, G, B in 0-255 units
 * @param pca principal components of the covariance of pixels in [0, 1]
 * @param images images that contributed
 * @param pixels pixels that contributed
 */
public record RgbStats(double[] meanRgb, ColourPca pca, long images, long pixels) {

    public RgbStats {
        meanRgb = meanRgb.clone();
    }

    /**
     * Computes the statistics over at most {@code maxImages} images of {@code set} (all of them
     * when it has no more; otherwise an evenly spaced sample), on {@code threads} threads.
     */
    public static RgbStats compute(LabeledImages set, int maxImages, int threads) throws InterruptedException {
        int n = set.size();
        int take = Math.min(n, Math.max(1, maxImages));
        int chunks = Math.max(1, Math.min(threads, take));
        ExecutorService pool = Executors.newFixedThreadPool(chunks, r -> {
            Thread t = new Thread(r, "rgb-stats");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<double[]>> parts = new ArrayList<>();
            for (int c = 0; c < chunks; c++) {
                int from = (int) ((long) take * c / chunks);
                int to = (int) ((long) take * (c + 1) / chunks);
                parts.add(pool.submit(() -> accumulate(set, from, to, take, n)));
            }
            double[] sum = new double[11];
            for (Future<double[]> f : parts) {
                double[] part = f.get();
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += part[i];
                }
            }
            return fromSums(sum);
        } catch (ExecutionException e) {
            throw new IllegalStateException("computing the RGB statistics failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    // sums: [pixels, r, g, b, rr, gg, bb, rg, rb, gb, images], pixels in [0, 1]
    private static double[] accumulate(LabeledImages set, int from, int to, int take, int n) {
        double[] s = new double[11];
        for (int j = from; j < to; j++) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            int i = (int) ((long) j * n / take);
            RgbImage img = set.image(i);
            if (img == null) {
                continue;
            }
            double r = 0, g = 0, b = 0, rr = 0, gg = 0, bb = 0, rg = 0, rb = 0, gb = 0;
            for (int y = 0; y < img.height(); y++) {
                for (int x = 0; x < img.width(); x++) {
                    double pr = img.get(x, y, 0) / 255.0;
                    double pg = img.get(x, y, 1) / 255.0;
                    double pb = img.get(x, y, 2) / 255.0;
                    r += pr;
                    g += pg;
                    b += pb;
                    rr += pr * pr;
                    gg += pg * pg;
                    bb += pb * pb;
                    rg += pr * pg;
                    rb += pr * pb;
                    gb += pg * pb;
                }
            }
            s[0] += (double) img.width() * img.height();
            s[1] += r;
            s[2] += g;
            s[3] += b;
            s[4] += rr;
            s[5] += gg;
            s[6] += bb;
            s[7] += rg;
            s[8] += rb;
            s[9] += gb;
            s[10] += 1;
        }
        return s;
    }

    private static RgbStats fromSums(double[] s) {
        double n = s[0];
        if (n == 0) {
            throw new IllegalStateException("no readable image to compute the mean RGB from");
        }
        double mr = s[1] / n;
        double mg = s[2] / n;
        double mb = s[3] / n;
        double crr = s[4] / n - mr * mr;
        double cgg = s[5] / n - mg * mg;
        double cbb = s[6] / n - mb * mb;
        double crg = s[7] / n - mr * mg;
        double crb = s[8] / n - mr * mb;
        double cgb = s[9] / n - mg * mb;
        double[][] cov = {{crr, crg, crb}, {crg, cgg, cgb}, {crb, cgb, cbb}};
        return new RgbStats(new double[] {255 * mr, 255 * mg, 255 * mb}, ColourPca.of(cov), (long) s[10], (long) n);
    }
}
