package io.github.diffqp.spark;

import io.github.diffqp.solver.QpProblem;

/**
 * One row of a table, read: its problem (with ∂ℓ/∂x* when gradients are wanted), or, for a malformed row,
 * why it holds none.
 *
 * @param problem the problem, validated; null for a malformed row
 * @param dlDx    ∂ℓ/∂x*, as long as the problem's n and finite; null without a backward
 * @param fault   one line naming the datum at fault; null when the row is well formed
 */
record RowProblem(QpProblem problem, double[] dlDx, String fault) {
    static RowProblem of(QpProblem problem, double[] dlDx) {
        return new RowProblem(problem, dlDx, null);
    }

    static RowProblem malformed(String fault) {
        return new RowProblem(null, null, fault);
    }
}
