package io.vggstream.trainer.augment;

import io.vggstream.trainer.BadInputException;
import java.util.Locale;

/**
 * The training scale S, the smallest side an image is isotropically rescaled to before the random
 * crop: fixed ({@code min == max}) or jittered per image, uniform in [min, max].
 *
 * @param min S, or Smin
 * @param max S, or Smax
 */
public record TrainScale(int min, int max) {

    public TrainScale {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("scale must be S or Smin:Smax with 0 < Smin <= Smax, was " + min + ":" + max);
        }
    }

    /** True when S is sampled per image. */
    public boolean jittered() {
        return min != max;
    }

    /** The paper's single test scale Q: S, or (Smin + Smax) / 2 when jittered. */
    public int testScale() {
        return (min + max) / 2;
    }

    /** The paper's S = 256 for a 224 crop, in proportion for other crops: round(crop * 256 / 224). */
    public static TrainScale paperDefault(int crop) {
        return ofPaper(crop, 256, 256);
    }

    private static TrainScale ofPaper(int crop, int min, int max) {
        return new TrainScale((int) Math.round(crop * min / 224.0), (int) Math.round(crop * max / 224.0));
    }

    /**
     * Parses {@code --scale}: {@code S}, {@code Smin:Smax}, or the paper's settings scaled to the
     * crop: {@code paper-256}, {@code paper-384}, {@code paper-jitter} ([256, 512] / 224 of the crop).
     *
     * @throws BadInputException naming {@code --scale} when malformed or smaller than the crop
     */
    public static TrainScale parse(String text, int crop) {
        if (text == null || text.isBlank()) {
            return paperDefault(crop);
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        TrainScale scale;
        switch (t) {
            case "paper-256" -> scale = ofPaper(crop, 256, 256);
            case "paper-384" -> scale = ofPaper(crop, 384, 384);
            case "paper-jitter" -> scale = ofPaper(crop, 256, 512);
            default -> {
                String[] parts = t.split(":", -1);
                try {
                    if (parts.length == 1) {
                        int s = Integer.parseInt(parts[0]);
                        scale = new TrainScale(s, s);
                    } else if (parts.length == 2) {
                        scale = new TrainScale(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
                    } else {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new BadInputException("--scale", "--scale must be S, Smin:Smax, paper-256, paper-384"
                            + " or paper-jitter, was '" + text + "'");
                } catch (IllegalArgumentException e) {
                    throw new BadInputException("--scale", "--scale " + text + ": " + e.getMessage());
                }
            }
        }
        if (scale.min < crop) {
            throw new BadInputException("--scale", "--scale " + text + " is smaller than the crop " + crop
                    + ": the smallest side must be at least the crop");
        }
        return scale;
    }

    @Override
    public String toString() {
        return jittered() ? min + ":" + max : Integer.toString(min);
    }
}
