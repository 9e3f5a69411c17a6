package io.github.diffqp.examples.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RulesTest {

    private static final Sudoku SOLUTION = Sudoku.parse(Boards.WIKIPEDIA_SOLUTION);

    @Test
    void aSolvedBoardBreaksNoRule() {
        assertEquals(0, Rules.violations(SOLUTION));
        assertTrue(Rules.isValid(SOLUTION));
        assertTrue(Rules.isValid(Sudoku.parse("1234341221434321")));
    }

    @Test
    void oneWrongDigitBreaksItsRowColumnAndBox() {
        // 5 → 3 at (0,0): 3 now repeats in row 0, column 0 and the top-left box.
        Sudoku wrong = SOLUTION.with(0, 0, 3);
        assertEquals(3, Rules.violations(wrong));
        assertFalse(Rules.isValid(wrong));
    }

    @Test
    void blanksCountAndConflictsAmongCluesShow() {
        Sudoku puzzle = Sudoku.parse(Boards.WIKIPEDIA_PUZZLE);
        assertEquals(puzzle.blanks(), Rules.violations(puzzle));
        Sudoku clash = puzzle.with(0, 2, 5); // a second 5 in row 0 and the box
        assertEquals(clash.blanks() + 2, Rules.violations(clash));
        assertEquals(16, Rules.violations(Sudoku.empty(2)));
    }

    @Test
    void errorRateIsTheShareOfInvalidBoards() {
        assertEquals(0.5, Rules.errorRate(List.of(SOLUTION, SOLUTION.with(4, 4, 1))));
        assertEquals(0.0, Rules.errorRate(List.of()));
    }
}
