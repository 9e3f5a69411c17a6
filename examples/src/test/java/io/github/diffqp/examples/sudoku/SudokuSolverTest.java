package io.github.diffqp.examples.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SudokuSolverTest {

    @Test
    void solvesThePublishedPuzzleUniquely() {
        Sudoku puzzle = Sudoku.parse(Boards.WIKIPEDIA_PUZZLE);
        SudokuSolver.Result r = SudokuSolver.solve(puzzle, 2);
        assertEquals(1, r.count());
        assertTrue(r.isUnique());
        assertEquals(Sudoku.parse(Boards.WIKIPEDIA_SOLUTION), r.solution());
        assertTrue(SudokuSolver.hasUniqueSolution(puzzle));
    }

    @Test
    void solvesAHardPuzzle() {
        Sudoku puzzle = Sudoku.parse(Boards.INKALA_PUZZLE);
        assertEquals(Sudoku.parse(Boards.INKALA_SOLUTION),
                SudokuSolver.findSolution(puzzle).orElseThrow());
        assertEquals(1, SudokuSolver.countSolutions(puzzle, 10));
    }

    @Test
    void countsSeveralSolutionsWhenCluesAreTooFew() {
        // The first three rows of the published puzzle only: far from enough clues.
        String text = Boards.WIKIPEDIA_PUZZLE.replace("\n", "");
        Sudoku sparse = Sudoku.parse(text.substring(0, 27) + ".".repeat(54));
        assertEquals(2, SudokuSolver.countSolutions(sparse, 2));
        SudokuSolver.Result r = SudokuSolver.solve(sparse, 5);
        assertEquals(5, r.count());
        assertFalse(r.isUnique());
        assertTrue(Rules.isValid(r.solution()));
        assertTrue(sparse.agreesWith(r.solution()));
        // Without the clues of its first two rows the published puzzle is ambiguous.
        Sudoku fewer = Sudoku.parse(Boards.WIKIPEDIA_PUZZLE);
        for (int c = 0; c < 9; c++) {
            fewer = fewer.with(0, c, 0).with(1, c, 0);
        }
        assertTrue(SudokuSolver.countSolutions(fewer, 2) >= 2);
    }

    @Test
    void countsAll288FourByFourBoards() {
        assertEquals(288, SudokuSolver.countSolutions(Sudoku.empty(2), 1000));
    }

    @Test
    void findsNothingWhenCluesClash() {
        Sudoku clash = Sudoku.parse(Boards.WIKIPEDIA_PUZZLE).with(0, 2, 5);
        SudokuSolver.Result r = SudokuSolver.solve(clash, 2);
        assertEquals(0, r.count());
        assertNull(r.solution());
        assertTrue(SudokuSolver.findSolution(clash).isEmpty());
        // No two clues clash, but cell (0,3) has no legal digit left: the search finds none.
        assertEquals(0, SudokuSolver.countSolutions(Sudoku.parse("123.\n...4\n....\n...."), 2));
    }

    @Test
    void aFullValidBoardIsItsOwnOnlySolution() {
        Sudoku solution = Sudoku.parse(Boards.WIKIPEDIA_SOLUTION);
        SudokuSolver.Result r = SudokuSolver.solve(solution, 2);
        assertEquals(1, r.count());
        assertEquals(solution, r.solution());
    }

    @Test
    void randomSolutionsAreValidAndRepeatable() {
        for (int k = 1; k <= 3; k++) {
            Sudoku a = SudokuSolver.randomSolution(k, new Random(11));
            Sudoku b = SudokuSolver.randomSolution(k, new Random(11));
            assertTrue(Rules.isValid(a), "k=" + k);
            assertEquals(a, b);
        }
        assertNotEquals(SudokuSolver.randomSolution(3, new Random(1)),
                SudokuSolver.randomSolution(3, new Random(2)));
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThrows(IllegalArgumentException.class, () -> SudokuSolver.solve(Sudoku.empty(2), 0));
    }
}
