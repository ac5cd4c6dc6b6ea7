package io.vggstream.engine.fusion;

/**
 * A linear head applied to an image's averaged feature, as the paper makes its descriptor: the mean of the variants'
 * feature outputs, divided by {@code max(||mean||_2, epsilon)}, then {@code softmax(W x + b)}. What a fit-head model
 * whose card says {@code head.fusion = features} is served with: the graph runs each variant as usual and its own
 * per-variant posterior is not used; the aggregator fuses the features and calls {@link #posterior}. The arithmetic is
 * fit-head's scoring of its averaged descriptor (float mean and norm, double scores), so the model serves what was fitted.
 *
 * @param weight {@code [classes][features]}, row k scores class k
 * @param bias {@code [classes]}
 * @param epsilon the smallest norm divided by (an all-zero feature stays zero instead of NaN)
 */
public record FeatureHead(float[][] weight, float[] bias, float epsilon) {

    public FeatureHead {
        if (weight.length < 2 || bias.length != weight.length) {
            throw new IllegalArgumentException("a head needs two or more classes and one bias each, was " + weight.length + " rows and "
                + bias.length + " biases");
        }
        for (float[] row : weight) {
            if (row.length != weight[0].length || row.length == 0) {
                throw new IllegalArgumentException("the head's rows differ in length or are empty");
            }
        }
        if (!(epsilon > 0) || !Float.isFinite(epsilon)) {
            throw new IllegalArgumentException("the head's epsilon must be a positive number, was " + epsilon);
        }
    }

    public int classes() {
        return weight.length;
    }

    public int features() {
        return weight[0].length;
    }

    /**
     * The posterior of the mean feature {@code sum / n}.
     *
     * @param sum the variants' features added up ({@link #features()} long)
     * @param n how many variants were added ({@code > 0})
     */
    public double[] posterior(double[] sum, int n) {
        if (sum.length != features() || n <= 0) {
            throw new IllegalArgumentException("a feature of " + sum.length + " values from " + n + " variants, the head reads "
                + features());
        }
        return softmax(normalise(sum, n, epsilon));
    }

    /**
     * The paper's descriptor from a sum of {@code n} features: {@code sum / n} in float, divided by
     * {@code max(||sum / n||_2, epsilon)}. fit-head makes its training rows with this very code.
     */
    public static float[] normalise(double[] sum, int n, float epsilon) {
        float[] x = new float[sum.length];
        double sq = 0;
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) (sum[j] / n);
            sq += (double) x[j] * x[j];
        }
        float norm = Math.max((float) Math.sqrt(sq), epsilon);
        for (int j = 0; j < x.length; j++) {
            x[j] /= norm;
        }
        return x;
    }

    /** {@code softmax(W x + b)} of one descriptor, in double (float products, as fit-head scores its rows). */
    public double[] softmax(float[] x) {
        double[] s = new double[weight.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < weight.length; k++) {
            double v = bias[k];
            for (int j = 0; j < x.length; j++) {
                v += weight[k][j] * x[j];
            }
            s[k] = v;
            max = Math.max(max, v);
        }
        double total = 0;
        for (int k = 0; k < s.length; k++) {
            s[k] = Math.exp(s[k] - max);
            total += s[k];
        }
        for (int k = 0; k < s.length; k++) {
            s[k] /= total;
        }
        return s;
    }
}
