package io.vggstream.engine.preprocess;

import io.vggstream.engine.model.Model;
import io.vggstream.engine.protocol.Protocol;
import java.util.List;

/**
 * What to make of a frame for one model of the ensemble: its scales, flips, dense and crops, its
 * crop size and its mean RGB (0-255 units, from the card).
 */
public record Plan(int model, List<Integer> scales, boolean flips, boolean dense, boolean crops, int crop, float[] meanRgb) {

    public Plan {
        scales = List.copyOf(scales);
        if (meanRgb.length != 3) {
            throw new IllegalArgumentException("mean RGB needs 3 values");
        }
    }

    public static Plan of(int index, Model model, Protocol protocol) {
        List<Double> m = model.card().meanRgb();
        return new Plan(index, protocol.scalesFor(model.card()), protocol.flips(), protocol.dense(), protocol.crops(),
            model.card().crop(), new float[] {m.get(0).floatValue(), m.get(1).floatValue(), m.get(2).floatValue()});
    }

    /** How many tensors a frame yields for this model. */
    public int variantsPerFrame() {
        int perScale = (dense ? 1 : 0) + (crops ? Protocol.GRID * Protocol.GRID : 0);
        return scales.size() * perScale * (flips ? 2 : 1);
    }
}
