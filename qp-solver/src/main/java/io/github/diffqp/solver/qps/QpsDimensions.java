package io.github.diffqp.solver.qps;

/**
 * The sizes of a QPS file, read with every check of {@link QpsReader#read} but without building its dense
 * matrices ({@link QpsReader#dimensions}): enough to size a problem before allocating it, or to read a file too
 * large to hold densely.
 *
 * @param name             the problem name from the NAME line ({@code ""} when absent)
 * @param variables        the columns
 * @param constraintRows   the E, L and G rows (N rows are not counted)
 * @param matrixEntries    the COLUMNS entries on constraint rows, as listed
 * @param quadraticEntries the entries of the quadratic section, as listed (one triangle, or the whole matrix for
 *                         QMATRIX)
 * @param fixedFormatLine  the line from which data lines were read by their fixed-format columns, the first
 *                         line that needed it; 0 when the whole file was read in free format
 */
public record QpsDimensions(String name, int variables, int constraintRows, int matrixEntries, int quadraticEntries,
                            int fixedFormatLine) {
}
