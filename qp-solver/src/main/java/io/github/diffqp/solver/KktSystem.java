package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;

/**
 * The reduced KKT system shared by every Newton step of the interior-point method and by the backward:
 * <pre>
 *   [ K  Aᵀ ] [dx]   [r1]
 *   [ A  0  ] [dy] = [r2]        K = Q + Gᵀ·diag(w)·G
 * </pre>
 * factored as the Cholesky factor of K (plus a small static shift δ) and, when there are equalities,
 * of the Schur complement S = A·K⁻¹·Aᵀ (plus a shift relative to its diagonal). Each solve is followed
 * by iterative refinement against the unshifted system, which removes the shifts' bias; the shifts
 * only keep semidefinite Q and rank-deficient A factorizable.
 */
public final class KktSystem {
    /** How much the shift grows when a factorization fails, and how often that is tried. */
    private static final double SHIFT_GROWTH = 1e3;
    private static final int FACTOR_ATTEMPTS = 4;

    private final Backend backend;
    private final BatchMatrix Q, G, A;
    private final int m, q;
    private final BatchMatrix K, schurWork, S;
    private final BatchVector w;
    private final BatchVector rx, ry, ex, ey, gdx;
    private final double[] shiftK, shiftS, scratch;
    private final boolean[] ok, okS, retry;
    private boolean calibrated;
    private final double regularization;

    /**
     * @param w              the weights z ⊘ s, read at each {@link #factor}; null when m = 0
     * @param regularization the relative static shift (see {@link SolverOptions#regularization()})
     */
    KktSystem(Backend backend, BatchMatrix Q, BatchMatrix G, BatchMatrix A, BatchVector w, double regularization) {
        this.backend = backend;
        this.Q = Q;
        this.G = G;
        this.A = A;
        this.w = w;
        int n = Q.rows();
        this.m = G == null ? 0 : G.rows();
        this.q = A == null ? 0 : A.rows();
        this.regularization = regularization;
        this.K = backend.matrix(n, n, false);
        this.schurWork = q > 0 ? backend.matrix(q, n, false) : null;
        this.S = q > 0 ? backend.matrix(q, q, false) : null;
        this.rx = backend.vector(n, false);
        this.ex = backend.vector(n, false);
        this.ry = q > 0 ? backend.vector(q, false) : null;
        this.ey = q > 0 ? backend.vector(q, false) : null;
        this.gdx = m > 0 ? backend.vector(m, false) : null;
        int B = backend.batchSize();
        this.shiftK = new double[B];
        this.shiftS = new double[B];
        this.scratch = new double[B];
        this.ok = new boolean[B];
        this.okS = new boolean[B];
        this.retry = new boolean[B];
    }

    /**
     * Fixes δ for K from the current K's scale: {@code regularization · max(1, max diag K)}. Called once,
     * on the first factorization (unit weights), so that δ does not grow with the weights as the
     * iterates approach the boundary.
     */
    private void calibrateShift(boolean[] active) {
        backend.setActive(active);
        backend.formNormalMatrix(Q, G, w, K);
        backend.maxDiagonal(K, scratch);
        for (int i = 0; i < shiftK.length; i++) {
            if (active[i]) {
                shiftK[i] = regularization * Math.max(1, scratch[i]);
            }
        }
    }

    /**
     * Forms and factors the system for the active problems at the current weights. A problem whose
     * factorization fails is retried with a larger shift; {@code ok[i]} ends false only when every
     * attempt failed.
     *
     * @param active the problems to factor (the backend's mask is left set to it)
     * @param ok     out: per problem, whether its factorization succeeded
     */
    void factor(boolean[] active, boolean[] ok) {
        if (!calibrated) {
            calibrateShift(active);
            calibrated = true;
        }
        System.arraycopy(active, 0, retry, 0, retry.length);
        for (int attempt = 0; attempt < FACTOR_ATTEMPTS && any(retry); attempt++) {
            backend.setActive(retry);
            backend.formNormalMatrix(Q, G, w, K);
            backend.addToDiagonal(K, shiftK);
            backend.cholesky(K, this.ok);
            if (q > 0) {
                backend.formSchurComplement(K, A, schurWork, S);
                backend.maxDiagonal(S, scratch);
                for (int i = 0; i < scratch.length; i++) {
                    shiftS[i] = regularization * Math.max(scratch[i], 0) * Math.pow(SHIFT_GROWTH, attempt)
                            + Double.MIN_NORMAL;
                }
                backend.addToDiagonal(S, shiftS);
                backend.cholesky(S, okS);
            }
            for (int i = 0; i < retry.length; i++) {
                if (retry[i]) {
                    boolean good = this.ok[i] && (q == 0 || okS[i]);
                    ok[i] = good;
                    retry[i] = !good;
                    if (!good) {
                        shiftK[i] = Math.max(shiftK[i], Double.MIN_NORMAL) * SHIFT_GROWTH;
                    }
                }
            }
        }
        backend.setActive(active);
    }

    /**
     * Solves the system for the active problems (backend mask) with the last factorization:
     * {@code dx, dy} from {@code r1, r2}. {@code r2} and {@code dy} are null when q = 0. Inputs are kept.
     *
     * @param refinementSteps iterative-refinement steps against the unshifted system
     */
    void solve(BatchVector r1, BatchVector r2, BatchVector dx, BatchVector dy, int refinementSteps) {
        solveShifted(r1, r2, dx, dy);
        for (int step = 0; step < refinementSteps; step++) {
            residual(r1, r2, dx, dy);
            solveShifted(rx, ry, ex, ey);
            backend.axpby(1, ex, 1, dx);
            if (q > 0) {
                backend.axpby(1, ey, 1, dy);
            }
        }
    }

