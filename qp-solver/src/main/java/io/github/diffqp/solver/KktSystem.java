package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;

import java.util.Arrays;

/**
 * The reduced KKT system shared by every Newton step of the interior-point method, by polishing and by the
 * backward (docs/DESIGN.md §2.9):
 * <pre>
 *   [ K  Aᵀ ] [dx]   [r1]
 *   [ A  0  ] [dy] = [r2]        K = Q + Gᵀ·diag(w)·G
 * </pre>
 * It is solved in the equivalent form with K replaced by {@code K + ρ·AᵀA} and r1 by {@code r1 + ρ·Aᵀr2}
 * (the second block row times ρAᵀ added to the first; same solution, no bias). Why: Q is often singular
 * (LPs, the free variables of the Maros–Meszaros set), and then K is singular on the directions no
 * inequality weights, which a small shift makes huge in K⁻¹ and so in A·K⁻¹·Aᵀ, ruining the Schur
 * complement's accuracy. With the ρ·AᵀA term K is positive definite whenever the KKT matrix is
 * nonsingular. ρ = 0 (the caller's choice) when Q is evidently positive definite, which keeps a diagonal
 * K diagonal.
 *
 * <p>Factored as the Cholesky factor of K (plus a small static shift δ) and, when there are equalities,
 * of the Schur complement S = A·K⁻¹·Aᵀ (plus a shift relative to its diagonal, for rank-deficient A).
 * Each solve is followed by iterative refinement against the unshifted system, which removes the shifts'
 * bias; the shifts only keep semidefinite blocks factorizable.
 */
public final class KktSystem {
    /** How much the shift grows when a factorization fails, and how often that is tried. */
    private static final double SHIFT_GROWTH = 1e3;
    private static final int FACTOR_ATTEMPTS = 4;
    /** The smallest retry shift relative to K's largest diagonal entry: a few rounding errors. */
    private static final double ROUNDING_SHIFT = 1e-14;
    /**
     * Cap on {@link #solveAugmented}'s refinement, which goes on past the requested steps while it still
     * halves the residual: at a tight final iterate W spans 1e±14 and the reduced system's condition is
     * near 1/ε, so each step gains only a digit or two, and the backward wants the solve to full accuracy.
     */
    private static final int MAX_REFINEMENT_STEPS = 20;
    /**
     * c in the factored weights {@code w_f = w / (1 + w/c)}, i.e. {@code W_f⁻¹ = W⁻¹ + 1/c}: a static
     * regularization of the unreduced system's (2,2) block. Why: at tight tolerances W reaches 1e12 and
     * more on active rows, K = Q + GᵀWG then has a condition near 1/ε and its Cholesky factor, and every
     * solve with it, loses all accuracy. K is factored with w_f, whose condition stays near c (the data
     * are equilibrated to unit scale); refinement against the true unreduced system, whose residual
     * needs only W⁻¹, then converges in a few steps to the unregularized answer.
     */
    private static final double WEIGHT_CAP = 1e8;
    /**
     * A Newton step's solve stops refining once the unreduced residual is this small relative to its
     * right-hand side: far below what the step's length and the next iteration's residuals can notice, and
     * reached by the first solve wherever the weights are below the cap, so refinement runs only where it
     * removes the cap's or the shifts' bias.
     */
    private static final double NEWTON_ACCURACY = 1e-10;
    /**
     * Polishing and the backward stop refining a problem once its residual is this small relative to the
     * right-hand side (a few rounding errors: no further step can improve it), besides when it stops halving.
     */
    private static final double FULL_ACCURACY = 1e-15;

    private final Backend backend;
    /** Q + ρ·AᵀA: the constant part of K. */
    private final BatchMatrix Q;
    private final BatchMatrix G, A;
    private final double rho;
    private final int m, q;
    private final BatchMatrix K, schurWork, S;
    private final BatchVector w, wFactor;
    private final double[] ones;
    /** Per-problem residual norms of the last two refinement steps (see {@link #progressing}). */
    private final double[] previousResidual, currentResidual;
    private final BatchVector rx, ry, ex, ey, gdx, r1rho;
    private final double[] shiftK, shiftNow, shiftS, scratch;
    private final boolean[] ok, okS, retry;
    private boolean calibrated;
    private final double regularization;

