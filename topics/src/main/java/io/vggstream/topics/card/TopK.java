package io.vggstream.topics.card;

/**
 * The one rule by which every accuracy in the project is counted (the trainer's validation and
 * test, {@code evaluate}, {@code replicate}, the demo and {@code watch}), so that a broken network
 * can never score: a class is in the top {@code k} of a posterior when
 * <ul>
 *   <li>every entry of the posterior is a number (a NaN or an infinity anywhere makes it wrong), and</li>
 *   <li>fewer than {@code k} other classes are greater than <em>or equal to</em> it: a tie that
 *       reaches rank {@code k} counts as out.</li>
 * </ul>
 * So top-1 needs the class strictly above every other, and a uniform posterior (a dead network) is
 * right at no rank below the number of classes.
 */
public final class TopK {

    private TopK() {
    }

    /** True when {@code label} is in the top {@code k} of {@code posterior}, by the rule above. */
    public static boolean contains(double[] posterior, int label, int k) {
        if (label < 0 || label >= posterior.length || k < 1) {
            return false;
        }
        double mine = posterior[label];
        int atLeast = 0;
        for (int c = 0; c < posterior.length; c++) {
            double p = posterior[c];
            if (!Double.isFinite(p)) {
                return false;
            }
            if (c != label && p >= mine) {
                atLeast++;
            }
        }
        return atLeast < k;
    }

    /**
     * The same for the posterior of one image in a batch laid out row by row:
     * {@code posteriors[offset .. offset + classes)}.
     */
    public static boolean contains(float[] posteriors, int offset, int classes, int label, int k) {
        if (label < 0 || label >= classes || k < 1) {
            return false;
        }
        float mine = posteriors[offset + label];
        int atLeast = 0;
        for (int c = 0; c < classes; c++) {
            float p = posteriors[offset + c];
            if (!Float.isFinite(p)) {
                return false;
            }
            if (c != label && p >= mine) {
                atLeast++;
            }
        }
        return atLeast < k;
    }

    /**
     * Top-1 from a ranked list alone (best first), as a prediction carries it: the first entry is a
     * clear winner when its probability and the runner-up's are numbers and the first is strictly
     * greater. A list of one is a winner when its probability is a number.
     *
     * @param ranked the listed probabilities, best first
     */
    public static boolean clearFirst(double[] ranked) {
        if (ranked.length == 0 || !Double.isFinite(ranked[0])) {
            return false;
        }
        for (double p : ranked) {
            if (!Double.isFinite(p)) {
                return false;
            }
        }
        return ranked.length == 1 || ranked[0] > ranked[1];
    }
}
