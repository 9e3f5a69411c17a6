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
            backend.requireMemory(backendBytes(batch), hostBytes(batch), "the solve of " + batch.size()
                    + (batch.size() == 1 ? " problem" : " problems") + " (n = " + batch.n() + ", m = " + batch.m()
                    + ", q = " + batch.q() + ")");
            return new InteriorPointMethod(batch, options, backend).run(factorAtSolution);
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    /**
     * The backend memory a solve needs, an estimate from the shapes (docs/DESIGN.md §4): the equilibrated
     * data, K (n×n) and the Schur complement's q×n and q×q per problem, and about forty vectors of
     * n + m + q per problem for the iterate, the residuals, the steps and the polishing.
     */
    static long backendBytes(QpBatch batch) {
        long B = batch.size(), n = batch.n(), m = batch.m(), q = batch.q();
        return 8 * (dataEntries(batch) + B * (n * n + q * n + q * q) + 40 * B * (n + m + q));
    }

    /**
     * The host (Java heap) memory a solve needs besides the backend's: the equilibrated copy of the data,
     * per-problem vectors read back for the tests and the polishing, and one n×n basis per thread.
     */
    static long hostBytes(QpBatch batch) {
        long B = batch.size(), n = batch.n(), m = batch.m(), q = batch.q();
        long threads = Runtime.getRuntime().availableProcessors();
        return 8 * (dataEntries(batch) + 20 * B * (n + m + q) + threads * n * n);
    }

    private static long dataEntries(QpBatch batch) {
        long entries = 0;
        for (Datum d : new Datum[] {batch.Q(), batch.p(), batch.G(), batch.h(), batch.A(), batch.b()}) {
            if (d != null) {
                entries += (long) d.copies() * d.stride();
            }
        }
        return entries;
    }
}
