package io.vggstream.onnx.imports;

import io.vggstream.topics.card.ModelCard;
import java.util.List;
import java.util.Locale;

/**
 * How an exporter lays out a VGG and which pixels it expects. The preprocessing is the one each
 * source was trained with; the graph patterns are what each exporter writes.
 */
public enum Layout {
    /** torch.onnx.export of torchvision.models.vgg*: RGB, /255, ImageNet mean and std, logits out. */
    TORCHVISION(new ModelCard.Input("rgb", 1 / 255.0, List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225))),
    /** The ONNX Model Zoo's MXNet-converted vgg16-7 etc.: torchvision's preprocessing, input {@code data}, Dropout nodes. */
    ZOO(TORCHVISION.input),
    /** A Caffe-converted VGG (the paper's release): BGR, 0..255, BGR mean subtracted, no std, Softmax out. */
    CAFFE(new ModelCard.Input("bgr", 1.0, List.of(103.939, 116.779, 123.68), List.of(1.0, 1.0, 1.0)));

    private final ModelCard.Input input;

    Layout(ModelCard.Input input) {
        this.input = input;
    }

    /** The preprocessing this layout implies. */
    public ModelCard.Input input() {
        return input;
    }

    /** The name on the command line and in the card: torchvision, zoo, caffe. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The layout named {@code s} (auto is not one: it is the absence of a choice). */
    public static Layout of(String s) {
        for (Layout l : values()) {
            if (l.label().equalsIgnoreCase(s.trim())) {
                return l;
            }
        }
        throw new ImportException("unknown layout '" + s + "': expected auto, torchvision, zoo or caffe", "--layout");
    }
}
