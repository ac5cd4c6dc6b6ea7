package io.vggstream.trainer.data;

/**
 * Principal components of the training set's RGB pixel covariance, with pixels in [0, 1]: AlexNet's
 * "fancy PCA" lighting noise adds {@code 255 * sum_k v_k * alpha_k * lambda_k} to every pixel of an
 * image, with {@code alpha_k ~ N(0, 0.1)} drawn once per image.
 *
 * @param eigenvalues lambda_1 >= lambda_2 >= lambda_3 >= 0
 * @param eigenvectors eigenvectors as columns: {@code eigenvectors[c][k]} is channel c of v_k
 */
public record ColourPca(double[] eigenvalues, double[][] eigenvectors) {

    public ColourPca {
        if (eigenvalues.length != 3 || eigenvectors.length != 3) {
            throw new IllegalArgumentException("an RGB PCA has three components");
        }
        eigenvalues = eigenvalues.clone();
        double[][] copy = new double[3][];
        for (int c = 0; c < 3; c++) {
            copy[c] = eigenvectors[c].clone();
        }
        eigenvectors = copy;
    }

    /** Eigen-decomposition of a symmetric 3x3 covariance (Jacobi rotations), sorted, signs fixed. */
    public static ColourPca of(double[][] covariance) {
        double[][] a = new double[3][3];
        double[][] v = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                a[i][j] = 0.5 * (covariance[i][j] + covariance[j][i]);
            }
        }
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = Math.abs(a[0][1]) + Math.abs(a[0][2]) + Math.abs(a[1][2]);
            if (off < 1e-15) {
                break;
            }
            for (int p = 0; p < 2; p++) {
                for (int q = p + 1; q < 3; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < 3; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < 3; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < 3; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = {0, 1, 2};
        java.util.Arrays.sort(order, (i, j) -> Double.compare(a[j][j], a[i][i]));
        double[] values = new double[3];
        double[][] vectors = new double[3][3];
        for (int k = 0; k < 3; k++) {
            int src = order[k];
            values[k] = Math.max(0, a[src][src]);
            double sign = 1;
            for (int c = 0; c < 3; c++) {
                if (Math.abs(v[c][src]) > 1e-12) {
                    sign = Math.signum(v[c][src]);
                    break;
                }
            }
            for (int c = 0; c < 3; c++) {
                vectors[c][k] = sign * v[c][src];
            }
        }
        return new ColourPca(values, vectors);
    }

    /** The colour shift, in 0-255 units, for one draw of alpha (length 3). */
    public double[] shift(double[] alpha) {
        double[] shift = new double[3];
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int k = 0; k < 3; k++) {
                s += eigenvectors[c][k] * alpha[k] * eigenvalues[k];
            }
            shift[c] = 255 * s;
        }
        return shift;
    }
}
