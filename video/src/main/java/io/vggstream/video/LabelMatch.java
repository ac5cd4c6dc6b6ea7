package io.vggstream.video;

import io.vggstream.topics.card.TopK;
import io.vggstream.topics.prediction.Prediction;
import java.util.Locale;

/**
 * Whether a prediction's top-1 class is the frame's ground truth. The contract lets a label be a
 * class index ({@code 7}) or a class name ({@code Sneaker}): an integer label matches the class
 * index, or else the class name; any other label matches the class name, ignoring case and
 * surrounding blanks.
 */
public final class LabelMatch {

    private LabelMatch() {
    }

    public static boolean matches(String label, Prediction.Ranked top1) {
        if (label == null || top1 == null) {
            return false;
        }
        String l = label.strip();
        if (l.isEmpty()) {
            return false;
        }
        if (l.matches("[0-9]{1,9}") && Integer.parseInt(l) == top1.index()) {
            return true;
        }
        return top1.label() != null && top1.label().strip().toLowerCase(Locale.ROOT).equals(l.toLowerCase(Locale.ROOT));
    }

    /**
     * The prediction's top-1 against its own label; false when it carries none, and false, by
     * {@link TopK#clearFirst}, when its first class is not a clear winner: a NaN among the listed
     * probabilities (the engine ranks a NaN first) or a tie for first is never right.
     */
    public static boolean correct(Prediction p) {
        return p.label().isPresent() && !p.top().isEmpty()
            && TopK.clearFirst(p.top().stream().mapToDouble(Prediction.Ranked::p).toArray())
            && matches(p.label().get(), p.top().get(0));
    }
}
