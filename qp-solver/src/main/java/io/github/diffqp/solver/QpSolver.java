package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.Backends;

/**
 * Solves batches of convex QPs with the batched interior-point method on the chosen backend.
 *
 * <pre>{@code
 * QpSolution sol = QpSolver.solve(batch);                        // auto backend, tolerance 1e-8
 * QpSolution sol2 = QpSolver.solve(batch, SolverOptions.defaults().withBackend("cpu"));
 * }</pre>
 *
 * A problem that is infeasible, unbounded or numerically hopeless gets its {@link Status}; the other
 * problems of the batch are solved as if it were not there. Exceptions are reserved for malformed
 * input (rejected when the {@link QpBatch} is built) and for a backend that cannot run.
 */
public final class QpSolver {
    private QpSolver() {
    }

    public static QpSolution solve(QpBatch batch) {
        return solve(batch, SolverOptions.defaults());
    }

    public static QpSolution solve(QpBatch batch, SolverOptions options) {
        // No differentiation follows, so the factorization at the solution is not made.
        try (SolvedBatch solved = run(batch, options, false)) {
            return solved.solution();
        }
    }

    /**
     * Solves and keeps the final iterate and the KKT factorization on the backend, for differentiation.
     * The caller closes the result.
     */
    public static SolvedBatch solveAndKeep(QpBatch batch, SolverOptions options) {
        return run(batch, options, true);
    }

    private static SolvedBatch run(QpBatch batch, SolverOptions options, boolean factorAtSolution) {
        Backend backend = Backends.select(options.backend()).create(batch.size());
        try {
            return new InteriorPointMethod(batch, options, backend).run(factorAtSolution);
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }
}
