package io.vggstream.trainer.train;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vggstream.trainer.BadInputException;
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.model.VggConfig;
import io.vggstream.trainer.model.VggSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every choice of a training run, as given on the command line or defaulted: what the checkpoint
 * stores, {@code --resume} restores, and the model card publishes.
 *
 * @param config the paper's configuration letter
 * @param width conv width multiplier
 * @param fc FC1/FC2 width
 * @param data {@code fashion-mnist} or a folder
 * @param crop training crop side
 * @param scale training scale S (as parsed by {@link TrainScale#parse}); null = the paper's ratio
 * @param epochs most epochs (the paper's 74)
 * @param batchSize images per step (the paper's 256)
 * @param lr initial learning rate; null = 1e-2, or 1e-3 when copying a net of the same config
 * @param init {@code glorot}, {@code normal} (the paper), {@code normal:STD}, or a checkpoint to copy from
 * @param initRest random init of the layers a copy leaves out
 * @param patience epochs without validation improvement before the rate is divided by 10
 * @param minImprovement a validation top-1 must beat the best by more than this to count as better
 * @param momentum SGD momentum (0.9)
 * @param weightDecay L2 weight decay (5e-4)
 * @param dropout dropout after FC1 and FC2 (0.5)
 * @param alphaStd PCA colour shift's standard deviation (0.1; 0 switches it off)
 * @param gpus most GPUs to use (-1: all there are; 0: CPU)
 * @param seed seed of the init, the shuffles and the augmentation
 * @param out run folder
 * @param trainImages train on this many training images, evenly spaced (null: all)
 * @param valImages validate on this many held-out images, evenly spaced (null: all)
 * @param testImages score the exported model on this many test images, evenly spaced (null: all)
 * @param classes train on these classes only, e.g. {@code 0-4} (null: all); relabelled 0..k-1 in label order
 */
public record Recipe(
        @JsonProperty("config") String config,
        @JsonProperty("width") double width,
        @JsonProperty("fc") int fc,
        @JsonProperty("data") String data,
        @JsonProperty("crop") int crop,
        @JsonProperty("scale") String scale,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("lr") Double lr,
        @JsonProperty("init") String init,
        @JsonProperty("init_rest") String initRest,
        @JsonProperty("patience") int patience,
        @JsonProperty("min_improvement") double minImprovement,
        @JsonProperty("momentum") double momentum,
        @JsonProperty("weight_decay") double weightDecay,
        @JsonProperty("dropout") double dropout,
        @JsonProperty("alpha_std") double alphaStd,
        @JsonProperty("gpus") int gpus,
        @JsonProperty("seed") long seed,
        @JsonProperty("out") String out,
        @JsonProperty("train_images") Integer trainImages,
        @JsonProperty("val_images") Integer valImages,
        @JsonProperty("test_images") Integer testImages,
        @JsonProperty("classes") String classes) {

    /** A recipe on all the data's classes. */
    public Recipe(String config, double width, int fc, String data, int crop, String scale, int epochs, int batchSize, Double lr,
            String init, String initRest, int patience, double minImprovement, double momentum, double weightDecay,
            double dropout, double alphaStd, int gpus, long seed, String out, Integer trainImages, Integer valImages,
            Integer testImages) {
        this(config, width, fc, data, crop, scale, epochs, batchSize, lr, init, initRest, patience, minImprovement, momentum,
                weightDecay, dropout, alphaStd, gpus, seed, out, trainImages, valImages, testImages, null);
    }

    /** The paper's limit on epochs. */
    public static final int PAPER_MAX_EPOCHS = 74;

    /**
     * Checks every field that does not need the dataset.
     *
     * @throws BadInputException naming the flag
     */
    public Recipe validate() {
        try {
            VggConfig.of(config);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--arch", "--arch: " + e.getMessage());
        }
        require(width > 0 && width <= 1, "--width", "--width must be in (0, 1] (1, 0.5, 0.25, 0.125, ...), was " + width);
        require(fc >= 1, "--fc", "--fc must be positive, was " + fc);
        require(crop >= 32 && crop % 32 == 0, "--crop", "--crop must be a positive multiple of 32, was " + crop);
        trainScale();
        require(epochs >= 1 && epochs <= PAPER_MAX_EPOCHS, "--epochs",
                "--epochs must be in 1.." + PAPER_MAX_EPOCHS + " (the paper stops at 74), was " + epochs);
        require(batchSize >= 1, "--batch-size", "--batch-size must be positive, was " + batchSize);
        require(lr == null || (lr > 0 && lr < 10), "--lr", "--lr must be in (0, 10), was " + lr);
        require(patience >= 1, "--patience", "--patience must be at least 1, was " + patience);
        require(minImprovement >= 0 && minImprovement < 1, "--min-improvement",
                "--min-improvement must be in [0, 1), was " + minImprovement);
        require(momentum >= 0 && momentum < 1, "--momentum", "--momentum must be in [0, 1), was " + momentum);
        require(weightDecay >= 0, "--weight-decay", "--weight-decay must be >= 0, was " + weightDecay);
        require(dropout >= 0 && dropout < 1, "--dropout", "--dropout must be in [0, 1), was " + dropout);
        require(alphaStd >= 0, "--alpha-std", "--alpha-std must be >= 0, was " + alphaStd);
        require(gpus >= -1, "--gpus", "--gpus must be -1 (all), 0 (CPU) or a count, was " + gpus);
        require(out != null && !out.isBlank(), "--out", "--out is required");
        require(trainImages == null || trainImages >= 1, "--train-images",
                "--train-images must be positive, was " + trainImages);
        require(valImages == null || valImages >= 1, "--val-images", "--val-images must be positive, was " + valImages);
        require(testImages == null || testImages >= 1, "--test-images",
                "--test-images must be positive, was " + testImages);
        require("normal".equalsIgnoreCase(initRest) || "glorot".equalsIgnoreCase(initRest), "--init-rest",
                "--init-rest must be normal or glorot, was " + initRest);
        return this;
    }

    private static void require(boolean ok, String flag, String message) {
        if (!ok) {
            throw new BadInputException(flag, message);
        }
    }

    @JsonIgnore
    public VggConfig vggConfig() {
        return VggConfig.of(config);
    }

    /** The training scale, defaulted to the paper's ratio of the crop. */
    @JsonIgnore
    public TrainScale trainScale() {
        return TrainScale.parse(scale, crop);
    }

    @JsonIgnore
    public VggSpec spec(int classes) {
        return new VggSpec(vggConfig(), width, fc, classes, crop);
    }

    @JsonIgnore
    public Path outDir() {
        return Path.of(out);
    }

    /** The learning rate to start from. */
    public double initialLr(boolean copiesSameConfig) {
        return lr != null ? lr : copiesSameConfig ? 1e-3 : 1e-2;
    }

    /** All fields as strings, for the model card. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("config", config);
        m.put("width", Double.toString(width));
        m.put("fc", Integer.toString(fc));
        m.put("data", data);
        m.put("crop", Integer.toString(crop));
        m.put("scale", trainScale().toString());
        m.put("epochs", Integer.toString(epochs));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("lr", lr == null ? "default" : Double.toString(lr));
        m.put("init", init);
        m.put("init_rest", initRest);
        m.put("patience", Integer.toString(patience));
        m.put("min_improvement", Double.toString(minImprovement));
        m.put("momentum", Double.toString(momentum));
        m.put("weight_decay", Double.toString(weightDecay));
        m.put("dropout", Double.toString(dropout));
        m.put("alpha_std", Double.toString(alphaStd));
        m.put("gpus", Integer.toString(gpus));
        m.put("seed", Long.toString(seed));
        if (trainImages != null) {
            m.put("train_images", Integer.toString(trainImages));
        }
        if (valImages != null) {
            m.put("val_images", Integer.toString(valImages));
        }
        if (testImages != null) {
            m.put("test_images", Integer.toString(testImages));
        }
        if (classes != null) {
            m.put("classes", classes);
        }
        return m;
    }
}
