package io.github.diffqp.spark;

import io.github.diffqp.solver.QpProblem;

import java.util.Random;

/**
 * Random feasible, strictly convex QPs with a planted feasible point: Q = MᵀM + I, h = G·x0 + a positive
 * slack, b = A·x0.
 */
final class RandomProblems {
    private RandomProblems() {
    }

    static QpProblem problem(Random random, int n, int m, int q) {
        double[] M = gaussian(random, n * n);
        double[] Q = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double s = r == c ? 1 : 0;
                for (int k = 0; k < n; k++) {
                    s += M[k * n + r] * M[k * n + c];
                }
                Q[r * n + c] = s;
            }
        }
        double[] x0 = gaussian(random, n);
        double[] G = gaussian(random, m * n), h = new double[m];
        for (int r = 0; r < m; r++) {
            h[r] = dot(G, r, n, x0) + 0.1 + random.nextDouble();
        }
        double[] A = gaussian(random, q * n), b = new double[q];
        for (int r = 0; r < q; r++) {
            b[r] = dot(A, r, n, x0);
        }
        return new QpProblem(n, Q, gaussian(random, n), G, h, A, b, 0);
    }

    static double[] gaussian(Random random, int count) {
        double[] v = new double[count];
        for (int k = 0; k < count; k++) {
            v[k] = random.nextGaussian();
        }
        return v;
    }

    private static double dot(double[] matrix, int row, int n, double[] x) {
        double s = 0;
        for (int c = 0; c < n; c++) {
            s += matrix[row * n + c] * x[c];
        }
        return s;
    }

    /** A row-major matrix as rows. */
    static double[][] rows(double[] values, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(values, r * cols, out[r], 0, cols);
        }
        return out;
    }
}
