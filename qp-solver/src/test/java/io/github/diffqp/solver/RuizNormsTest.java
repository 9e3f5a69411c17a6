package io.github.diffqp.solver;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ruiz's norms, plain and (under this build's tests, which run with the Vector API) vector, against a
 * textbook loop, to the bit: the equilibration factors, and so a problem's solution, must not depend on which
 * ran. Sizes cover each vector width's remainders.
 */
class RuizNormsTest {
    @Test
    void bothImplementationsGiveTheTextbookMaximaExactly() {
        assertTrue(RuizNorms.FASTEST instanceof VectorRuizNorms, "tests run without --add-modules jdk.incubator.vector");
        Random rnd = new Random(5);
        for (RuizNorms norms : new RuizNorms[] {new RuizNorms(), new VectorRuizNorms()}) {
            for (int rows : new int[] {0, 1, 3, 7, 16}) {
                for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33}) {
                    double[] m = new double[rows * n], d = new double[n], s = new double[rows];
                    for (int k = 0; k < m.length; k++) {
                        m[k] = rnd.nextInt(4) == 0 ? 0 : Math.abs(rnd.nextGaussian()) * Math.pow(10, rnd.nextInt(9) - 4);
                    }
                    for (int k = 0; k < n; k++) {
                        d[k] = 0.01 + rnd.nextDouble() * 10;
                    }
                    for (int k = 0; k < rows; k++) {
                        s[k] = 0.01 + rnd.nextDouble() * 10;
                    }
                    double[] col = new double[n], row = new double[rows], expectedCol = new double[n];
                    double[] expectedRow = new double[rows];
                    for (int k = 0; k < n; k++) {
                        col[k] = expectedCol[k] = rnd.nextDouble();
                    }
                    for (int r = 0; r < rows; r++) {
                        row[r] = expectedRow[r] = rnd.nextDouble();
                        for (int j = 0; j < n; j++) {
                            double v = m[r * n + j] * s[r] * d[j];
                            expectedCol[j] = Math.max(expectedCol[j], v);
                            expectedRow[r] = Math.max(expectedRow[r], v);
                        }
                    }
                    double[] colOnly = col.clone();
                    norms.blockNorms(rows == 0 ? null : m, rows, n, d, s, col, row);
                    String what = norms.getClass().getSimpleName() + " " + rows + "×" + n;
                    assertArrayEquals(expectedCol, col, 0, what + " columns");
                    assertArrayEquals(expectedRow, row, 0, what + " rows");
                    norms.blockNorms(rows == 0 ? null : m, rows, n, d, s, colOnly, null);
                    assertArrayEquals(expectedCol, colOnly, 0, what + " columns without rows");
                }
            }
        }
    }
}
