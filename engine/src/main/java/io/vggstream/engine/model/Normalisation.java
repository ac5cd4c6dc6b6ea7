package io.vggstream.engine.model;

import io.vggstream.imaging.ChannelAffine;
import io.vggstream.topics.card.ModelCard;

/**
 * A card's input normalisation ({@link ModelCard#normalisation()}: channel order, scale, mean, std)
 * as the engine's tensors apply it: per input channel {@code p * mul + add} in float32, with
 * {@code mul = scale / std} and {@code add = -mean / std} computed in double and rounded once. For a
 * {@code /1} card that is 1 and minus the float mean, the floats of the engine before input blocks.
 */
public final class Normalisation {

    private Normalisation() {
    }

    /**
     * @throws IllegalArgumentException naming the field when the normalisation does not fit float32
     */
    public static ChannelAffine of(ModelCard card) {
        ModelCard.Input in = card.normalisation();
        double[] mean = in.mean().stream().mapToDouble(Double::doubleValue).toArray();
        double[] std = in.std().stream().mapToDouble(Double::doubleValue).toArray();
        for (int k = 0; k < 3; k++) {
            // A /1 card (scale 1, std 1, mean in [0, 255]) always fits: only an input block can fail here.
            float mul = (float) (in.scale() / std[k]);
            float add = (float) (-mean[k] / std[k]);
            if (!Float.isFinite(mul) || mul == 0) {
                throw new IllegalArgumentException("field 'input.scale' / 'input.std[" + k + "]' (" + in.scale() + " / " + std[k]
                    + ") is outside float32's range; the engine's tensors are float32");
            }
            if (!Float.isFinite(add)) {
                throw new IllegalArgumentException("field 'input.mean[" + k + "]' / 'input.std[" + k + "]' (" + mean[k] + " / " + std[k]
                    + ") is outside float32's range; the engine's tensors are float32");
            }
        }
        return ChannelAffine.of(in.bgr(), in.scale(), mean, std);
    }

    /** The normalisation in words, for logs: {@code rgb, scale 1, mean [..], std [..]}. */
    public static String describe(ModelCard card) {
        ModelCard.Input in = card.normalisation();
        return in.channelOrder() + ", scale " + in.scale() + ", mean " + in.mean() + ", std " + in.std();
    }
}
