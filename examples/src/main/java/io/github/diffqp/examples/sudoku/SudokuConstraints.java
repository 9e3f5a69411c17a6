package io.github.diffqp.examples.sudoku;

import java.util.Arrays;
import java.util.List;

/**
 * The Sudoku rules as linear equalities on the one-hot encoding ({@link OneHot}), and a measure
 * of how well any {@code A x = b} (a learned one, say) holds on true solutions.
 *
 * <p>A valid solved board's one-hot vector x satisfies {@code A x = 1} for four families of
 * rows: each cell holds one digit, and each row, column and box holds each digit once. That is
 * {@code 4·k⁴} rows on {@code k⁶} variables (64 × 64 for k = 2), but they are dependent (each
 * family, for one, sums to the total of all variables); for k = 2 the rank is 40, which is why
 * OptNet learns a 40 × 64 A.
 */
public final class SudokuConstraints {

    /**
     * How far {@code A x = b} is from holding, over all rows of all boards measured.
     *
     * @param rms root mean square of {@code A x − b}
     * @param max largest {@code |A x − b|}
     */
    public record Residual(double rms, double max) {
    }

    private SudokuConstraints() {
    }

    /**
     * The true constraints for box size k: {@code 4·k⁴ × k⁶}, b all ones. Rows in order: cells
     * (row-major), then (row, digit), (column, digit), (box, digit), each family row-major in its
     * two indices.
     */
    public static LinearConstraints trueConstraints(int k) {
        int n = OneHot.variables(k);
        int size = k * k;
        int family = size * size;
        int rows = 4 * family;
        double[] a = new double[rows * n];
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                int box = (r / k) * k + c / k;
                for (int d = 1; d <= size; d++) {
                    int col = OneHot.index(k, r, c, d);
                    a[(r * size + c) * n + col] = 1;                         // cell (r, c)
                    a[(family + r * size + d - 1) * n + col] = 1;            // row r, digit d
                    a[(2 * family + c * size + d - 1) * n + col] = 1;        // column c, digit d
                    a[(3 * family + box * size + d - 1) * n + col] = 1;      // box, digit d
                }
            }
        }
        double[] b = new double[rows];
        Arrays.fill(b, 1.0);
        return new LinearConstraints(rows, n, a, b);
    }

    /** {@link #constraintResidual(double[], double[], int, double[], int)} on boards. */
    public static Residual constraintResidual(double[] a, double[] b, int rows,
                                              List<Sudoku> solutions) {
        return constraintResidual(a, b, rows, OneHot.encodeAll(solutions), solutions.size());
    }

    /** {@link #constraintResidual(double[], double[], int, double[], int)} of a system. */
    public static Residual constraintResidual(LinearConstraints system, List<Sudoku> solutions) {
        return constraintResidual(system.a(), system.b(), system.rows(), solutions);
    }

    /**
     * The residual {@code A x − b} of row-major A ({@code rows × n}) and b on the first
     * {@code count} vectors of the row-major batch {@code x} ({@code [count][n]}); n is taken
     * from A. With no rows or no boards the residual is zero.
     */
    public static Residual constraintResidual(double[] a, double[] b, int rows, double[] x,
                                              int count) {
        if (rows == 0 || count == 0) {
            return new Residual(0, 0);
        }
        if (rows < 0 || a.length % rows != 0 || b.length != rows) {
            throw new IllegalArgumentException("A has " + a.length + " values and b "
                    + b.length + " for " + rows + " rows");
        }
        int n = a.length / rows;
        if ((long) count * n > x.length) {
            throw new IllegalArgumentException(count + " vectors of " + n
                    + " values exceed length " + x.length);
        }
        double sumSq = 0;
        double max = 0;
        for (int s = 0; s < count; s++) {
            int xo = s * n;
            for (int i = 0; i < rows; i++) {
                int ao = i * n;
                double dot = 0;
                for (int j = 0; j < n; j++) {
                    dot += a[ao + j] * x[xo + j];
                }
                double r = dot - b[i];
                sumSq += r * r;
                max = Math.max(max, Math.abs(r));
            }
        }
        return new Residual(Math.sqrt(sumSq / ((double) rows * count)), max);
    }
}
