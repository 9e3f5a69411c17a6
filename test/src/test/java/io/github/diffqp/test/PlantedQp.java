package io.github.diffqp.test;

import io.github.diffqp.benchmarks.Cases;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;

import java.util.Random;

/**
 * Batches of QPs whose solution is planted, so it is known exactly rather than computed by a solver.
 *
 * <p>Per problem: pick x₀, an active set 𝒜 of about half the inequality rows, multipliers λ > 0 on 𝒜
 * and slacks s > 0 off 𝒜, and ν; then set h = Gx₀ + s (s = 0 on 𝒜), b = Ax₀ and
 * p = −(Qx₀ + Gᵀλ + Aᵀν). With Q ≻ 0 this (x₀, λ, ν) satisfies the KKT conditions, so it is the optimum;
 * it is unique and strictly complementary because λ > 0 exactly where s = 0, and the multipliers are
 * unique because [G_𝒜; A] has at most n Gaussian rows (full row rank almost surely).
 *
 * <p>λ on 𝒜 and s off 𝒜 are log-uniform over [{@value #MARGIN_LOW}, 1]: the small end is what makes
 * active-set identification hard for an interior-point method, while the answer stays well defined
 * (the reference's KKT matrix does not involve λ or s, so its conditioning does not degrade).
 *
 * <pre>{@code
 * PlantedQp planted = PlantedQp.generate(7, 64, 100, 100, 5, false);
 * QpBatch batch = planted.batch();
 * double[] x = planted.x(0);
 * }</pre>
 */
final class PlantedQp {
    /** Smallest planted multiplier or slack. */
    static final double MARGIN_LOW = 1e-4;

    private final QpBatch batch;
    private final double[][] x, lambda, nu;
    private final boolean[][] active;

    private PlantedQp(QpBatch batch, double[][] x, double[][] lambda, double[][] nu, boolean[][] active) {
        this.batch = batch;
        this.x = x;
        this.lambda = lambda;
        this.nu = nu;
        this.active = active;
    }

    /**
     * B planted problems of n variables, m inequalities and q equalities (q ≤ n), reproducible from the
     * seed. With {@code shareMatrices}, Q, G and A are one shared copy and only p, h, b differ by problem
     * (each problem still has its own x₀, active set, λ and ν); otherwise every datum is per problem.
     */
    static PlantedQp generate(long seed, int B, int n, int m, int q, boolean shareMatrices) {
        if (q > n) {
            throw new IllegalArgumentException("q = " + q + " equalities exceed n = " + n + " variables");
        }
        Random rnd = new Random(seed);
        int copies = shareMatrices ? 1 : B;
        double[] Q = new double[copies * n * n];
        double[] G = new double[copies * m * n];
        double[] A = new double[copies * q * n];
        for (int c = 0; c < copies; c++) {
            Cases.gram(RandomQp.gaussian(rnd, n * n), n, n, 1.0 / n, 1, Q, c * n * n);
            System.arraycopy(RandomQp.gaussian(rnd, m * n), 0, G, c * m * n, m * n);
            System.arraycopy(RandomQp.gaussian(rnd, q * n), 0, A, c * q * n, q * n);
        }
        double[] p = new double[B * n], h = new double[B * m], b = new double[B * q];
        double[][] xs = new double[B][], lambdas = new double[B][], nus = new double[B][];
        boolean[][] actives = new boolean[B][];
        // At most n − q active rows, so that [G_𝒜; A] can have full row rank and the multipliers are unique.
        int activeCount = Math.min(m / 2, n - q);
        for (int i = 0; i < B; i++) {
            int c = shareMatrices ? 0 : i;
            double[] x0 = RandomQp.gaussian(rnd, n);
            double[] nu = RandomQp.gaussian(rnd, q);
            boolean[] act = randomSubset(rnd, m, activeCount);
            double[] lam = new double[m];
            for (int j = 0; j < m; j++) {
                double margin = logUniform(rnd);
                double gx = RandomQp.dot(G, c * m * n + j * n, x0, n);
                if (act[j]) {
                    lam[j] = margin;
                    h[i * m + j] = gx;
                } else {
                    h[i * m + j] = gx + margin;
                }
            }
            for (int j = 0; j < q; j++) {
                b[i * q + j] = RandomQp.dot(A, c * q * n + j * n, x0, n);
            }
            for (int r = 0; r < n; r++) {
                double s = RandomQp.dot(Q, c * n * n + r * n, x0, n); // Q symmetric: row r = column r
                for (int j = 0; j < m; j++) {
                    s += G[c * m * n + j * n + r] * lam[j];
                }
                for (int j = 0; j < q; j++) {
                    s += A[c * q * n + j * n + r] * nu[j];
                }
                p[i * n + r] = -s;
            }
            xs[i] = x0;
            lambdas[i] = lam;
            nus[i] = nu;
            actives[i] = act;
        }
        QpBatch.Builder bl = QpBatch.builder().size(B).p(Datum.batchedVector(B, n, p));
        bl.Q(shareMatrices ? Datum.shared(n, n, Q) : Datum.batched(B, n, n, Q));
        if (m > 0) {
            bl.G(shareMatrices ? Datum.shared(m, n, G) : Datum.batched(B, m, n, G)).h(Datum.batchedVector(B, m, h));
        }
        if (q > 0) {
            bl.A(shareMatrices ? Datum.shared(q, n, A) : Datum.batched(B, q, n, A)).b(Datum.batchedVector(B, q, b));
        }
        return new PlantedQp(bl.build(), xs, lambdas, nus, actives);
    }

    QpBatch batch() {
        return batch;
    }

    /** Problem i's planted optimum (a copy). */
    double[] x(int i) {
        return x[i].clone();
    }

    /** Problem i's planted inequality multipliers, 0 off the active set (a copy). */
    double[] lambda(int i) {
        return lambda[i].clone();
    }

    /** Problem i's planted equality multipliers (a copy). */
    double[] nu(int i) {
        return nu[i].clone();
    }

    /** Problem i's active set: row j is active (s = 0, λ > 0) exactly when {@code active(i)[j]} (a copy). */
    boolean[] active(int i) {
        return active[i].clone();
    }

    /** All active sets, indexed [problem][row] (copies). */
    boolean[][] activeSets() {
        boolean[][] out = new boolean[active.length][];
        for (int i = 0; i < active.length; i++) {
            out[i] = active(i);
        }
        return out;
    }

    /** A uniformly random subset of {0..m−1} of the given size (partial Fisher–Yates). */
    private static boolean[] randomSubset(Random rnd, int m, int size) {
        int[] order = new int[m];
        for (int j = 0; j < m; j++) {
            order[j] = j;
        }
        boolean[] chosen = new boolean[m];
        for (int k = 0; k < size; k++) {
            int pick = k + rnd.nextInt(m - k);
            int t = order[k];
            order[k] = order[pick];
            order[pick] = t;
            chosen[order[k]] = true;
        }
        return chosen;
    }

    private static double logUniform(Random rnd) {
        return Math.exp(Math.log(MARGIN_LOW) * rnd.nextDouble());
    }
}
