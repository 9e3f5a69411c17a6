package io.github.diffqp.examples.sudoku;

/**
 * A puzzle and its (unique) solution: one training or test example of the demo.
 *
 * @param puzzle   the clues, blanks as 0
 * @param solution the filled board that completes the clues
 */
public record Puzzle(Sudoku puzzle, Sudoku solution) {

    /** Checks that the solution is filled and keeps every clue. */
    public Puzzle {
        if (puzzle.k() != solution.k()) {
            throw new IllegalArgumentException(
                    "puzzle has k=" + puzzle.k() + ", solution k=" + solution.k());
        }
        if (!solution.isFilled() || !puzzle.agreesWith(solution)) {
            throw new IllegalArgumentException("solution does not complete the puzzle");
        }
    }

    /** Box size k. */
    public int k() {
        return puzzle.k();
    }
}
