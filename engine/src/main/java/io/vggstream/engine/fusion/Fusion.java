package io.vggstream.engine.fusion;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's fusion of softmax posteriors. Within a model, the dense variants (scales x flips)
 * are averaged, and so are the crops; dense and crops then count equally (the paper's "average
 * of both"); an ensemble averages its models with equal weight. A model served with a
 * {@link FeatureHead} fuses its variants' features instead (dense and crops apart, as above) and
 * puts each mean through the head: the paper's averaged descriptor.
 */
public final class Fusion {

    private Fusion() {
    }

    /**
     * Running sums for one model: dense and crop posteriors kept apart until the end; for a model with a
     * {@link FeatureHead}, its variants' features instead.
     */
    public static final class ModelSum {
        private final double[] dense;
        private final double[] crops;
        private final FeatureHead head;
        private int denseCount;
        private int cropCount;

        public ModelSum(int classes) {
            this(classes, null);
        }

        /** @param head applied to the mean feature, or null to average the posteriors */
        public ModelSum(int classes, FeatureHead head) {
            if (head != null && head.classes() != classes) {
                throw new IllegalArgumentException("the head scores " + head.classes() + " classes, the model serves " + classes);
            }
            this.head = head;
            int width = head == null ? classes : head.features();
            dense = new double[width];
            crops = new double[width];
        }

        /** Whether this model's variants must come with their features (it fuses features, not posteriors). */
        public boolean needsFeatures() {
            return head != null;
        }

        public void add(boolean crop, float[] posterior) {
            add(crop, posterior, null);
        }

        /**
         * Adds one variant.
         *
         * @param feature the variant's feature output; required (and the head's length) when {@link #needsFeatures()},
         *     ignored otherwise
         */
        public void add(boolean crop, float[] posterior, float[] feature) {
            double[] target = crop ? crops : dense;
            float[] values = head == null ? posterior : feature;
            if (values == null || values.length != target.length) {
                throw new IllegalArgumentException(head == null
                    ? "posterior has " + (posterior == null ? 0 : posterior.length) + " classes, expected " + target.length
                    : "feature has " + (feature == null ? "no" : feature.length) + " values, the head reads " + target.length);
            }
            for (int i = 0; i < values.length; i++) {
                target[i] += values[i];
            }
            if (crop) {
                cropCount++;
            } else {
                denseCount++;
            }
        }

        public boolean isEmpty() {
            return denseCount == 0 && cropCount == 0;
        }

        public int count() {
            return denseCount + cropCount;
        }

        /**
         * The model's posterior: the mean of the dense mean and the crop mean (either alone if the other is absent); with a
         * head, of the head's posteriors of the dense mean feature and the crop mean feature.
         */
        public double[] posterior() {
            int groups = (denseCount > 0 ? 1 : 0) + (cropCount > 0 ? 1 : 0);
            if (groups == 0) {
                throw new IllegalStateException("no posterior was added");
            }
            if (head != null) {
                double[] out = new double[head.classes()];
                for (double[] p : new double[][] {denseCount > 0 ? head.posterior(dense, denseCount) : null,
                    cropCount > 0 ? head.posterior(crops, cropCount) : null}) {
                    for (int i = 0; p != null && i < out.length; i++) {
                        out[i] += p[i] / groups;
                    }
                }
                return out;
            }
            double[] out = new double[dense.length];
            for (int i = 0; i < out.length; i++) {
                double v = 0;
                if (denseCount > 0) {
                    v += dense[i] / denseCount;
                }
                if (cropCount > 0) {
                    v += crops[i] / cropCount;
                }
                out[i] = v / groups;
            }
            return out;
        }
    }

    /** The ensemble's posterior: the mean over the models that answered. */
    public static double[] ensemble(List<ModelSum> models) {
        List<double[]> answered = models.stream().filter(m -> !m.isEmpty()).map(ModelSum::posterior).toList();
        if (answered.isEmpty()) {
            throw new IllegalStateException("no model answered");
        }
        return mean(answered);
    }

    /** The equal-weight mean of models' posteriors: the paper's fusion of an ensemble. */
    public static double[] mean(List<double[]> posteriors) {
        double[] out = new double[posteriors.get(0).length];
        for (double[] p : posteriors) {
            for (int i = 0; i < out.length; i++) {
                out[i] += p[i] / posteriors.size();
            }
        }
        return out;
    }

    /** A class and its probability. */
    public record Ranked(int index, double p) {
    }

    /**
     * The {@code k} best classes, best first; ties go to the lower index; a NaN ranks before any
     * number, so that a broken posterior shows in the top-k a prediction carries (and
     * {@link io.vggstream.topics.card.TopK} scores it wrong) instead of hiding behind the classes
     * that are numbers. One pass keeping the best {@code k} in order (k is small, the classes may
     * be 1000): no sort, no boxing.
     */
    public static List<Ranked> top(double[] posterior, int k) {
        int n = Math.max(0, Math.min(k, posterior.length));
        int[] best = new int[n];
        int kept = 0;
        for (int i = 0; i < posterior.length && n > 0; i++) {
            // Ordered by rank, then by index: a later index never passes an equal one.
            if (kept == n && rank(posterior[i], posterior[best[n - 1]]) >= 0) {
                continue;
            }
            int j = kept < n ? kept++ : n - 1;
            while (j > 0 && rank(posterior[i], posterior[best[j - 1]]) < 0) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = i;
        }
        List<Ranked> out = new ArrayList<>(n);
        for (int i = 0; i < kept; i++) {
            out.add(new Ranked(best[i], posterior[best[i]]));
        }
        return out;
    }

    /** Negative when {@code a} ranks before {@code b}: NaN first, then the larger probability. */
    private static int rank(double a, double b) {
        boolean nanA = Double.isNaN(a);
        boolean nanB = Double.isNaN(b);
        if (nanA || nanB) {
            return nanA == nanB ? 0 : nanA ? -1 : 1;
        }
        return Double.compare(-a, -b);
    }
}
