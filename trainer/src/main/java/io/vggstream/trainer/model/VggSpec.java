package io.vggstream.trainer.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A concrete network: a configuration with its options. Validates them and lays out the layers.
 *
 * @param config the paper's configuration
 * @param width multiplier of the conv channels, in (0, 1]: 1, 1/2, 1/4, 1/8, ... (whole blocks of 16: {@link #channels})
 * @param fc width of FC1 and FC2 (4096 in the paper)
 * @param classes number of classes (FC3's width)
 * @param crop training crop side, a multiple of 32; FC1's kernel is crop/32
 */
public record VggSpec(VggConfig config, double width, int fc, int classes, int crop) {

    /** The paper's defaults: full width, FC 4096, 1000 classes, 224 crop. */
    public static VggSpec paper(VggConfig config) {
        return new VggSpec(config, 1.0, 4096, 1000, 224);
    }

    public VggSpec {
        if (config == null) {
            throw new IllegalArgumentException("config is missing");
        }
        if (!(width > 0 && width <= 1)) {
            throw new IllegalArgumentException("width must be in (0, 1] (1, 0.5, 0.25, ...), was " + width);
        }
        if (fc < 1) {
            throw new IllegalArgumentException("fc must be positive, was " + fc);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, was " + classes);
        }
        requireCrop(crop);
    }

    /** Checks a crop size: a positive multiple of 32 (five 2x2 pools leave crop/32). */
    public static int requireCrop(int crop) {
        if (crop < 32 || crop % 32 != 0) {
            throw new IllegalArgumentException("crop must be a positive multiple of 32 (32, 64, ..., 224), was " + crop);
        }
        return crop;
    }

    /**
     * A conv's channels come in whole blocks of this many. PyTorch's CPU convolutions (oneDNN) pad other
     * counts up to their 8- or 16-float blocks and then compute the gradient below a padded layer wrong: a
     * 4-channel first conv's gradient was off by up to 96% of its largest value against float64, with a NaN
     * now and then, where 16 channels agree to 1e-5 (docs/trainer.md).
     */
    public static final int CHANNEL_BLOCK = 16;

    /**
     * Conv channels of stage {@code stage} (0-based): the paper's count times the width, to the nearest whole
     * {@link #CHANNEL_BLOCK}, at least one block. Widths 1, 1/2 and 1/4 are exact (64 to 16 channels first);
     * 1/8 gives 16, 16, 32, 64, 64 and 1/16 gives 16, 16, 16, 32, 32.
     */
    public int channels(int stage) {
        double scaled = VggConfig.STAGE_CHANNELS.get(stage) * width;
        return CHANNEL_BLOCK * Math.max(1, (int) Math.round(scaled / CHANNEL_BLOCK));
    }

    /** FC1's kernel side when seen as a conv: crop / 32. */
    public int fc1Kernel() {
        return crop / 32;
    }

    /** The layers in order: convs (with LRN for A-LRN) and pools, then fc6, fc7, fc8. */
    public List<Layer> layers() {
        List<Layer> layers = new ArrayList<>();
        int in = 3;
        for (int stage = 0; stage < 5; stage++) {
            int out = channels(stage);
            int[] kernels = config.kernels(stage);
            for (int i = 0; i < kernels.length; i++) {
                layers.add(new Layer.Conv("conv" + (stage + 1) + "_" + (i + 1), in, out, kernels[i]));
                in = out;
                if (config.lrn() && stage == 0 && i == 0) {
                    layers.add(new Layer.Lrn("lrn1"));
                }
            }
            layers.add(new Layer.MaxPool("pool" + (stage + 1)));
        }
        layers.add(new Layer.Fc("fc6", in, fc1Kernel(), fc, false));
        layers.add(new Layer.Fc("fc7", fc, 1, fc, false));
        layers.add(new Layer.Fc("fc8", fc, 1, classes, true));
        return List.copyOf(layers);
    }

    /** Convs only, in order. */
    public List<Layer.Conv> convs() {
        return layers().stream().filter(Layer.Conv.class::isInstance).map(Layer.Conv.class::cast).toList();
    }

    /** Weights and biases in all layers. */
    public long parameterCount() {
        return layers().stream().mapToLong(Layer::parameterCount).sum();
    }

    @Override
    public String toString() {
        return "VGG-" + config.label() + " width " + width + " fc " + fc + " classes " + classes + " crop " + crop;
    }
}
