package io.github.diffqp.examples.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BoardPrinterTest {

    @Test
    void printsAPuzzleBesideItsSolution() {
        Sudoku puzzle = Sudoku.parse("4..13......2....");
        Sudoku solved = Sudoku.parse("4231312413422413");
        String expected = String.join(System.lineSeparator(),
                "puzzle       solved",
                "4 . | . 1    4 2 | 3 1",
                "3 . | . .    3 1 | 2 4",
                "----+----    ----+----",
                ". . | . 2    1 3 | 4 2",
                ". . | . .    2 4 | 1 3",
                "");
        assertEquals(expected, BoardPrinter.sideBySide(puzzle, solved));
    }

    @Test
    void printsANineByNineBoardWithBoxBorders() {
        String text = BoardPrinter.format(Sudoku.parse(Boards.WIKIPEDIA_PUZZLE));
        String[] lines = text.split(System.lineSeparator());
        assertEquals(11, lines.length);
        assertEquals("5 3 . | . 7 . | . . .", lines[0]);
        assertEquals("------+-------+------", lines[3]);
        assertEquals(lines[0].length(), lines[3].length());
    }

    @Test
    void refusesBoardsOfDifferentSizes() {
        assertThrows(IllegalArgumentException.class,
                () -> BoardPrinter.sideBySide(Sudoku.empty(2), Sudoku.empty(3)));
    }
}
