package io.github.diffqp.solver.qps;

import io.github.diffqp.solver.QpProblem;

import java.util.List;

/**
 * A QPS file read into DiffQP's form, with the names that let a caller relate results back to the
 * file.
 *
 * @param name            the problem name from the NAME line ({@code ""} when absent)
 * @param problem         the QP, {@code minimize ½xᵀQx + pᵀx + c0 s.t. Gx ≤ h, Ax = b}, with
 *                        {@code objective(x)} equal to the file's objective
 * @param variableNames   the columns, in file order: name of variable {@code j}
 * @param rowNames        the file's constraint rows (types E, L, G) in file order; N rows are not
 *                        listed
 * @param inequalityNames one label per row of G: {@code "ROW upper"} for {@code a·x ≤ hi},
 *                        {@code "ROW lower"} for {@code −a·x ≤ −lo}, and {@code "bound COL upper"},
 *                        {@code "bound COL lower"} for variable bounds
 * @param equalityNames   one label per row of A: {@code "ROW"} for an equality (or zero-range) row,
 *                        {@code "bound COL"} for a fixed variable
 */
public record QpsModel(String name, QpProblem problem, List<String> variableNames, List<String> rowNames,
                       List<String> inequalityNames, List<String> equalityNames) {
    public QpsModel {
        variableNames = List.copyOf(variableNames);
        rowNames = List.copyOf(rowNames);
        inequalityNames = List.copyOf(inequalityNames);
        equalityNames = List.copyOf(equalityNames);
    }
}
