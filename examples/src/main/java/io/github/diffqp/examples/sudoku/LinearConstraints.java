package io.github.diffqp.examples.sudoku;

/**
 * Equality constraints {@code A x = b} as plain row-major arrays, the layout the QP layer takes.
 * The arrays are shared, not copied: callers that keep one must not change it.
 *
 * @param rows number of constraints
 * @param cols number of variables
 * @param a    A, {@code rows × cols} row-major
 * @param b    b, length {@code rows}
 */
public record LinearConstraints(int rows, int cols, double[] a, double[] b) {

    /** Checks that the array lengths match the shape. */
    public LinearConstraints {
        if (rows < 0 || cols < 0 || a.length != (long) rows * cols || b.length != rows) {
            throw new IllegalArgumentException("A has " + a.length + " values and b " + b.length
                    + " for a " + rows + " × " + cols + " system");
        }
    }

    /** The entry of A at (row, col). */
    public double a(int row, int col) {
        return a[row * cols + col];
    }
}
