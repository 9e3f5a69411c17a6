package io.github.diffqp.examples.sudoku;

import java.util.ArrayList;
import java.util.List;

/**
 * The one-hot encoding of boards that the QP layer works on: {@code n = k⁶} variables, one per
 * (cell, digit); cell (r, c) holding digit d sets index {@code (r·k² + c)·k² + (d − 1)} to 1.
 * A blank cell is all zeros. Batches are row-major {@code [B][n]} in one {@code double[]}.
 */
public final class OneHot {

    private OneHot() {
    }

    /** The number of variables {@code k⁶} of a board of box size k. */
    public static int variables(int k) {
        Sudoku.checkK(k);
        int size = k * k;
        return size * size * size;
    }

    /** The variable of cell (r, c) holding {@code digit} (1..k²). */
    public static int index(int k, int r, int c, int digit) {
        int size = k * k;
        return (r * size + c) * size + (digit - 1);
    }

    /** The one-hot vector of a board. */
    public static double[] encode(Sudoku board) {
        double[] x = new double[variables(board.k())];
        encode(board, x, 0);
        return x;
    }

    /**
     * Writes the one-hot vector of a board into {@code out[offset .. offset + n)}, which must be
     * zero there already (only the ones are written).
     */
    public static void encode(Sudoku board, double[] out, int offset) {
        int size = board.size();
        int[] cells = board.rawCells();
        for (int i = 0; i < cells.length; i++) {
            if (cells[i] != 0) {
                out[offset + i * size + cells[i] - 1] = 1.0;
            }
        }
    }

    /** A row-major {@code [B][n]} batch of the boards' one-hot vectors. */
    public static double[] encodeAll(List<Sudoku> boards) {
        if (boards.isEmpty()) {
            return new double[0];
        }
        int n = variables(boards.get(0).k());
        double[] out = new double[boards.size() * n];
        for (int b = 0; b < boards.size(); b++) {
            Sudoku board = boards.get(b);
            if (variables(board.k()) != n) {
                throw new IllegalArgumentException("board " + b + " has k=" + board.k()
                        + ", board 0 has k=" + boards.get(0).k());
            }
            encode(board, out, b * n);
        }
        return out;
    }

    /** The batch of puzzles (the layer's input, before negation into p). */
    public static double[] encodePuzzles(List<Puzzle> puzzles) {
        List<Sudoku> boards = new ArrayList<>(puzzles.size());
        for (Puzzle p : puzzles) {
            boards.add(p.puzzle());
        }
        return encodeAll(boards);
    }

    /** The batch of solutions (the training target). */
    public static double[] encodeSolutions(List<Puzzle> puzzles) {
        List<Sudoku> boards = new ArrayList<>(puzzles.size());
        for (Puzzle p : puzzles) {
            boards.add(p.solution());
        }
        return encodeAll(boards);
    }

    /** Decodes a vector of length n by {@link #decode(int, double[], int)} at offset 0. */
    public static Sudoku decode(int k, double[] x) {
        if (x.length != variables(k)) {
            throw new IllegalArgumentException(
                    "k=" + k + " needs " + variables(k) + " values, got " + x.length);
        }
        return decode(k, x, 0);
    }

    /**
     * Reads {@code x[offset .. offset + n)} as a board: each cell gets the digit of its largest
     * value (the lowest digit on a tie; NaN never wins). Every cell is filled, so a network's
     * output always decodes to a board that {@link Rules} can judge.
     */
    public static Sudoku decode(int k, double[] x, int offset) {
        int size = k * k;
        int cellCount = size * size;
        if (offset < 0 || offset + cellCount * size > x.length) {
            throw new IllegalArgumentException("offset " + offset + " + " + cellCount * size
                    + " values exceeds length " + x.length);
        }
        int[] cells = new int[cellCount];
        for (int i = 0; i < cellCount; i++) {
            int base = offset + i * size;
            int best = 0;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int d = 0; d < size; d++) {
                if (x[base + d] > bestValue) {
                    bestValue = x[base + d];
                    best = d;
                }
            }
            cells[i] = best + 1;
        }
        return Sudoku.wrap(k, cells);
    }

    /** Decodes the first {@code count} vectors of a row-major {@code [B][n]} batch. */
    public static List<Sudoku> decodeAll(int k, double[] batch, int count) {
        int n = variables(k);
        if ((long) count * n > batch.length) {
            throw new IllegalArgumentException(count + " boards of " + n
                    + " values exceed length " + batch.length);
        }
        List<Sudoku> out = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            out.add(decode(k, batch, b * n));
        }
        return out;
    }
}
