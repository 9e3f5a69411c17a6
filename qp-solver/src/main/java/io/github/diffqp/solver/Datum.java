package io.github.diffqp.solver;

import java.util.Arrays;

/**
 * One datum of a QP batch (Q, p, G, h, A or b): a matrix of {@code rows × cols} per problem, or one
 * matrix shared by (broadcast to) every problem of the batch. A vector is a matrix with one column.
 *
 * <p>Values are row-major and contiguous: problem {@code i}'s entry {@code (r, c)} is
 * {@code values[i*rows*cols + r*cols + c]}, or {@code values[r*cols + c]} when shared. A shared datum is
 * stored once, never copied per problem.
 *
 * <pre>{@code
 * Datum q = Datum.shared(2, 2, new double[] {2, 0, 0, 2});        // one Q for all problems
 * Datum p = Datum.batched(3, 2, 1, new double[] {1, 1, 0, 1, -1, 0}); // p per problem, B = 3
 * }</pre>
 */
public final class Datum {
    private final double[] values;
    private final int rows;
    private final int cols;
    private final int batch; // 0 when shared

    private Datum(double[] values, int batch, int rows, int cols) {
        if (rows < 0 || cols < 0 || batch < 0) {
            throw new IllegalArgumentException("negative size: batch=" + batch + " rows=" + rows + " cols=" + cols);
        }
        long expected = (long) Math.max(batch, 1) * rows * cols;
        if (values == null || values.length != expected) {
            throw new IllegalArgumentException("expected " + expected + " values for " + describe(batch, rows, cols)
                    + ", got " + (values == null ? "null" : values.length));
        }
        this.values = values;
        this.batch = batch;
        this.rows = rows;
        this.cols = cols;
    }

    /** A matrix shared by every problem of the batch; {@code values} is row-major, not copied. */
    public static Datum shared(int rows, int cols, double[] values) {
        return new Datum(values, 0, rows, cols);
    }

    /** A vector shared by every problem of the batch. */
    public static Datum sharedVector(double[] values) {
        return new Datum(values, 0, values.length, 1);
    }

    /** One {@code rows × cols} matrix per problem, problems stacked; {@code values} is not copied. */
    public static Datum batched(int batch, int rows, int cols, double[] values) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
        }
        return new Datum(values, batch, rows, cols);
    }

    /** One vector of the given length per problem, problems stacked. */
    public static Datum batchedVector(int batch, int length, double[] values) {
        return batched(batch, length, 1, values);
    }

    public boolean isShared() {
        return batch == 0;
    }

    /** The number of problems this datum holds: 1 when shared. */
    public int copies() {
        return Math.max(batch, 1);
    }

    /** The batch size of a per-problem datum, 0 for a shared one. */
    public int batchSize() {
        return batch;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Entries per problem. */
    public int stride() {
        return rows * cols;
    }

    /** The backing array (not a copy). */
    public double[] values() {
        return values;
    }

    /** Index in {@link #values()} of problem {@code problem}'s first entry (0 for shared data). */
    public int offset(int problem) {
        return isShared() ? 0 : problem * rows * cols;
    }

    public double get(int problem, int row, int col) {
        return values[offset(problem) + row * cols + col];
    }

    /** A copy of problem {@code problem}'s matrix, row-major. */
    public double[] problem(int problem) {
        int o = offset(problem);
        return Arrays.copyOfRange(values, o, o + stride());
    }

    @Override
    public String toString() {
        return describe(batch, rows, cols);
    }

    private static String describe(int batch, int rows, int cols) {
        return (batch == 0 ? "shared " : batch + " × ") + rows + "×" + cols;
    }
}
