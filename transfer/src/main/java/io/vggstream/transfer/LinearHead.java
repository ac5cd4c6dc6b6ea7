package io.vggstream.transfer;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import io.vggstream.topics.card.TopK;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
 * on the training descriptors over a grid of powers of two; ties go to the smaller C. With one row per
 * image that is LIBLINEAR's own {@code crossValidation} (folds drawn from a seeded generator); with
 * several rows per image (one per variant) the folds are drawn over images, so that no image's flip
 * is fitted on while the image is scored, and an image is scored as the engine serves it: the mean
 * of its rows' softmax posteriors ({@link Fitted#posterior(float[][])}).
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

        /**
         * What the served graph gives for one row ({@code softmax(W x + b)}), averaged over the rows as the
         * engine's fusion averages the variants' posteriors.
         */
        public double[] posterior(float[][] rows) {
            // Each row scored by the engine's own code for a feature head (the same arithmetic the served model runs).
            io.vggstream.engine.fusion.FeatureHead head = new io.vggstream.engine.fusion.FeatureHead(weight, bias, Descriptors.EPSILON);
            double[] mean = new double[weight.length];
            for (float[] x : rows) {
                double[] p = head.softmax(x);
                for (int k = 0; k < p.length; k++) {
                    mean[k] += p[k] / rows.length;
                }
            }
            return mean;
        }

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

    /** Fits a head on descriptors {@code x}, one per image, with labels {@code y} in {@code 0..classes-1}. */
    public static Fitted fit(float[][] x, int[] y, int classes, Classifier classifier, Double c, int folds, long seed) {
        int[] image = new int[x.length];
        for (int i = 0; i < image.length; i++) {
            image[i] = i;
        }
        return fit(x, y, image, classes, classifier, c, folds, seed);
    }

    /**
     * Fits a head on descriptors {@code x} with labels {@code y} in {@code 0..classes-1}; row i comes from
     * image {@code image[i]} (images numbered from 0, an image's rows sharing its label).
     *
     * @param c C, or null to choose it by cross-validation
     * @param folds the cross-validation folds (capped at the number of images)
     * @throws IllegalArgumentException when a class has no descriptor, or C is not positive
     */
    public static Fitted fit(float[][] x, int[] y, int[] image, int classes, Classifier classifier, Double c, int folds, long seed) {
        int[] counts = new int[classes];
        for (int label : y) {
            counts[label]++;
        }
        if (image.length != x.length) {
            throw new IllegalArgumentException(x.length + " descriptors but " + image.length + " image numbers");
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
        int images = Arrays.stream(image).max().orElse(-1) + 1;
        if (c == null) {
            k = Math.max(2, Math.min(folds, images));
            chosen = C_GRID.get(0);
            double best = -1;
            for (double candidate : C_GRID) {
                double acc = images == x.length
                    ? crossValidate(problem, y, parameter(classifier, candidate, seed), k)
                    : crossValidateByImage(problem, x, y, image, images, classes, parameter(classifier, candidate, seed), k, seed);
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

    /** LIBLINEAR's own cross-validation, one row per image: its accuracy. */
    private static double crossValidate(Problem problem, int[] y, Parameter p, int k) {
        double[] target = new double[y.length];
        Linear.crossValidation(problem, p, k, target);
        int right = 0;
        for (int i = 0; i < target.length; i++) {
            if ((int) target[i] == y[i]) {
                right++;
            }
        }
        return (double) right / y.length;
    }

    /**
     * k-fold cross-validation over images, several rows each: the images are shuffled with the seed and
     * dealt into k folds (LIBLINEAR's own folds are drawn over rows, and would fit on an image's flip
     * while scoring the image); each fold's images are scored by the mean of their rows' softmax
     * posteriors under a head trained by LIBLINEAR on the other folds' rows, top-1 by {@link TopK} as
     * the engine's evaluation scores it. Returns the accuracy over images.
     */
    private static double crossValidateByImage(Problem problem, float[][] x, int[] y, int[] image, int images, int classes,
                                               Parameter p, int k, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int g = 0; g < images; g++) {
            order.add(g);
        }
        Collections.shuffle(order, new Random(seed));
        int[] fold = new int[images];
        for (int i = 0; i < images; i++) {
            fold[order.get(i)] = i % k;
        }
        List<List<Integer>> rowsOf = new ArrayList<>();
        int[] label = new int[images];
        for (int g = 0; g < images; g++) {
            rowsOf.add(new ArrayList<>());
        }
        for (int i = 0; i < image.length; i++) {
            rowsOf.get(image[i]).add(i);
            label[image[i]] = y[i];
        }
        int right = 0;
        for (int f = 0; f < k; f++) {
            List<Integer> fitRows = new ArrayList<>();
            for (int i = 0; i < image.length; i++) {
                if (fold[image[i]] != f) {
                    fitRows.add(i);
                }
            }
            Problem sub = new Problem();
            sub.l = fitRows.size();
            sub.n = problem.n;
            sub.bias = problem.bias;
            sub.x = new Feature[sub.l][];
            sub.y = new double[sub.l];
            for (int r = 0; r < sub.l; r++) {
                sub.x[r] = problem.x[fitRows.get(r)];
                sub.y[r] = problem.y[fitRows.get(r)];
            }
            Model model = Linear.train(sub, p);
            Fitted head = new Fitted(weights(model, x[0].length, classes), biases(model, classes), p.getC(), null, Map.of(), 0);
            for (int g = 0; g < images; g++) {
                if (fold[g] != f) {
                    continue;
                }
                float[][] rows = new float[rowsOf.get(g).size()][];
                for (int r = 0; r < rows.length; r++) {
                    rows[r] = x[rowsOf.get(g).get(r)];
                }
                if (TopK.contains(head.posterior(rows), label[g], 1)) {
                    right++;
                }
            }
        }
        return (double) right / images;
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
