package io.github.diffqp.examples.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreTest {

    @Test
    void countsExactAndInvalidBoards() {
        Dataset d = Dataset.generate(2, 4, 0, 6);
        List<Puzzle> puzzles = d.train();
        double[] out = OneHot.encodeSolutions(puzzles);
        Score perfect = Score.of(out, puzzles);
        assertEquals(new Score(4, 0, 0 + 4), perfect);
        assertEquals(1.0, perfect.exactRate());
        assertEquals(0.0, perfect.errorRate());

        // Board 0: the puzzle itself decoded (blanks read as digit 1) is invalid.
        double[] p0 = OneHot.encode(puzzles.get(0).puzzle());
        System.arraycopy(p0, 0, out, 0, 64);
        // Board 1: another valid board, not this puzzle's solution, unless they coincide.
        Sudoku other = Sudoku.parse("1234341221434321");
        System.arraycopy(new double[64], 0, out, 64, 64);
        OneHot.encode(other, out, 64);
        Score s = Score.of(out, puzzles);
        int exact = other.equals(puzzles.get(1).solution()) ? 3 : 2;
        assertEquals(new Score(4, 1, exact), s);
        assertEquals(0.25, s.errorRate());
        assertEquals(new Score(0, 0, 0), Score.of(new double[0], List.of()));
    }
}
