package io.github.diffqp.examples.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SudokuTest {

    @Test
    void parsesAndPrintsTheTextForm() {
        Sudoku s = Sudoku.parse(Boards.WIKIPEDIA_PUZZLE);
        assertEquals(3, s.k());
        assertEquals(9, s.size());
        assertEquals(81, s.cellCount());
        assertEquals(5, s.get(0, 0));
        assertEquals(0, s.get(0, 2));
        assertEquals(9, s.get(8, 8));
        assertEquals(30, s.clues());
        assertEquals(51, s.blanks());
        assertEquals(s, Sudoku.parse(s.toString()));
        assertEquals(Boards.WIKIPEDIA_PUZZLE.replace("\n", ""), s.toString());
    }

    @Test
    void parsesDrawnGridsAndLettersForLargeBoards() {
        Sudoku grid = Sudoku.parse("1 . | . 4\n. . | . .\n----+----\n. . | . .\n4 . | . 1");
        assertEquals(2, grid.k());
        assertEquals(4, grid.get(3, 0));
        int[] cells = new int[256];
        cells[0] = 16;
        cells[1] = 10;
        Sudoku big = Sudoku.of(4, cells);
        assertTrue(big.toString().startsWith("GA."));
        assertEquals(big, Sudoku.parse(big.toString()));
    }

    @Test
    void isImmutable() {
        int[] cells = new int[16];
        Sudoku s = Sudoku.of(2, cells);
        cells[0] = 3;
        assertEquals(0, s.get(0));
        s.cells()[0] = 3;
        assertEquals(0, s.get(0));
        Sudoku t = s.with(1, 2, 4);
        assertEquals(0, s.get(1, 2));
        assertEquals(4, t.get(1, 2));
        assertNotEquals(s, t);
    }

    @Test
    void agreesWithChecksOnlyTheClues() {
        Sudoku puzzle = Sudoku.parse(Boards.WIKIPEDIA_PUZZLE);
        Sudoku solution = Sudoku.parse(Boards.WIKIPEDIA_SOLUTION);
        assertTrue(puzzle.agreesWith(solution));
        assertFalse(solution.agreesWith(puzzle));
        assertFalse(puzzle.agreesWith(solution.with(0, 0, 1)));
        assertTrue(puzzle.agreesWith(solution.with(0, 2, 1)));
        assertFalse(puzzle.isFilled());
        assertTrue(solution.isFilled());
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Sudoku.empty(0));
        assertThrows(IllegalArgumentException.class, () -> Sudoku.empty(Sudoku.MAX_K + 1));
        assertThrows(IllegalArgumentException.class, () -> Sudoku.of(2, new int[15]));
        int[] cells = new int[16];
        cells[3] = 5;
        assertThrows(IllegalArgumentException.class, () -> Sudoku.of(2, cells));
        assertThrows(IllegalArgumentException.class, () -> Sudoku.parse("1234"));
        assertThrows(IllegalArgumentException.class, () -> Sudoku.parse("12x4" + ".".repeat(12)));
        assertThrows(IllegalArgumentException.class, () -> Sudoku.empty(2).with(0, 0, 5));
    }
}
