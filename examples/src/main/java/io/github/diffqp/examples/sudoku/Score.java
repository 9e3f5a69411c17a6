package io.github.diffqp.examples.sudoku;

import java.util.List;

/**
 * How a batch of layer outputs fares against its puzzles, after argmax decoding
 * ({@link OneHot#decode(int, double[], int)}).
 *
 * @param boards  number of boards scored
 * @param invalid boards whose decoding breaks a Sudoku rule (OptNet's error)
 * @param exact   boards whose decoding equals the puzzle's solution
 */
public record Score(int boards, int invalid, int exact) {

    /**
     * Scores the row-major {@code [B][n]} outputs against {@code puzzles} (B of them, the same
     * order).
     */
    public static Score of(double[] outputs, List<Puzzle> puzzles) {
        if (puzzles.isEmpty()) {
            return new Score(0, 0, 0);
        }
        int k = puzzles.get(0).k();
        List<Sudoku> decoded = OneHot.decodeAll(k, outputs, puzzles.size());
        int invalid = 0;
        int exact = 0;
        for (int b = 0; b < decoded.size(); b++) {
            Sudoku board = decoded.get(b);
            if (!Rules.isValid(board)) {
                invalid++;
            }
            if (board.equals(puzzles.get(b).solution())) {
                exact++;
            }
        }
        return new Score(puzzles.size(), invalid, exact);
    }

    /** The share of invalid boards, 0..1 (0 when none were scored). */
    public double errorRate() {
        return boards == 0 ? 0 : (double) invalid / boards;
    }

    /** The share of exactly solved boards, 0..1 (0 when none were scored). */
    public double exactRate() {
        return boards == 0 ? 0 : (double) exact / boards;
    }
}