    /**
     * @param Qrho           Q + ρ·AᵀA (Q itself when ρ = 0)
     * @param w              the weights z ⊘ s, read at each {@link #factor}; null when m = 0
     * @param regularization the relative static shift (see {@link SolverOptions#regularization()})
     * @param rho            the weight ρ of AᵀA in {@code Qrho}; 0 when q = 0
     */
    KktSystem(Backend backend, BatchMatrix Qrho, BatchMatrix G, BatchMatrix A, BatchVector w, double regularization,
              double rho) {
        this.backend = backend;
        this.Q = Qrho;
        this.rho = rho;
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
        this.wFactor = m > 0 ? backend.vector(m, false) : null;
        this.r1rho = q > 0 && rho != 0 ? backend.vector(n, false) : null;
        int B = backend.batchSize();
        this.shiftK = new double[B];
        this.shiftNow = new double[B];
        this.shiftS = new double[B];
        this.scratch = new double[B];
        this.ok = new boolean[B];
        this.okS = new boolean[B];
        this.retry = new boolean[B];
        this.ones = new double[B];
        this.previousResidual = new double[B];
        this.currentResidual = new double[B];
        Arrays.fill(ones, 1);
    }

    /** w_f = w ⊘ (1 + w/c) for the active problems (see {@link #WEIGHT_CAP}). */
    private void capWeights() {
        if (m == 0) {
            return;
        }
        backend.axpby(1 / WEIGHT_CAP, w, 0, gdx);
        backend.addScalar(ones, gdx);
        backend.divideElements(w, gdx, wFactor);
    }

