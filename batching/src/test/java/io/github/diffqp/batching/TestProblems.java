package io.github.diffqp.batching;

import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;

import java.util.Random;

import static io.github.diffqp.testing.Agreement.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Random test problems of a given shape, and the comparison of solutions. */
final class TestProblems {
    private TestProblems() {
    }

    /**
     * A strictly convex problem with a known, strictly complementary and well-conditioned solution, so
     * that any two accurate solvers agree closely: a random x*, about half the inequality rows active
     * (at most n − q) with λ* ∈ [0.2, 1.2], the others inactive with slack in [0.2, 1.2], ν* random. The
     * rows of A and the active rows of G are orthonormal, so that the active constraints are far from
     * dependent; Q = I + MᵀM/n. Then {@code h = Gx* + s*}, {@code b = Ax*} and
     * {@code p = −(Qx* + Gᵀλ* + Aᵀν*)}.
     */
    static QpProblem feasible(Random rnd, Shape s) {
        int n = s.n(), m = s.m(), q = s.q();
        boolean[] active = new boolean[m];
        int activeCount = 0;
        for (int r = 0; r < m; r++) {
            active[r] = activeCount < n - q && rnd.nextBoolean();
            activeCount += active[r] ? 1 : 0;
        }
        double[][] basis = orthonormalRows(rnd, q + activeCount, n);
        double[] A = new double[q * n], G = gaussian(rnd, m * n);
        for (int r = 0; r < q; r++) {
            System.arraycopy(basis[r], 0, A, r * n, n);
        }
        for (int r = 0, next = q; r < m; r++) {
            if (active[r]) {
                System.arraycopy(basis[next++], 0, G, r * n, n);
            }
        }
        double[] x = gaussian(rnd, n), nu = gaussian(rnd, q), Q = spd(rnd, n);
        double[] h = times(G, x, m, n), b = times(A, x, q, n);
        double[] lambda = new double[m];
        for (int r = 0; r < m; r++) {
            if (active[r]) {
                lambda[r] = 0.2 + rnd.nextDouble();
            } else {
                h[r] += 0.2 + rnd.nextDouble();
            }
        }
        double[] p = times(Q, x, n, n);
        for (int c = 0; c < n; c++) {
            for (int r = 0; r < m; r++) {
                p[c] += G[r * n + c] * lambda[r];
            }
            for (int r = 0; r < q; r++) {
                p[c] += A[r * n + c] * nu[r];
            }
            p[c] = -p[c];
        }
        return new QpProblem(n, Q, p, G, h, A, b, 0);
    }

    /** {@code count ≤ n} orthonormal rows of length n (Gram–Schmidt on Gaussian vectors). */
    private static double[][] orthonormalRows(Random rnd, int count, int n) {
        double[][] rows = new double[count][];
        for (int k = 0; k < count; k++) {
            double[] v = gaussian(rnd, n);
            for (int pass = 0; pass < 2; pass++) { // twice is enough for orthogonality to rounding
                for (int j = 0; j < k; j++) {
                    double dot = 0;
                    for (int c = 0; c < n; c++) {
                        dot += v[c] * rows[j][c];
                    }
                    for (int c = 0; c < n; c++) {
                        v[c] -= dot * rows[j][c];
                    }
                }
            }
            double norm = 0;
            for (double e : v) {
                norm += e * e;
            }
            norm = Math.sqrt(norm);
            for (int c = 0; c < n; c++) {
                v[c] /= norm;
            }
            rows[k] = v;
        }
        return rows;
    }

    /** Like {@link #feasible}, but rows 0 and 1 demand x₀ ≤ −1 and x₀ ≥ 1: primal infeasible (m ≥ 2). */
    static QpProblem infeasible(Random rnd, Shape s) {
        if (s.m() < 2) {
            throw new IllegalArgumentException("an infeasible pair of rows needs m >= 2");
        }
        QpProblem f = feasible(rnd, s);
        double[] G = f.G().clone(), h = f.h().clone();
        int n = s.n();
        java.util.Arrays.fill(G, 0, 2 * n, 0);
        G[0] = 1;
        h[0] = -1;
        G[n] = -1;
        h[1] = -1;
        return new QpProblem(n, f.Q(), f.p(), G, h, f.A(), f.b(), 0);
    }

    static double[] gaussian(Random rnd, int length) {
        double[] v = new double[length];
        for (int k = 0; k < length; k++) {
            v[k] = rnd.nextGaussian();
        }
        return v;
    }

    private static double[] spd(Random rnd, int n) {
        double[] M = gaussian(rnd, n * n), Q = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += M[k * n + i] * M[k * n + j];
                }
                Q[i * n + j] = s / n + (i == j ? 1 : 0);
            }
        }
        return Q;
    }

    private static double[] times(double[] M, double[] x, int rows, int cols) {
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                y[r] += M[r * cols + c] * x[c];
            }
        }
        return y;
    }

    /**
     * Solutions of size one agree: same shape and status; for a solved problem x, λ, ν, slacks and the
     * objective within {@code relative}·max(1, |expected|∞).
     */
    static void assertAgree(QpSolution expected, QpSolution actual, double relative, String what) {
        assertEquals(1, actual.size(), what);
        assertEquals(expected.n(), actual.n(), what + ": n");
        assertEquals(expected.m(), actual.m(), what + ": m");
        assertEquals(expected.q(), actual.q(), what + ": q");
        assertEquals(expected.status(0), actual.status(0), what + ": status");
        if (expected.status(0) != io.github.diffqp.solver.Status.SOLVED) {
            return;
        }
        assertClose(expected.x(0), actual.x(0), relative, what + ": x");
        assertClose(expected.lambda(0), actual.lambda(0), relative, what + ": lambda");
        assertClose(expected.nu(0), actual.nu(0), relative, what + ": nu");
        assertClose(expected.slack(0), actual.slack(0), relative, what + ": slack");
        assertClose(expected.objective(0), actual.objective(0), relative, what + ": objective");
    }
}
