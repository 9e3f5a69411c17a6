package io.github.diffqp.solver;

import java.util.Arrays;

/**
 * The solutions of a batch: for problem {@code i}, {@code x(i)}, the inequality duals {@code lambda(i)}
 * (≥ 0), the equality duals {@code nu(i)}, the slacks {@code slack(i) = h − Gx}, the objective
 * {@code ½xᵀQx + pᵀx}, a {@link Status}, the iteration count, the final residuals, and whether the answer
 * was {@linkplain #polished polished} and is {@linkplain #degenerate degenerate}. Arrays returned
 * by the bulk accessors ({@link #x()}, ...) are the stacked row-major data, not copies.
 */
public final class QpSolution {
    private final int size, n, m, q;
    private final double[] x, lambda, nu, slack, objective;
    private final double[] primalResidual, dualResidual, gap;
    private final Status[] status;
    private final int[] iterations;
    private final boolean[] polished, degenerate;

    /** Assembles a solution; arrays are taken, not copied. Used by solvers, not by users. */
    public QpSolution(int size, int n, int m, int q, double[] x, double[] lambda, double[] nu, double[] slack,
                      double[] objective, Status[] status, int[] iterations, double[] primalResidual,
                      double[] dualResidual, double[] gap, boolean[] polished, boolean[] degenerate) {
        this.size = size;
        this.n = n;
        this.m = m;
        this.q = q;
        this.x = x;
        this.lambda = lambda;
        this.nu = nu;
        this.slack = slack;
        this.objective = objective;
        this.status = status;
        this.iterations = iterations;
        this.primalResidual = primalResidual;
        this.dualResidual = dualResidual;
        this.gap = gap;
        this.polished = polished;
        this.degenerate = degenerate;
    }

    public int size() {
        return size;
    }

    public int n() {
        return n;
    }

    public int m() {
        return m;
    }

    public int q() {
        return q;
    }

    /** Problem {@code i}'s primal solution (a copy). */
    public double[] x(int i) {
        return Arrays.copyOfRange(x, i * n, (i + 1) * n);
    }

    /** Problem {@code i}'s inequality multipliers λ (a copy). */
    public double[] lambda(int i) {
        return Arrays.copyOfRange(lambda, i * m, (i + 1) * m);
    }

    /** Problem {@code i}'s equality multipliers ν (a copy). */
    public double[] nu(int i) {
        return Arrays.copyOfRange(nu, i * q, (i + 1) * q);
    }

    /** Problem {@code i}'s slacks s = h − Gx (a copy). */
    public double[] slack(int i) {
        return Arrays.copyOfRange(slack, i * m, (i + 1) * m);
    }

    /** All x, stacked B×n (not a copy). */
    public double[] x() {
        return x;
    }

    /** All λ, stacked B×m (not a copy). */
    public double[] lambda() {
        return lambda;
    }

    /** All ν, stacked B×q (not a copy). */
    public double[] nu() {
        return nu;
    }

    /** All slacks, stacked B×m (not a copy). */
    public double[] slack() {
        return slack;
    }

    /** ½xᵀQx + pᵀx of problem {@code i} at the reported x. */
    public double objective(int i) {
        return objective[i];
    }

    public Status status(int i) {
        return status[i];
    }

    public int iterations(int i) {
        return iterations[i];
    }

    /** Final primal residual max(‖Gx + s − h‖∞, ‖Ax − b‖∞) of problem {@code i}. */
    public double primalResidual(int i) {
        return primalResidual[i];
    }

    /** Final dual residual ‖Qx + p + Gᵀλ + Aᵀν‖∞ of problem {@code i}. */
    public double dualResidual(int i) {
        return dualResidual[i];
    }

    /** Final duality gap sᵀλ of problem {@code i}. */
    public double gap(int i) {
        return gap[i];
    }

    /**
     * Whether problem {@code i}'s answer is the polished one: the exact solution of the equality-constrained
     * KKT system of the active set the interior-point method identified, checked feasible, dual feasible
     * and stationary to the tolerance (docs/DESIGN.md §2.5). False where polishing was rejected or not run: the
     * answer is then the interior-point iterate, accurate to the tolerance only.
     */
    public boolean polished(int i) {
        return polished[i];
    }

    /**
     * Whether problem {@code i} is degenerate at its solution (docs/DESIGN.md §2.6): an active row with a zero
     * multiplier (weakly active), or active rows of G and the rows of A linearly dependent. x is still the
     * solution, but its derivative does not exist there (or λ, ν are not unique); the backward returns the
     * documented element of the generalized Jacobian. Detected only on polished problems.
     */
    public boolean degenerate(int i) {
        return degenerate[i];
    }

    /** True when every problem's status is {@link Status#SOLVED}. */
    public boolean allSolved() {
        for (Status s : status) {
            if (s != Status.SOLVED) {
                return false;
            }
        }
        return true;
    }
}