    /**
     * Fixes δ for K from the current K's scale: {@code regularization · max(1, max diag K)}. Called once,
     * on the first factorization (unit weights), so that δ does not grow with the weights as the
     * iterates approach the boundary.
     */
    private void calibrateShift(boolean[] active) {
        backend.setActive(active);
        capWeights();
        backend.formNormalMatrix(Q, G, wFactor, K);
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
            capWeights();
            backend.formNormalMatrix(Q, G, wFactor, K);
            System.arraycopy(shiftK, 0, shiftNow, 0, shiftNow.length);
            if (attempt > 0) {
                // A failed factorization means rounding errors of about ε·‖K‖, and near the end of a
                // solve (or of an infeasible problem's divergence) the weights make ‖K‖ far larger
                // than the δ calibrated at the start; so the retry's shift is also relative to this K.
                backend.maxDiagonal(K, scratch);
                for (int i = 0; i < shiftNow.length; i++) {
                    shiftNow[i] = Math.max(shiftK[i],
                            ROUNDING_SHIFT * Math.max(scratch[i], 0) * Math.pow(SHIFT_GROWTH, attempt - 1));
                }
            }
            backend.addToDiagonal(K, shiftNow);
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

    /** The static shifts δ of K, per problem, which a failed factorization grows for the ones after it. */
    double[] shifts() {
        return shiftK.clone();
    }

    /** Puts back shifts taken with {@link #shifts()}, for the given problems. */
    void restoreShifts(double[] saved, boolean[] problems) {
        for (int i = 0; i < problems.length; i++) {
            if (problems[i]) {
                shiftK[i] = saved[i];
            }
        }
    }

    /**
     * Solves the system for the active problems (backend mask) with the last factorization:
     * {@code dx, dy} from {@code r1, r2}. {@code r2} and {@code dy} are null when q = 0. Inputs are kept.
     *
     * @param refinementSteps iterative-refinement steps against the unshifted system
     */
    void solve(BatchVector r1, BatchVector r2, BatchVector dx, BatchVector dy, int refinementSteps) {
        solveEquivalent(withRho(r1, r2), r2, dx, dy, refinementSteps);
    }

    /** r1 + ρ·Aᵀr2 (in scratch), the first block of the right-hand side of the equivalent system. */
    private BatchVector withRho(BatchVector r1, BatchVector r2) {
        if (r1rho == null || r2 == null) {
            return r1;
        }
        backend.copy(r1, r1rho);
        backend.multiply(A, true, r2, rho, 1, r1rho);
        return r1rho;
    }

    /** {@link #solve} for a right-hand side already in the equivalent form. */
    private void solveEquivalent(BatchVector r1, BatchVector r2, BatchVector dx, BatchVector dy, int refinementSteps) {
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

    /** rx = r1 − (K·dx + Aᵀ·dy), ry = r2 − A·dx, with the unshifted K (+ ρAᵀA). */
    private void residual(BatchVector r1, BatchVector r2, BatchVector dx, BatchVector dy) {
        backend.copy(r1, rx);
        backend.multiply(Q, false, dx, -1, 1, rx);
        if (m > 0) {
            backend.multiply(G, false, dx, 1, 0, gdx);
            backend.multiplyElements(wFactor, gdx, gdx);
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
    private BatchVector augX, augRes, augCx, augU, augCu, augY, augCy, augGx;

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
     * As in {@link #solve}, the first block row is taken plus ρAᵀ times the last, with Q + ρAᵀA for Q.
     *
     * <p>This is the Newton step's solve: each problem of {@code problems} (the backend's mask) refines up to
     * {@code refinementSteps} times and stops as soon as its residual is below {@link #NEWTON_ACCURACY}
     * relative to the right-hand side, which is where the step needs no more (docs/DESIGN.md §2.9).
     */
    void solveNewton(BatchVector rx, BatchVector ru, BatchVector ry, BatchVector dx, BatchVector du,
                     BatchVector dy, int refinementSteps, boolean[] problems) {
        if (m == 0) {
            solve(rx, ry, dx, dy, refinementSteps);
            return;
        }
        double[] enough = refinementSteps > 0 ? residualTargets(rx, ru, ry, NEWTON_ACCURACY) : null;
        solveUnreduced(rx, ru, ry, dx, du, dy, problems, refinementSteps, Integer.MAX_VALUE, enough);
    }

    /**
     * {@link #solveNewton}'s system solved to full accuracy, for polishing and the backward: each problem of
     * {@code problems} (the backend's mask) refines while its residual still halves, at least
     * {@code refinementSteps} and at most {@link #MAX_REFINEMENT_STEPS} times, unless its residual is already
     * down to {@link #FULL_ACCURACY} of the right-hand side, and leaves the mask when it stops, so one slow
     * problem does not hold up the others; the mask is restored at the end.
     */
    void solveAugmented(BatchVector rx, BatchVector ru, BatchVector ry, BatchVector dx, BatchVector du,
                        BatchVector dy, int refinementSteps, boolean[] problems) {
        if (m == 0) {
            solve(rx, ry, dx, dy, refinementSteps);
            return;
        }
        solveUnreduced(rx, ru, ry, dx, du, dy, problems, MAX_REFINEMENT_STEPS, refinementSteps,
                residualTargets(rx, ru, ry, FULL_ACCURACY));
    }

    /**
     * The elimination solve and its refinement for {@link #solveNewton} and {@link #solveAugmented}: at most
     * {@code maxSteps} steps; a problem stops refining when its residual (largest of the three blocks) is at
     * most {@code enough[i]} (when given), or, from step {@code halvingFrom} on, when it did not fall to half
     * the previous step's.
     */
    private void solveUnreduced(BatchVector rx, BatchVector ru, BatchVector ry, BatchVector dx, BatchVector du,
                                BatchVector dy, boolean[] problems, int maxSteps, int halvingFrom,
                                double[] enough) {
        rx = withRho(rx, ry);
        if (augX == null) {
            int n = Q.rows();
            augX = backend.vector(n, false);
            augCx = backend.vector(n, false);
            augRes = backend.vector(m, false);
            augU = backend.vector(m, false);
            augCu = backend.vector(m, false);
            augGx = backend.vector(m, false);
            augY = q > 0 ? backend.vector(q, false) : null;
            augCy = q > 0 ? backend.vector(q, false) : null;
        }
        if (ru == null) {
            backend.fill(augRes, 0);
        } else {
            backend.copy(ru, augRes);
        }
        eliminate(rx, augRes, ry, dx, du, dy, augGx);
        Arrays.fill(previousResidual, Double.POSITIVE_INFINITY);
        boolean[] refining = problems.clone();
        for (int step = 0; step < maxSteps; step++) {
            // Residuals of the unreduced system: augX (x rows), augU (u rows), augY (y rows).
            backend.copy(rx, augX);
            backend.multiply(Q, false, dx, -1, 1, augX);
            backend.multiply(G, true, du, -1, 1, augX);
            backend.divideElements(du, w, augU);
            if (step == 0) {
                backend.axpby(-1, augGx, 1, augU); // G·dx as the elimination left it: dx has not moved since
            } else {
                backend.multiply(G, false, dx, -1, 1, augU);
            }
            if (ru != null) {
                backend.axpby(1, ru, 1, augU);
            }
            if (q > 0) {
                backend.multiply(A, true, dy, -1, 1, augX);
                backend.copy(ry, augY);
                backend.multiply(A, false, dx, -1, 1, augY);
            }
            if (!progressing(refining, step >= halvingFrom, enough)) {
                break;
            }
            eliminate(augX, augU, augY, augCx, augCu, augCy, null);
            backend.axpby(1, augCx, 1, dx);
            backend.axpby(1, augCu, 1, du);
            if (q > 0) {
                backend.axpby(1, augCy, 1, dy);
            }
        }
        backend.setActive(problems);
    }

    /** Per problem, {@code relative} times the largest of ‖rx‖∞, ‖ru‖∞, ‖ry‖∞ (absent blocks count zero). */
    private double[] residualTargets(BatchVector rx, BatchVector ru, BatchVector ry, double relative) {
        double[] out = new double[previousResidual.length];
        largestNorms(new BatchVector[] {rx, ru, ry}, out);
        for (int i = 0; i < out.length; i++) {
            out[i] *= relative;
        }
        return out;
    }

    /** {@code out[i]} = the largest ‖v‖∞ over the given vectors of problem i (null entries skipped). */
    private void largestNorms(BatchVector[] blocks, double[] out) {
        Arrays.fill(out, 0);
        for (BatchVector r : blocks) {
            if (r == null) {
                continue;
            }
            Arrays.fill(scratch, 0);
            backend.normInf(r, scratch);
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.max(out[i], scratch[i]);
            }
        }
    }

    /**
     * Whether refinement still pays, per problem of {@code refining}: a problem leaves it when its residual
     * (largest of the three blocks) is at most {@code enough[i]} (when given), or, with {@code drop}, when it
     * did not fall to half the previous step's. The backend's mask is set to the problems left; false when
     * none is left.
     */
    private boolean progressing(boolean[] refining, boolean drop, double[] enough) {
        double[] current = currentResidual, previous = previousResidual;
        largestNorms(new BatchVector[] {augX, augU, augY}, current);
        boolean any = false;
        for (int i = 0; i < current.length; i++) {
            refining[i] &= (enough == null || current[i] > enough[i])
                    && (!drop || current[i] > 0 && current[i] <= 0.5 * previous[i]);
            any |= refining[i];
            previous[i] = current[i];
        }
        backend.setActive(refining);
        return any;
    }

    /**
     * One elimination solve of the unreduced system: {@code (K)·dx + Aᵀ·dy = rx + Gᵀ·W·ru}, then
     * {@code du = W·(G·dx − ru)}, with G·dx left in {@code gx} when given (null: not kept).
     */
    private void eliminate(BatchVector rx, BatchVector ru, BatchVector ry, BatchVector dx, BatchVector du,
                           BatchVector dy, BatchVector gx) {
        backend.multiplyElements(wFactor, ru, gdx);
        backend.copy(rx, ex);
        backend.multiply(G, true, gdx, 1, 1, ex);
        solveEquivalent(ex, ry, dx, dy, 0);
        if (gx != null) {
            backend.multiply(G, false, dx, 1, 0, gx);
            backend.copy(gx, du);
        } else {
            backend.multiply(G, false, dx, 1, 0, du);
        }
        backend.axpby(-1, ru, 1, du);
        backend.multiplyElements(wFactor, du, du);
    }

    /**
     * Whether every copy of Q is strictly diagonally dominant with a positive diagonal, hence positive
     * definite (Gershgorin): then K is too and the ρ·AᵀA term is not needed. O(n²) per copy.
     */
    static boolean evidentlyPositiveDefinite(Datum Q) {
        int n = Q.rows();
        double[] v = Q.values();
        for (int copy = 0; copy < Q.copies(); copy++) {
            int o = Q.offset(copy);
            for (int r = 0; r < n; r++) {
                double off = 0;
                for (int c = 0; c < n; c++) {
                    off += c == r ? 0 : Math.abs(v[o + r * n + c]);
                }
                if (!(v[o + r * n + r] > off)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code Q + ρ·AᵀA} on the host, shared when both are shared, for {@link #KktSystem}'s first argument. */
    static Datum addNormalProduct(Datum Q, Datum A, double rho) {
        int n = Q.rows(), q = A.rows();
        boolean shared = Q.isShared() && A.isShared();
        int copies = shared ? 1 : Math.max(Q.copies(), A.copies());
        double[] out = new double[copies * n * n];
        for (int copy = 0; copy < copies; copy++) {
            double[] av = A.values();
            int oa = A.offset(copy), o = copy * n * n;
            System.arraycopy(Q.values(), Q.offset(copy), out, o, n * n);
            // The lower triangle, then mirrored, so that the sum is exactly symmetric.
            for (int r = 0; r < q; r++) {
                int row = oa + r * n;
                for (int i = 0; i < n; i++) {
                    double a = rho * av[row + i];
                    if (a != 0) {
                        for (int j = 0; j <= i; j++) {
                            out[o + i * n + j] += a * av[row + j];
                        }
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    out[o + j * n + i] = out[o + i * n + j];
                }
            }
        }
        return shared ? Datum.shared(n, n, out) : Datum.batched(copies, n, n, out);
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
