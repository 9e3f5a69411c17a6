package io.github.diffqp.examples.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SudokuConstraintsTest {

    @Test
    void hasTheExpectedShape() {
        LinearConstraints c2 = SudokuConstraints.trueConstraints(2);
        assertEquals(64, c2.rows());
        assertEquals(64, c2.cols());
        LinearConstraints c3 = SudokuConstraints.trueConstraints(3);
        assertEquals(324, c3.rows());
        assertEquals(729, c3.cols());
        for (double v : c3.b()) {
            assertEquals(1.0, v);
        }
        // Every variable sits in exactly one row of each of the four families.
        for (int j = 0; j < c3.cols(); j++) {
            double colSum = 0;
            for (int i = 0; i < c3.rows(); i++) {
                colSum += c3.a(i, j);
            }
            assertEquals(4.0, colSum);
        }
    }

    @Test
    void everyFourByFourSolutionSatisfiesAxEqualsBExactly() {
        List<Sudoku> all = allFourByFourBoards();
        assertEquals(288, all.size());
        LinearConstraints c = SudokuConstraints.trueConstraints(2);
        for (Sudoku s : all) {
            double[] r = residual(c, OneHot.encode(s));
            for (int i = 0; i < r.length; i++) {
                assertEquals(0.0, r[i], "row " + i + " of " + s);
            }
        }
        SudokuConstraints.Residual res = SudokuConstraints.constraintResidual(c, all);
        assertEquals(0.0, res.rms());
        assertEquals(0.0, res.max());
    }

    @Test
    void nineByNineSolutionsSatisfyItToo() {
        LinearConstraints c = SudokuConstraints.trueConstraints(3);
        List<Sudoku> boards = List.of(Sudoku.parse(Boards.WIKIPEDIA_SOLUTION),
                Sudoku.parse(Boards.INKALA_SOLUTION),
                SudokuSolver.randomSolution(3, new Random(5)));
        SudokuConstraints.Residual res = SudokuConstraints.constraintResidual(c, boards);
        assertEquals(0.0, res.max());
    }

    @Test
    void oneWrongDigitBreaksIt() {
        LinearConstraints c = SudokuConstraints.trueConstraints(3);
        Sudoku wrong = Sudoku.parse(Boards.WIKIPEDIA_SOLUTION).with(0, 0, 3);
        double[] r = residual(c, OneHot.encode(wrong));
        int broken = 0;
        for (double v : r) {
            if (v != 0) {
                broken++;
            }
        }
        // Digit 5 went missing and 3 doubled in row 0, column 0 and the box: 6 rows off by 1.
        assertEquals(6, broken);
        SudokuConstraints.Residual res = SudokuConstraints.constraintResidual(c, List.of(wrong));
        assertEquals(1.0, res.max());
        assertEquals(Math.sqrt(6.0 / c.rows()), res.rms(), 1e-15);
    }

    @Test
    void rankForBoxSizeTwoIs40() {
        LinearConstraints c = SudokuConstraints.trueConstraints(2);
        assertEquals(40, rank(c.a(), c.rows(), c.cols()));
    }

    @Test
    void measuresAnyRowCountAndB() {
        // Two rows: "cell (0,0) holds a digit" (holds) and a row of twos against b = 1.
        LinearConstraints truth = SudokuConstraints.trueConstraints(2);
        double[] a = new double[2 * 64];
        System.arraycopy(truth.a(), 0, a, 0, 64);
        for (int j = 0; j < 4; j++) {
            a[64 + j] = 2; // 2·(one-hot of cell (0,0)) = 2, one more than b
        }
        double[] b = {1, 1};
        List<Sudoku> boards = List.of(Sudoku.parse("1234341221434321"));
        SudokuConstraints.Residual res = SudokuConstraints.constraintResidual(a, b, 2, boards);
        assertEquals(1.0, res.max());
        assertEquals(Math.sqrt(0.5), res.rms(), 1e-15);
        assertEquals(0.0,
                SudokuConstraints.constraintResidual(a, b, 2, new double[0], 0).max());
        assertThrows(IllegalArgumentException.class,
                () -> SudokuConstraints.constraintResidual(a, new double[3], 2, boards));
    }

    /** All valid 4×4 boards, by drawing random ones until no new one turns up for long. */
    private static List<Sudoku> allFourByFourBoards() {
        Random random = new Random(0);
        Set<Sudoku> seen = new HashSet<>();
        for (int i = 0; i < 20_000 && seen.size() < 288; i++) {
            seen.add(SudokuSolver.randomSolution(2, random));
        }
        return new ArrayList<>(seen);
    }

    private static double[] residual(LinearConstraints c, double[] x) {
        double[] r = new double[c.rows()];
        for (int i = 0; i < c.rows(); i++) {
            double dot = 0;
            for (int j = 0; j < c.cols(); j++) {
                dot += c.a(i, j) * x[j];
            }
            r[i] = dot - c.b()[i];
        }
        return r;
    }

    /** Rank by Gaussian elimination with partial pivoting; entries are small integers. */
    private static int rank(double[] a, int rows, int cols) {
        double[] m = a.clone();
        int rank = 0;
        for (int col = 0; col < cols && rank < rows; col++) {
            int pivot = rank;
            for (int i = rank + 1; i < rows; i++) {
                if (Math.abs(m[i * cols + col]) > Math.abs(m[pivot * cols + col])) {
                    pivot = i;
                }
            }
            if (Math.abs(m[pivot * cols + col]) < 1e-9) {
                continue;
            }
            for (int j = 0; j < cols; j++) {
                double t = m[rank * cols + j];
                m[rank * cols + j] = m[pivot * cols + j];
                m[pivot * cols + j] = t;
            }
            for (int i = rank + 1; i < rows; i++) {
                double f = m[i * cols + col] / m[rank * cols + col];
                if (f != 0) {
                    for (int j = col; j < cols; j++) {
                        m[i * cols + j] -= f * m[rank * cols + j];
                    }
                }
            }
            rank++;
        }
        return rank;
    }
}
