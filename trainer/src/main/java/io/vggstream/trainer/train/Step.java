package io.vggstream.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;

/**
 * One SGD step, synchronous data parallel: the batch is split across the devices, each part's
 * mean loss is weighted by its share so that the summed gradients equal the whole batch's, and the
 * trainer's parameter store reduces them before the update.
 */
public final class Step {

    private Step() {}

    /**
     * Trains on {@code x} (images) and {@code y} (int64 labels).
     *
     * @return the summed loss over the batch and the number of right top-1 guesses
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
        trainer.step();
        return new double[] {lossSum, right};
    }
}
