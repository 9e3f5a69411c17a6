package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchVector;

/**
 * A solved batch that keeps, on its backend, what differentiation needs: the data, the final iterate
 * (x, s, z = λ, y = ν) and the reduced KKT system factored at it. Nothing per iteration is kept, so
 * memory does not grow with the iteration count. Close it to release the backend.
 *
 * <p>The solver works on equilibrated data ({@link BatchData}); the iterate handles given out here are in
 * the problem's original units, and {@link #solveKkt} solves the original system: the scaled system is
 * the original one multiplied by {@code diag(D, E, F)} on both sides (its objective rows also by the cost
 * factor c), so the right-hand side goes in multiplied by {@code c·D, E, F} and the solution comes out
 * multiplied by {@code D, E/c, F/c} (see {@link Equilibration.Vectors}).
 */
public final class SolvedBatch implements AutoCloseable {
    private final Backend backend;
    private final BatchData data;
    private final QpSolution solution;
    private final BatchVector x, s, z, y;
    private final KktSystem kkt;
    private final boolean[] factored;
    private final int refinementSteps;
    /** The factors between original and scaled units (see {@link Equilibration.Vectors}). */
    private final Equilibration.Vectors units;
    /** Scratch for the scaled right-hand side of {@link #solveKkt}, made on its first use. */
    private BatchVector scaledRx, scaledRu, scaledRy;

    SolvedBatch(Backend backend, BatchData data, QpSolution solution, BatchVector x, BatchVector s, BatchVector z,
                BatchVector y, KktSystem kkt, boolean[] factored, int refinementSteps, Equilibration.Vectors units) {
        this.backend = backend;
        this.data = data;
        this.solution = solution;
        this.x = x;
        this.s = s;
        this.z = z;
        this.y = y;
        this.kkt = kkt;
        this.factored = factored;
        this.refinementSteps = refinementSteps;
        this.units = units;
    }

    public QpSolution solution() {
        return solution;
    }

    public Backend backend() {
        return backend;
    }

    /** The data as the solver holds them: equilibrated, with the original batch (see {@link BatchData}). */
    public BatchData data() {
        return data;
    }

    /** The final x (per problem). */
    public BatchVector x() {
        return x;
    }

    /** The final slacks s = h − Gx; null when m = 0. */
    public BatchVector slack() {
        return s;
    }

    /** The final inequality multipliers λ; null when m = 0. */
    public BatchVector lambda() {
        return z;
    }

    /** The final equality multipliers ν; null when q = 0. */
    public BatchVector nu() {
        return y;
    }

    /**
     * Per problem, whether the KKT system at the final iterate was factored; false for a problem whose
     * factorization failed, whose gradients are then left at zero.
     */
    public boolean[] factored() {
        return factored.clone();
    }

    /**
     * Solves the differentiated KKT system at the final iterate with the kept factorization, for the
     * problems set active on the backend:
     * <pre>
     *   [ Q  Gᵀ    Aᵀ ] [dx]   [rx]
     *   [ G  −W⁻¹  0  ] [du] = [ru]        W: the active set's, or (λ ⊘ s)³ (docs/DESIGN.md §3.2)
     *   [ A  0     0  ] [dy]   [ry]
     * </pre>
     * (the OptNet system with its complementarity rows divided by λ). {@code ru} may be null (zero);
     * {@code ry}, {@code dy} are null when q = 0, {@code du} when m = 0. {@code problems} must be the
     * backend's current mask; each problem's solve is refined until it stops improving.
     */
    public void solveKkt(BatchVector rx, BatchVector ru, BatchVector ry, BatchVector dx, BatchVector du,
                         BatchVector dy, boolean[] problems) {
        if (scaledRx == null) {
            scaledRx = backend.vector(rx.length(), false);
        }
        backend.multiplyElements(units.rhsX(), rx, scaledRx);
        if (ru != null) {
            scaledRu = scaledRu != null ? scaledRu : backend.vector(ru.length(), false);
            backend.multiplyElements(units.rhsU(), ru, scaledRu);
        }
        if (ry != null) {
            scaledRy = scaledRy != null ? scaledRy : backend.vector(ry.length(), false);
            backend.multiplyElements(units.rhsY(), ry, scaledRy);
        }
        kkt.solveAugmented(scaledRx, ru != null ? scaledRu : null, ry != null ? scaledRy : null, dx, du, dy,
                refinementSteps, problems);
        backend.multiplyElements(units.x(), dx, dx);
        if (du != null) {
            backend.multiplyElements(units.lambda(), du, du);
        }
        if (dy != null) {
            backend.multiplyElements(units.nu(), dy, dy);
        }
    }

    @Override
    public void close() {
        backend.close();
    }
}
