package io.github.diffqp.examples.sudoku;

import java.util.Arrays;

/**
 * An immutable Sudoku board of box size {@code k}: {@code k² × k²} cells, each 0 (blank) or a
 * digit {@code 1..k²}. {@code k = 2} is the 4×4 board of the OptNet experiment, {@code k = 3}
 * the usual 9×9.
 *
 * <p>Cells are stored row-major, index {@code r·k² + c}. The board does not enforce the Sudoku
 * rules: a puzzle under construction, a solver's answer and a network's (possibly wrong) decoded
 * output are all boards; {@link Rules} says whether one is valid.
 *
 * <p>Text form ({@link #parse}, {@link #toString}): one character per cell, row-major,
 * {@code '.'} or {@code '0'} for a blank, {@code 1-9} then {@code A, B, ...} for 10, 11, ...;
 * whitespace and {@code '|'}, {@code '-'}, {@code '+'} are ignored so a drawn grid parses too.
 */
public final class Sudoku {

    /** Largest supported box size: candidate sets are {@code int} bit masks of {@code k²} bits. */
    public static final int MAX_K = 5;

    private final int k;
    private final int size;
    private final int[] cells;

    private Sudoku(int k, int[] cells) {
        this.k = k;
        this.size = k * k;
        this.cells = cells;
    }

    /** An all-blank board of box size {@code k}. */
    public static Sudoku empty(int k) {
        checkK(k);
        return new Sudoku(k, new int[k * k * k * k]);
    }

    /**
     * A board from row-major cells ({@code k⁴} values, each 0 or {@code 1..k²}); the array is
     * copied.
     */
    public static Sudoku of(int k, int[] cells) {
        checkK(k);
        int size = k * k;
        if (cells.length != size * size) {
            throw new IllegalArgumentException(
                    "a board with k=" + k + " has " + size * size + " cells, got " + cells.length);
        }
        for (int i = 0; i < cells.length; i++) {
            if (cells[i] < 0 || cells[i] > size) {
                throw new IllegalArgumentException(
                        "cell " + i + " holds " + cells[i] + ", expected 0.." + size);
            }
        }
        return new Sudoku(k, cells.clone());
    }

    /** Parses the text form; {@code k} is inferred from the number of cells (16 → 2, 81 → 3). */
    public static Sudoku parse(String text) {
        int[] buf = new int[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isWhitespace(ch) || ch == '|' || ch == '-' || ch == '+') {
                continue;
            }
            int d = digitOf(ch);
            if (d < 0) {
                throw new IllegalArgumentException("unexpected character '" + ch + "' at " + i);
            }
            buf[n++] = d;
        }
        for (int k = 1; k <= MAX_K; k++) {
            if (k * k * k * k == n) {
                return of(k, Arrays.copyOf(buf, n));
            }
        }
        throw new IllegalArgumentException(n + " cells is not k⁴ for any k in 1.." + MAX_K);
    }

    /** Box size k. */
    public int k() {
        return k;
    }

    /** Side length k². */
    public int size() {
        return size;
    }

    /** Number of cells k⁴. */
    public int cellCount() {
        return cells.length;
    }

    /** The digit at row {@code r}, column {@code c} (0 = blank). */
    public int get(int r, int c) {
        return cells[r * size + c];
    }

    /** The digit at row-major index {@code i} (0 = blank). */
    public int get(int i) {
        return cells[i];
    }

    /** A copy of this board with cell (r, c) set to {@code digit} (0 blanks it). */
    public Sudoku with(int r, int c, int digit) {
        if (digit < 0 || digit > size) {
            throw new IllegalArgumentException("digit " + digit + " outside 0.." + size);
        }
        int[] copy = cells.clone();
        copy[r * size + c] = digit;
        return new Sudoku(k, copy);
    }

    /** A copy of the row-major cells. */
    public int[] cells() {
        return cells.clone();
    }

    /** Number of non-blank cells. */
    public int clues() {
        int n = 0;
        for (int v : cells) {
            if (v != 0) {
                n++;
            }
        }
        return n;
    }

    /** Number of blank cells. */
    public int blanks() {
        return cells.length - clues();
    }

    /** Whether no cell is blank (says nothing about the rules). */
    public boolean isFilled() {
        return clues() == cells.length;
    }

    /**
     * Whether every non-blank cell of this board holds the same digit in {@code other}: true when
     * this is a puzzle and {@code other} completes it.
     */
    public boolean agreesWith(Sudoku other) {
        if (other.k != k) {
            return false;
        }
        for (int i = 0; i < cells.length; i++) {
            if (cells[i] != 0 && cells[i] != other.cells[i]) {
                return false;
            }
        }
        return true;
    }

    /** Package-private view of the cells without copying, for the solver's and encoder's loops. */
    int[] rawCells() {
        return cells;
    }

    /** Wraps an array the caller gives up, without validation or copying. */
    static Sudoku wrap(int k, int[] cells) {
        return new Sudoku(k, cells);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sudoku s && s.k == k && Arrays.equals(s.cells, cells);
    }

    @Override
    public int hashCode() {
        return 31 * k + Arrays.hashCode(cells);
    }

    /** The one-line text form, e.g. {@code "1.3..4....2.3..1"} for a 4×4 board. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(cells.length);
        for (int v : cells) {
            sb.append(symbol(v));
        }
        return sb.toString();
    }

    /** The character for a digit: '.', '1'..'9', 'A'.. */
    static char symbol(int digit) {
        if (digit == 0) {
            return '.';
        }
        return digit <= 9 ? (char) ('0' + digit) : (char) ('A' + digit - 10);
    }

    private static int digitOf(char ch) {
        if (ch == '.' || ch == '0') {
            return 0;
        }
        if (ch >= '1' && ch <= '9') {
            return ch - '0';
        }
        char up = Character.toUpperCase(ch);
        if (up >= 'A' && up <= 'Z') {
            return up - 'A' + 10;
        }
        return -1;
    }

    static void checkK(int k) {
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("box size k must be in 1.." + MAX_K + ", got " + k);
        }
    }
}
