package io.vggstream.onnx.imports;

import io.vggstream.topics.card.ModelCard;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to import and how. Every nullable field left null takes the layout's value (or the default
 * named here).
 *
 * @param source the ONNX file (torchvision, Model Zoo or Caffe-converted VGG)
 * @param out the folder to write {@code model.onnx} and {@code model.json} into
 * @param layout {@code auto}, {@code torchvision}, {@code zoo} or {@code caffe}
 * @param classes {@code imagenet} (the 1,000 names shipped with the import) or a file, one name a line
 * @param name a name for the model, kept in the card's recipe and the graph's name; null: the source file's
 * @param channelOrder {@code rgb} or {@code bgr}; null: the layout's
 * @param inputScale multiplies the 0-255 pixel; null: the layout's
 * @param mean per input channel, in scaled units; null: the layout's
 * @param std per input channel; null: the layout's
 * @param crop the training crop; null: (FC1's input / pool5's channels) says it, 224 for VGG
 * @param trainScale the training scale S; null: 256
 */
public record ImportOptions(Path source, Path out, String layout, String classes, String name, String channelOrder,
        Double inputScale, List<Double> mean, List<Double> std, Integer crop, ModelCard.Scale trainScale) {

    /** The training scale when none is given: torchvision's and the Model Zoo's resize to 256. */
    public static final int DEFAULT_TRAIN_SCALE = 256;

    public ImportOptions {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(out, "out");
        layout = layout == null ? "auto" : layout;
        classes = classes == null ? "imagenet" : classes;
        mean = mean == null ? null : List.copyOf(mean);
        std = std == null ? null : List.copyOf(std);
    }

    /** Import {@code source} into {@code out} with everything detected or defaulted. */
    public static ImportOptions of(Path source, Path out) {
        return new ImportOptions(source, out, "auto", "imagenet", null, null, null, null, null, null, null);
    }

    public ImportOptions withLayout(String l) {
        return new ImportOptions(source, out, l, classes, name, channelOrder, inputScale, mean, std, crop, trainScale);
    }

    public ImportOptions withClasses(String c) {
        return new ImportOptions(source, out, layout, c, name, channelOrder, inputScale, mean, std, crop, trainScale);
    }

    public ImportOptions withTrainScale(ModelCard.Scale s) {
        return new ImportOptions(source, out, layout, classes, name, channelOrder, inputScale, mean, std, crop, s);
    }

    public ImportOptions withCrop(Integer c) {
        return new ImportOptions(source, out, layout, classes, name, channelOrder, inputScale, mean, std, c, trainScale);
    }
}
