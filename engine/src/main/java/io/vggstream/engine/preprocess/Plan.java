package io.vggstream.engine.preprocess;

import io.vggstream.engine.model.Model;
import io.vggstream.engine.model.Normalisation;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.imaging.ChannelAffine;
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
            model.card().crop(), Normalisation.of(model.card()));
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
