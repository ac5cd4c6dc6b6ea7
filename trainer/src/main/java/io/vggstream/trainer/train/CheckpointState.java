package io.vggstream.trainer.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.vggstream.trainer.schedule.PlateauSchedule;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's {@code state.json}: everything but the arrays.
 *
 * @param format {@link #FORMAT}
 * @param recipe the run's recipe
 * @param classes class names
 * @param meanRgb training-set mean, 0-255
 * @param eigenvalues PCA eigenvalues of the RGB covariance ([0, 1] units)
 * @param eigenvectors PCA eigenvectors as columns
 * @param epoch epochs completed
 * @param batchesDone batches of the next epoch already trained (non-zero only after Ctrl-C)
 * @param partialLoss summed loss of those batches
 * @param partialCorrect correct training predictions in those batches
 * @param partialImages images in those batches
 * @param partialSeconds training time spent in those batches
 * @param schedule the learning-rate schedule's state
 * @param history metrics of the completed epochs
 * @param versions library versions
 */
public record CheckpointState(
        @JsonProperty("format") String format,
        @JsonProperty("recipe") Recipe recipe,
        @JsonProperty("classes") List<String> classes,
        @JsonProperty("mean_rgb") double[] meanRgb,
        @JsonProperty("pca_eigenvalues") double[] eigenvalues,
        @JsonProperty("pca_eigenvectors") double[][] eigenvectors,
        @JsonProperty("epoch") int epoch,
        @JsonProperty("batches_done") int batchesDone,
        @JsonProperty("partial_loss") double partialLoss,
        @JsonProperty("partial_correct") long partialCorrect,
        @JsonProperty("partial_images") long partialImages,
        @JsonProperty("partial_seconds") double partialSeconds,
        @JsonProperty("schedule") PlateauSchedule.State schedule,
        @JsonProperty("history") List<MetricsRow> history,
        @JsonProperty("versions") Map<String, String> versions) {

    public static final String FORMAT = "vggstream-checkpoint/1";
}
