package io.github.diffqp.examples.sudoku;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OneHotTest {

    @Test
    void usesTheDocumentedLayout() {
        assertEquals(64, OneHot.variables(2));
        assertEquals(729, OneHot.variables(3));
        Sudoku one = Sudoku.empty(2).with(1, 2, 3);
        double[] x = OneHot.encode(one);
        int expected = (1 * 4 + 2) * 4 + (3 - 1);
        assertEquals(expected, OneHot.index(2, 1, 2, 3));
        for (int i = 0; i < x.length; i++) {
            assertEquals(i == expected ? 1.0 : 0.0, x[i], "index " + i);
        }
    }

    @Test
    void blanksAreAllZero() {
        Sudoku puzzle = Sudoku.parse(Boards.WIKIPEDIA_PUZZLE);
        double[] x = OneHot.encode(puzzle);
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        assertEquals(puzzle.clues(), sum);
    }

    @Test
    void decodingAnEncodedSolutionGivesItBack() {
        Sudoku s9 = Sudoku.parse(Boards.WIKIPEDIA_SOLUTION);
        assertEquals(s9, OneHot.decode(3, OneHot.encode(s9)));
        Dataset d = Dataset.generate(2, 20, 0, 1);
        List<Sudoku> solutions = d.train().stream().map(Puzzle::solution).toList();
        double[] batch = OneHot.encodeSolutions(d.train());
        assertArrayEquals(OneHot.encodeAll(solutions), batch);
        assertEquals(solutions, OneHot.decodeAll(2, batch, solutions.size()));
        assertEquals(solutions.get(5), OneHot.decode(2, batch, 5 * 64));
    }

    @Test
    void decodesByArgmaxPerCell() {
        Sudoku s = Sudoku.parse(Boards.WIKIPEDIA_SOLUTION);
        double[] x = OneHot.encode(s);
        Random random = new Random(4);
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.9 * x[i] + 0.1 * random.nextDouble(); // noise never beats the true digit
        }
        assertEquals(s, OneHot.decode(3, x));
        double[] tie = new double[64];
        assertEquals(Sudoku.parse("1".repeat(16)), OneHot.decode(2, tie));
        tie[2] = Double.NaN;
        tie[3] = -1;
        assertEquals(1, OneHot.decode(2, tie).get(0));
    }

    @Test
    void encodesPuzzlesForTheLayer() {
        Dataset d = Dataset.generate(2, 5, 0, 2);
        double[] p = OneHot.encodePuzzles(d.train());
        assertEquals(5 * 64, p.length);
        assertArrayEquals(OneHot.encode(d.train().get(3).puzzle()),
                java.util.Arrays.copyOfRange(p, 3 * 64, 4 * 64));
    }

    @Test
    void rejectsWrongLengths() {
        assertThrows(IllegalArgumentException.class, () -> OneHot.decode(2, new double[63]));
        assertThrows(IllegalArgumentException.class, () -> OneHot.decode(2, new double[64], 1));
        assertThrows(IllegalArgumentException.class,
                () -> OneHot.decodeAll(2, new double[64], 2));
        assertThrows(IllegalArgumentException.class,
                () -> OneHot.encodeAll(List.of(Sudoku.empty(2), Sudoku.empty(3))));
    }
}