    /** rx = r1 − (K·dx + Aᵀ·dy), ry = r2 − A·dx, with the true (unshifted) K. */
    private void residual(BatchVector r1, BatchVector r2, BatchVector dx, BatchVector dy) {
        backend.copy(r1, rx);
        backend.multiply(Q, false, dx, -1, 1, rx);
        if (m > 0) {
            backend.multiply(G, false, dx, 1, 0, gdx);
            backend.multiplyElements(w, gdx, gdx);
            backend.multiply(G, true, gdx, -1, 1, rx);
        }
        if (q > 0) {
            backend.multiply(A, true, dy, -1, 1, rx);
            backend.copy(r2, ry);
            backend.multiply(A, false, dx, -1, 1, ry);
        }
    }

    /** One solve with the shifted factors: dy = S⁻¹(A·K⁻¹·r1 − r2), dx = K⁻¹(r1 − Aᵀ·dy). */
    private void solveShifted(BatchVector r1, BatchVector r2, BatchVector dx, BatchVector dy) {
        backend.copy(r1, dx);
        backend.choleskySolve(K, dx);
        if (q > 0) {
            backend.copy(r2, dy);
            backend.multiply(A, false, dx, 1, -1, dy);
            backend.choleskySolve(S, dy);
            backend.copy(r1, dx);
            backend.multiply(A, true, dy, -1, 1, dx);
            backend.choleskySolve(K, dx);
        }
    }

    /** Scratch of {@link #solveAugmented}, made on its first use (only differentiation needs it). */
    private BatchVector augX, augRes, augCx, augU, augCu, augY, augCy;

    /**
     * Solves the unreduced system in which the inequality multipliers' direction {@code du} is kept:
     * <pre>
     *   [ Q  Gᵀ    Aᵀ ] [dx]   [rx]
     *   [ G  −W⁻¹  0  ] [du] = [ru]        W = diag(w)
     *   [ A  0     0  ] [dy]   [ry]
     * </pre>
     * by eliminating {@code du = W·(G·dx − ru)} into the reduced system, then refining against this
     * unreduced form. Why: near the solution W is huge on active rows (λ/s with s → 0), and
     * {@code W·(G·dx)} multiplies a huge weight by a tiny, rounding-dominated product; the unreduced
     * residual involves only W⁻¹, which is small there, so refinement restores du to full accuracy.
     * {@code ru} may be null (zero); {@code ry}, {@code dy} are null when q = 0; {@code du} when m = 0.
     */
    void solveAugmented(BatchVector rx, BatchVector ru, BatchVector ry, BatchVector dx, BatchVector du,
                        BatchVector dy, int refinementSteps) {
        if (m == 0) {
            solve(rx, ry, dx, dy, refinementSteps);
            return;
        }
        if (augX == null) {
            int n = Q.rows();
            augX = backend.vector(n, false);
            augCx = backend.vector(n, false);
            augRes = backend.vector(m, false);
            augU = backend.vector(m, false);
            augCu = backend.vector(m, false);
            augY = q > 0 ? backend.vector(q, false) : null;
            augCy = q > 0 ? backend.vector(q, false) : null;
        }
        if (ru == null) {
            backend.fill(augRes, 0);
        } else {
            backend.copy(ru, augRes);
        }
        eliminate(rx, augRes, ry, dx, du, dy);
        for (int step = 0; step < refinementSteps; step++) {
            // Residuals of the unreduced system: augX (x rows), augU (u rows), augY (y rows).
            backend.copy(rx, augX);
            backend.multiply(Q, false, dx, -1, 1, augX);
            backend.multiply(G, true, du, -1, 1, augX);
            backend.divideElements(du, w, augU);
            backend.multiply(G, false, dx, -1, 1, augU);
            if (ru != null) {
                backend.axpby(1, ru, 1, augU);
            }
            if (q > 0) {
                backend.multiply(A, true, dy, -1, 1, augX);
                backend.copy(ry, augY);
                backend.multiply(A, false, dx, -1, 1, augY);
            }
            eliminate(augX, augU, augY, augCx, augCu, augCy);
            backend.axpby(1, augCx, 1, dx);
            backend.axpby(1, augCu, 1, du);
            if (q > 0) {
                backend.axpby(1, augCy, 1, dy);
            }
        }
    }

    /**
     * One elimination solve of the unreduced system: {@code (K)·dx + Aᵀ·dy = rx + Gᵀ·W·ru}, then
     * {@code du = W·(G·dx − ru)}. Overwrites {@code ru}'s storage only through {@code du} when they alias
     * (they never do here).
     */
    private void eliminate(BatchVector rx, BatchVector ru, BatchVector ry, BatchVector dx, BatchVector du,
                           BatchVector dy) {
        backend.multiplyElements(w, ru, gdx);
        backend.copy(rx, ex);
        backend.multiply(G, true, gdx, 1, 1, ex);
        solve(ex, ry, dx, dy, 0);
        backend.multiply(G, false, dx, 1, 0, du);
        backend.axpby(-1, ru, 1, du);
        backend.multiplyElements(w, du, du);
    }

    private static boolean any(boolean[] flags) {
        for (boolean f : flags) {
            if (f) {
                return true;
            }
        }
        return false;
    }
}
