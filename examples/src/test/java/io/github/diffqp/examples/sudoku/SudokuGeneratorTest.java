package io.github.diffqp.examples.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SudokuGeneratorTest {

    @Test
    void fourByFourPuzzlesAreUniqueAndMinimal() {
        SudokuGenerator g = new SudokuGenerator(2, 2024);
        for (int i = 0; i < 300; i++) {
            Puzzle p = g.next();
            checkUnique(p);
            // Minimal: every clue is needed, blanking any one allows a second solution.
            int[] cells = p.puzzle().cells();
            for (int c = 0; c < cells.length; c++) {
                if (cells[c] != 0) {
                    Sudoku less = p.puzzle().with(c / 4, c % 4, 0);
                    assertEquals(2, SudokuSolver.countSolutions(less, 2), "puzzle " + i);
                }
            }
            // A 4×4 puzzle needs at least 4 clues; random removal typically leaves 4 to 6.
            assertTrue(p.puzzle().clues() >= 4 && p.puzzle().clues() <= 7, p.puzzle().toString());
        }
    }

    @Test
    void nineByNinePuzzlesAreUnique() {
        SudokuGenerator g = new SudokuGenerator(3, 7);
        for (int i = 0; i < 4; i++) {
            Puzzle p = g.next();
            checkUnique(p);
            assertTrue(p.puzzle().clues() >= 17, "no 9×9 puzzle has fewer than 17 clues");
        }
    }

    @Test
    void respectsTheClueFloor() {
        SudokuGenerator g = new SudokuGenerator(3, 5, 40);
        for (int i = 0; i < 3; i++) {
            Puzzle p = g.next();
            checkUnique(p);
            assertEquals(40, p.puzzle().clues());
        }
        Puzzle full = new SudokuGenerator(2, 5, 16).next();
        assertEquals(full.solution(), full.puzzle());
    }

    @Test
    void theSameSeedGivesTheSamePuzzles() {
        assertEquals(draw(2, 99, 50), draw(2, 99, 50));
        assertEquals(draw(3, 99, 2), draw(3, 99, 2));
        assertNotEquals(draw(2, 99, 50), draw(2, 100, 50));
    }

    @Test
    void rejectsABadClueFloor() {
        assertThrows(IllegalArgumentException.class, () -> new SudokuGenerator(2, 1, 17));
        assertThrows(IllegalArgumentException.class, () -> new SudokuGenerator(2, 1, -1));
    }

    private static List<Puzzle> draw(int k, long seed, int count) {
        SudokuGenerator g = new SudokuGenerator(k, seed);
        List<Puzzle> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(g.next());
        }
        return out;
    }

    private static void checkUnique(Puzzle p) {
        SudokuSolver.Result r = SudokuSolver.solve(p.puzzle(), 2);
        assertEquals(1, r.count(), p.puzzle().toString());
        assertEquals(p.solution(), r.solution());
        assertTrue(Rules.isValid(p.solution()));
        assertTrue(p.puzzle().agreesWith(p.solution()));
    }
}
