package io.vggstream.transfer;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The linear classifier on the descriptors, fitted by LIBLINEAR's Java port (de.bwaldvogel:liblinear):
 * L2-regularised logistic regression ({@code logistic}, solver L2R_LR) or the L2-regularised L2-loss
 * linear SVM ({@code svm}, L2R_L2LOSS_SVC_DUAL, LIBLINEAR's default and the paper's kind of SVM),
 * one-vs-rest for more than two classes, with a bias feature. C is chosen by k-fold cross-validation
 * on the training descriptors (LIBLINEAR's own {@code crossValidation}, folds drawn from a seeded
 * generator) over a grid of powers of two; ties go to the smaller C.
 */
public final class LinearHead {

    /** The grid C is chosen from: 2^-4 ... 2^12 (unit-length descriptors need a large C to fit a few images). */
    public static final List<Double> C_GRID = grid();

    /** The head's kind. */
    public enum Classifier {
        LOGISTIC("logistic", SolverType.L2R_LR), SVM("svm", SolverType.L2R_L2LOSS_SVC_DUAL);

        private final String label;
        private final SolverType solver;

        Classifier(String label, SolverType solver) {
            this.label = label;
            this.solver = solver;
        }

        public String label() {
            return label;
        }

        /** {@code logistic} or {@code svm}; anything else is refused naming the flag. */
        public static Classifier parse(String s) {
            for (Classifier c : values()) {
                if (c.label.equalsIgnoreCase(s)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("--classifier must be logistic or svm, was '" + s + "'");
        }
    }

    /**
     * A fitted head.
     *
     * @param weight {@code [classes][features]}, row k scores class k
     * @param bias {@code [classes]}
     * @param c the C used
     * @param cvAccuracy the cross-validated accuracy of that C, or null when C was given
     * @param cvByC the cross-validated accuracy of every C tried (empty when C was given)
     * @param folds the folds used (0 when C was given)
     */
    public record Fitted(float[][] weight, float[] bias, double c, Double cvAccuracy, Map<Double, Double> cvByC, int folds) {

        /** The class with the highest score (the first on a tie). */
        public int predict(float[] x) {
            int best = 0;
            double top = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < weight.length; k++) {
                double s = bias[k];
                for (int j = 0; j < x.length; j++) {
                    s += weight[k][j] * x[j];
                }
                if (s > top) {
                    top = s;
                    best = k;
                }
            }
            return best;
        }
    }

    private LinearHead() {}

    /**
     * Fits a head on descriptors {@code x} with labels {@code y} in {@code 0..classes-1}.
     *
     * @param c C, or null to choose it by cross-validation
     * @param folds the cross-validation folds (capped at the number of descriptors)
     * @throws IllegalArgumentException when a class has no descriptor, or C is not positive
     */
    public static Fitted fit(float[][] x, int[] y, int classes, Classifier classifier, Double c, int folds, long seed) {
        int[] counts = new int[classes];
        for (int label : y) {
            counts[label]++;
        }
        for (int k = 0; k < classes; k++) {
            if (counts[k] == 0) {
                throw new IllegalArgumentException("class " + k + " has no training descriptor");
            }
        }
        if (c != null && !(c > 0 && Double.isFinite(c))) {
            throw new IllegalArgumentException("--c must be a positive number, was " + c);
        }
        Linear.disableDebugOutput();
        Problem problem = problem(x, y);
        Map<Double, Double> byC = new LinkedHashMap<>();
        double chosen;
        Double cv = null;
        int k = 0;
        if (c == null) {
            k = Math.max(2, Math.min(folds, x.length));
            chosen = C_GRID.get(0);
            double best = -1;
            for (double candidate : C_GRID) {
                Parameter p = parameter(classifier, candidate, seed);
                double[] target = new double[x.length];
                Linear.crossValidation(problem, p, k, target);
                int right = 0;
                for (int i = 0; i < target.length; i++) {
                    if ((int) target[i] == y[i]) {
                        right++;
                    }
                }
                double acc = (double) right / x.length;
                byC.put(candidate, acc);
                if (acc > best) {
                    best = acc;
                    chosen = candidate;
                }
            }
            cv = best;
        } else {
            chosen = c;
        }
        Model model = Linear.train(problem, parameter(classifier, chosen, seed));
        return new Fitted(weights(model, x[0].length, classes), biases(model, classes), chosen, cv, byC, k);
    }

    /**
     * Row k of the weights is LIBLINEAR's decision function for class k. With two classes LIBLINEAR keeps
     * one function (positive: its first label); that label gets it and the other a zero row, so the served
     * softmax of the two scores is the logistic's sigmoid and the argmax LIBLINEAR's prediction.
     */
    private static float[][] weights(Model model, int features, int classes) {
        float[][] w = new float[classes][features];
        int[] labels = model.getLabels();
        int rows = model.getNrClass() == 2 ? 1 : model.getNrClass();
        for (int idx = 0; idx < rows; idx++) {
            for (int j = 0; j < features; j++) {
                w[labels[idx]][j] = (float) model.getDecfunCoef(j + 1, idx);
            }
        }
        return w;
    }

    private static float[] biases(Model model, int classes) {
        float[] b = new float[classes];
        int[] labels = model.getLabels();
        int rows = model.getNrClass() == 2 ? 1 : model.getNrClass();
        for (int idx = 0; idx < rows; idx++) {
            b[labels[idx]] = (float) model.getDecfunBias(idx);
        }
        return b;
    }

    private static Parameter parameter(Classifier classifier, double c, long seed) {
        Parameter p = new Parameter(classifier.solver, c, 0.01);
        p.setRandom(new Random(seed));
        return p;
    }

    private static Problem problem(float[][] x, int[] y) {
        Problem p = new Problem();
        p.l = x.length;
        p.n = x[0].length + 1;
        p.bias = 1;
        p.y = new double[x.length];
        p.x = new Feature[x.length][];
        for (int i = 0; i < x.length; i++) {
            p.y[i] = y[i];
            List<Feature> row = new ArrayList<>(x[i].length + 1);
            for (int j = 0; j < x[i].length; j++) {
                if (x[i][j] != 0) {
                    row.add(new FeatureNode(j + 1, x[i][j]));
                }
            }
            row.add(new FeatureNode(x[i].length + 1, 1));
            p.x[i] = row.toArray(Feature[]::new);
        }
        return p;
    }

    private static List<Double> grid() {
        List<Double> g = new ArrayList<>();
        for (int e = -4; e <= 12; e++) {
            g.add(Math.pow(2, e));
        }
        return List.copyOf(g);
    }

    /** "2^3 = 8" style, for messages. */
    static String describeGrid() {
        return String.format(Locale.ROOT, "C in 2^-4 .. 2^12 (%d values)", C_GRID.size());
    }
}
