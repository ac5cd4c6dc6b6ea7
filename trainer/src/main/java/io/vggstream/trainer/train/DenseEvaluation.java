package io.vggstream.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vggstream.topics.card.TopK;
import io.vggstream.trainer.augment.Augmenter;
import io.vggstream.trainer.data.BatchLoader;
import io.vggstream.trainer.data.HostBatch;
import io.vggstream.trainer.data.LabeledImages;
import io.vggstream.trainer.model.VggNet;
import java.util.stream.IntStream;

/**
 * Single-scale dense evaluation as the exported graph computes it: each image rescaled so its
 * smallest side is Q, the central Q x Q square (so that images batch), the fully convolutional net,
 * class scores averaged over space, softmax.
 */
public final class DenseEvaluation {

    private DenseEvaluation() {}

    /** What {@link #dense} does, in the words the model card records beside the accuracy it measured. */
    public static final String PROTOCOL = "dense evaluation at one scale: smallest side rescaled to Q, central Q x Q,"
            + " no flip, class scores averaged over space, softmax; a NaN posterior is wrong, a tie for first is not"
            + " top-1";

    /**
     * Top-1 and top-5 accuracy.
     *
     * @param images scored images (unreadable ones are left out)
     * @param top1 fraction right at rank 1
     * @param top5 fraction right within rank 5 (rank {@code classes} when fewer than 5 classes)
     */
    public record Score(long images, double top1, double top5) {}

    /** Scores {@code net} on {@code set} at test scale {@code q}. */
    public static Score dense(VggNet net, LabeledImages set, int q, double[] meanRgb, int batchSize, int threads,
            int buffers, NDManager parent, Device device) {
        int[] order = IntStream.range(0, set.size()).toArray();
        long n = 0;
        long right1 = 0;
        long right5 = 0;
        int k = Math.min(5, set.classes().size());
        try (BatchLoader loader = new BatchLoader(set, order, batchSize, Augmenter.evaluation(q, meanRgb), 0, threads,
                buffers)) {
            while (loader.hasNext()) {
                HostBatch b = loader.next();
                if (b.count() > 0) {
                    try (NDManager m = parent.newSubManager(device)) {
                        NDArray x = m.create(b.data(), new Shape(b.count(), 3, q, q), DataType.FLOAT32).toDevice(device, false);
                        float[] p = net.dense(x).get(0).toFloatArray();
                        long[] right = tally(p, b.labels(), b.count(), k);
                        right1 += right[0];
                        right5 += right[1];
                        n += b.count();
                    }
                }
                loader.release(b);
            }
        }
        return n == 0 ? new Score(0, 0, 0) : new Score(n, (double) right1 / n, (double) right5 / n);
    }

    /**
     * Right answers at rank 1 and within rank {@code k} among the first {@code count} rows of a
     * batch's posteriors, by {@link TopK}: a NaN counts as wrong, a tie for first is not top-1.
     */
    static long[] tally(float[] posteriors, int[] labels, int count, int k) {
        int classes = posteriors.length / count;
        long[] right = new long[2];
        for (int i = 0; i < count; i++) {
            right[0] += TopK.contains(posteriors, i * classes, classes, labels[i], 1) ? 1 : 0;
            right[1] += TopK.contains(posteriors, i * classes, classes, labels[i], k) ? 1 : 0;
        }
        return right;
    }
}
