package io.github.diffqp.examples.sudoku;

import java.util.List;

/**
 * The Sudoku rules as a checker: every cell filled, and each row, column and box holding each
 * digit once. This is OptNet's "error" measure: a decoded network output counts as an error when
 * it breaks any rule, whatever the puzzle was.
 */
public final class Rules {

    private Rules() {
    }

    /**
     * The number of rule breaks: blank cells plus, for every row, column and box, the repeats of a
     * digit (a digit seen {@code t > 1} times in a unit counts {@code t − 1}). Zero exactly when
     * the board is a valid solved Sudoku. On a partly filled board the repeats alone say whether
     * its clues already conflict.
     */
    public static int violations(Sudoku board) {
        int k = board.k();
        int size = board.size();
        int[] cells = board.rawCells();
        int count = 0;
        for (int v : cells) {
            if (v == 0) {
                count++;
            }
        }
        // One pass per unit with a digit-seen bit mask: repeats are found without sorting.
        for (int unit = 0; unit < size; unit++) {
            int rowSeen = 0;
            int colSeen = 0;
            int boxSeen = 0;
            int boxRow = (unit / k) * k;
            int boxCol = (unit % k) * k;
            for (int j = 0; j < size; j++) {
                count += repeat(cells[unit * size + j], rowSeen);
                rowSeen |= bit(cells[unit * size + j]);
                count += repeat(cells[j * size + unit], colSeen);
                colSeen |= bit(cells[j * size + unit]);
                int cell = (boxRow + j / k) * size + boxCol + j % k;
                count += repeat(cells[cell], boxSeen);
                boxSeen |= bit(cells[cell]);
            }
        }
        return count;
    }

    /** Whether the board is completely and correctly filled. */
    public static boolean isValid(Sudoku board) {
        return violations(board) == 0;
    }

    /** The share (0..1) of boards that are not valid; 0 for an empty list. */
    public static double errorRate(List<Sudoku> boards) {
        if (boards.isEmpty()) {
            return 0;
        }
        int bad = 0;
        for (Sudoku b : boards) {
            if (!isValid(b)) {
                bad++;
            }
        }
        return (double) bad / boards.size();
    }

    private static int bit(int digit) {
        return digit == 0 ? 0 : 1 << (digit - 1);
    }

    private static int repeat(int digit, int seen) {
        return (seen & bit(digit)) != 0 ? 1 : 0;
    }
}
