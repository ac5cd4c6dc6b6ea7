package io.vggstream.engine.preprocess;

import io.vggstream.engine.model.Model;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.imaging.ChannelAffine;
import io.vggstream.topics.card.ModelCard;
import java.util.List;

/**
 * What to make of a frame for one model of the ensemble: its scales, flips, dense and crops, its
 * crop size and how its pixels become the graph's input (the card's normalisation as a per-channel
 * multiply and add, with the channel order).
 */
public record Plan(int model, List<Integer> scales, boolean flips, boolean dense, boolean crops, int crop, ChannelAffine input) {

    public Plan {
        scales = List.copyOf(scales);
        java.util.Objects.requireNonNull(input, "input");
    }

    /** A plan for a {@code /1} card: RGB in 0-255 units minus {@code meanRgb}. */
    public Plan(int model, List<Integer> scales, boolean flips, boolean dense, boolean crops, int crop, float[] meanRgb) {
        this(model, scales, flips, dense, crops, crop, minus(meanRgb));
    }

    public static Plan of(int index, Model model, Protocol protocol) {
        return new Plan(index, protocol.scalesFor(model.card()), protocol.flips(), protocol.dense(), protocol.crops(),
            model.card().crop(), input(model.card()));
    }

    /**
     * The card's normalisation ({@link ModelCard#normalisation()}) as the tensors apply it. For a
     * {@code /1} card that is a multiplier of 1 and minus the mean rounded to float, the floats of
     * the engine before input blocks existed.
     *
     * @throws IllegalArgumentException naming the field when the normalisation does not fit float arithmetic
     */
    public static ChannelAffine input(ModelCard card) {
        ModelCard.Input in = card.normalisation();
        double[] mean = in.mean().stream().mapToDouble(Double::doubleValue).toArray();
        double[] std = in.std().stream().mapToDouble(Double::doubleValue).toArray();
        for (int k = 0; k < 3; k++) {
            float mul = (float) (in.scale() / std[k]);
            float add = (float) (-mean[k] / std[k]);
            String field = "input"; // a /1 card (scale 1, std 1, mean in [0, 255]) always fits
            if (!Float.isFinite(mul) || mul == 0) {
                throw new IllegalArgumentException("field '" + field + ".scale' / '" + field + ".std[" + k + "]' (" + in.scale() + " / "
                    + std[k] + ") is outside float32's range; the engine's tensors are float32");
            }
            if (!Float.isFinite(add)) {
                throw new IllegalArgumentException("field '" + field + ".mean[" + k + "]' / '" + field + ".std[" + k + "]' (" + mean[k]
                    + " / " + std[k] + ") is outside float32's range; the engine's tensors are float32");
            }
        }
        return ChannelAffine.of(in.bgr(), in.scale(), mean, std);
    }

    /** How many tensors a frame yields for this model. */
    public int variantsPerFrame() {
        int perScale = (dense ? 1 : 0) + (crops ? Protocol.GRID * Protocol.GRID : 0);
        return scales.size() * perScale * (flips ? 2 : 1);
    }

    private static ChannelAffine minus(float[] meanRgb) {
        if (meanRgb.length != 3) {
            throw new IllegalArgumentException("mean RGB needs 3 values");
        }
        return ChannelAffine.minus(meanRgb);
    }
}
