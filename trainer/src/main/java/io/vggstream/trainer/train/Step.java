package io.vggstream.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;

/**
 * One SGD step, synchronous data parallel: the batch is split across the devices, each part's
 * mean loss is weighted by its share so that the summed gradients equal the whole batch's, and the
 * trainer's parameter store reduces them before the update.
 */
public final class Step {

    private Step() {}

    /**
     * Trains on {@code x} (images) and {@code y} (int64 labels). When the loss or the gradient is not
     * a finite number the weights are left as they were (no update), and the caller stops.
     *
     * @return the summed loss over the batch, the number of right top-1 guesses, and the L2 norm of
     *     the batch's gradient (all parameters; see {@link #gradientNorm})
     */
    public static double[] run(Trainer trainer, Device[] devices, NDArray x, NDArray y) {
        int n = (int) x.getShape().get(0);
        double lossSum = 0;
        long right = 0;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            int parts = Math.min(devices.length, n);
            for (int d = 0; d < parts; d++) {
                int from = n * d / parts;
                int to = n * (d + 1) / parts;
                NDArray xd = parts == 1 ? x : x.get(new NDIndex("{}:{}", from, to)).toDevice(devices[d], false);
                NDArray yd = parts == 1 ? y : y.get(new NDIndex("{}:{}", from, to)).toDevice(devices[d], false);
                NDList predictions = trainer.forward(new NDList(xd));
                NDArray loss = trainer.getLoss().evaluate(new NDList(yd), predictions);
                collector.backward(loss.mul((float) (to - from) / n));
                lossSum += loss.getFloat() * (to - from);
                right += predictions.head().argMax(1).eq(yd).sum().getLong();
            }
        }
        double gradNorm = gradientNorm(trainer);
        if (Double.isFinite(lossSum) && Double.isFinite(gradNorm)) {
            trainer.step();
        }
        return new double[] {lossSum, right, gradNorm};
    }

    /**
     * The L2 norm of the gradient over all parameters. DJL keeps the other devices' copies to
     * itself, so with several GPUs this is the first device's part of the batch (its share of the
     * loss): still not finite whenever the whole is not, which is what stops a diverging run.
     */
    static double gradientNorm(Trainer trainer) {
        double sumOfSquares = 0;
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            NDArray w = p.getValue().getArray();
            if (p.getValue().requiresGradient() && w.hasGradient()) {
                // A new handle on the gradient each call (as DJL's parameter server closes its own).
                try (NDArray g = w.getGradient()) {
                    sumOfSquares += sumOfSquares(g);
                }
            }
        }
        return Math.sqrt(sumOfSquares);
    }

    /**
     * The parameters whose gradient holds a value that is not a finite number, in the block's
     * order: named in the divergence message, so that a NaN says where it came from.
     */
    static java.util.List<String> nonFiniteGradients(Trainer trainer) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            NDArray w = p.getValue().getArray();
            if (p.getValue().requiresGradient() && w.hasGradient()) {
                try (NDArray g = w.getGradient()) {
                    if (!Double.isFinite(sumOfSquares(g))) {
                        names.add(p.getKey());
                    }
                }
            }
        }
        return names;
    }

    private static double sumOfSquares(NDArray g) {
        try (NDArray sq = g.square(); NDArray s = sq.sum()) {
            return s.getFloat();
        }
    }
}
