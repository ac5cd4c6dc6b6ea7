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
 * @param descriptorAccuracy the fitted classifier's accuracy on the measured images' averaged descriptors (what was fitted)
 * @param servedTop1 the served model's top-1 accuracy through the engine (the card's accuracy; what is served)
 * @param servedTop5 its top-5 accuracy
 * @param measured how many images the served accuracy is over
 * @param seconds the run's wall time
 */
public record FitHeadResult(Path onnx, ModelCard card, int[] trainCounts, int[] valCounts, String imbalance, int skippedCount,
                            List<String> skipped, Map<Double, Double> cvByC, double descriptorAccuracy, double servedTop1,
                            double servedTop5, int measured, double seconds) {
}
