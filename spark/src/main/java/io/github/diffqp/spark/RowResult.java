package io.github.diffqp.spark;

import io.github.diffqp.backward.Parameter;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.Status;

import java.util.Map;

/**
 * One row's answer: its solution in its own shape, its gradients when a backward ran, its status and a
 * message for any status but {@code solved}.
 *
 * @param solution  a solution of size one; null for a row that was not solved ({@link #INVALID})
 * @param gradients each a datum of batch size one; null without a backward and where the layer has none to
 *                  give (a problem that is neither solved nor stopped at the iteration limit, whose
 *                  gradients would be zeros standing for nothing)
 * @param status    a {@link Status} label, or {@link #INVALID}
 * @param message   one line; null when solved
 */
record RowResult(QpSolution solution, Map<Parameter, Datum> gradients, String status, String message) {
    /** The status of a row that holds no valid problem, or whose data the solver or the backward refused. */
    static final String INVALID = "invalid";

    static RowResult invalid(String message) {
        return new RowResult(null, null, INVALID, message);
    }

    static RowResult of(QpSolution solution, Map<Parameter, Datum> gradients) {
        Status status = solution.status(0);
        boolean meaningful = status == Status.SOLVED || status == Status.MAX_ITERATIONS;
        return new RowResult(solution, meaningful ? gradients : null, status.label(),
                explain(status, solution.iterations(0)));
    }

    /** Why a problem is not solved, in one line; null when it is. */
    static String explain(Status status, int iterations) {
        return switch (status) {
            case SOLVED -> null;
            case MAX_ITERATIONS -> "the iteration limit was reached after " + iterations
                    + " iterations short of the tolerance; x is the last iterate";
            case PRIMAL_INFEASIBLE -> "infeasible: no x satisfies Gx <= h, Ax = b (a certificate was found)";
            case DUAL_INFEASIBLE -> "unbounded: the objective decreases without bound on the feasible set";
            case NUMERICAL_ERROR -> "the solve broke down numerically (a factorization failed at every shift, a value"
                    + " became non-finite, or the iterates stalled)";
        };
    }
}
