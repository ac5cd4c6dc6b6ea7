package io.vggstream.transfer;

import io.vggstream.topics.card.ModelCard;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a {@code fit-head} run made and measured.
 *
 * @param onnx the new graph
 * @param card its card (the classes, the served accuracy, the head block)
 * @param trainCounts training images per class (as listed)
 * @param valCounts measured images per class (as listed)
 * @param imbalance the training classes' balance, in words
 * @param skipped images left out because they could not be read or decoded, with why (the first few)
 * @param cvByC the cross-validated accuracy of every C tried
 * @param fittedTop1 the fitted classifier's top-1 accuracy on the measured images' descriptors, each image scored as the engine
 *                   scores it (the mean of its rows' softmax posteriors, top-1 by TopK): what was fitted
 * @param servedTop1 the served model's top-1 accuracy through the engine (the card's accuracy; what is served)
 * @param servedTop5 its top-5 accuracy
 * @param measured how many images the served accuracy is over
 * @param fittedPredictions the fitted classifier's class for each measured image (the posterior's first; -1 on a tie)
 * @param servedPredictions the served model's, from the engine's fused posterior (-1 where it failed or tied)
 * @param seconds the run's wall time
 */
public record FitHeadResult(Path onnx, ModelCard card, int[] trainCounts, int[] valCounts, String imbalance, int skippedCount,
                            List<String> skipped, Map<Double, Double> cvByC, double fittedTop1, double servedTop1,
                            double servedTop5, int measured, int[] fittedPredictions, int[] servedPredictions, double seconds) {

    /** Measured images on which the served model and the fitted classifier name the same class. */
    public int agreeing() {
        int n = 0;
        for (int i = 0; i < fittedPredictions.length; i++) {
            n += fittedPredictions[i] == servedPredictions[i] ? 1 : 0;
        }
        return n;
    }
}
