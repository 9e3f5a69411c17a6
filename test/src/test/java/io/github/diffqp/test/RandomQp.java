package io.github.diffqp.test;

import io.github.diffqp.solver.QpProblem;

import java.util.Random;

/** Random QPs with known properties, for tests: feasible by construction, strictly convex unless asked. */
final class RandomQp {
    private RandomQp() {
    }

    /**
     * A feasible QP: Q = MᵀM + ridge·I, G random with h = G·x0 + slack0 (slack0 > 0 for about half the
     * rows, 0 for the others so that they are active near x0), A random full rank with b = A·x0.
     */
    static QpProblem feasible(Random rnd, int n, int m, int q, double ridge) {
        double[] M = gaussian(rnd, n * n);
        double[] Q = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += M[k * n + r] * M[k * n + c];
                }
                Q[r * n + c] = s / n + (r == c ? ridge : 0);
            }
        }
        double[] x0 = gaussian(rnd, n);
        double[] p = gaussian(rnd, n);
        double[] G = gaussian(rnd, m * n);
        double[] h = new double[m];
        for (int j = 0; j < m; j++) {
            h[j] = dot(G, j * n, x0, n) + (rnd.nextBoolean() ? rnd.nextDouble() : 0);
        }
        double[] A = gaussian(rnd, q * n);
        double[] b = new double[q];
        for (int j = 0; j < q; j++) {
            b[j] = dot(A, j * n, x0, n);
        }
        return new QpProblem(n, Q, p, G, h, A, b, 0);
    }

    static double[] gaussian(Random rnd, int count) {
        double[] v = new double[count];
        for (int k = 0; k < count; k++) {
            v[k] = rnd.nextGaussian();
        }
        return v;
    }

    static double dot(double[] a, int offset, double[] x, int n) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            s += a[offset + k] * x[k];
        }
        return s;
    }
}
