package io.vggstream.trainer.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * One epoch's line of {@code metrics.csv}.
 *
 * @param epoch 1-based
 * @param trainLoss mean softmax cross-entropy over the epoch's batches
 * @param gradNorm mean over the epoch's steps of the L2 norm of the whole gradient (all parameters,
 *     before weight decay); after a mid-epoch {@code --resume}, over the steps since
 * @param gradNormMax the largest of those norms
 * @param trainTop1 top-1 on the augmented training crops (dropout on)
 * @param valTop1 validation top-1 (dense, single scale)
 * @param valTop5 validation top-5
 * @param lr learning rate used in the epoch
 * @param imagesPerSecond training throughput
 * @param seconds wall time of the epoch's training part
 * @param skipped unreadable images skipped in the epoch
 */
public record MetricsRow(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("train_loss") double trainLoss,
        @JsonProperty("grad_norm") double gradNorm,
        @JsonProperty("grad_norm_max") double gradNormMax,
        @JsonProperty("train_top1") double trainTop1,
        @JsonProperty("val_top1") double valTop1,
        @JsonProperty("val_top5") double valTop5,
        @JsonProperty("lr") double lr,
        @JsonProperty("images_per_s") double imagesPerSecond,
        @JsonProperty("seconds") double seconds,
        @JsonProperty("skipped") long skipped) {

    public static final String HEADER = "epoch,train_loss,grad_norm,grad_norm_max,train_top1,val_top1,val_top5,lr,images_per_s,seconds,skipped";

    public String csv() {
        return String.format(Locale.ROOT, "%d,%.5f,%.6g,%.6g,%.5f,%.5f,%.5f,%.6g,%.1f,%.1f,%d", epoch, trainLoss, gradNorm,
                gradNormMax, trainTop1,
                valTop1, valTop5, lr, imagesPerSecond, seconds, skipped);
    }
}
