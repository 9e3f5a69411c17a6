package io.github.diffqp.cpu;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocked kernels against the textbook loops they replace, at every size from 1 to 11 (so that each
 * blocked loop's remainder, 0 to 3 rows or entries, is taken), and the backend's recording against what
 * the host does between calls.
 */
class DenseKernelsTest {
    private static final double TOL = 1e-12;

    private static double[] gaussian(Random rnd, int length) {
        double[] v = new double[length];
        for (int k = 0; k < length; k++) {
            v[k] = rnd.nextGaussian();
        }
        return v;
    }

    @Test
    void productsMatchTheTextbookLoops() {
        Random rnd = new Random(1);
        for (int rows = 1; rows <= 11; rows++) {
            for (int cols = 1; cols <= 11; cols += 3) {
                double[] m = gaussian(rnd, rows * cols), x = gaussian(rnd, cols), u = gaussian(rnd, rows);
                double[] y = gaussian(rnd, rows), expected = new double[rows];
                for (int r = 0; r < rows; r++) {
                    double s = 0;
                    for (int c = 0; c < cols; c++) {
                        s += m[r * cols + c] * x[c];
                    }
                    expected[r] = 2 * s - 0.5 * y[r];
                }
                DenseKernels.multiply(m, rows, cols, x, 2, -0.5, y);
                assertArrayEquals(expected, y, TOL, rows + "×" + cols);

                double[] z = gaussian(rnd, cols), expectedT = new double[cols];
                for (int c = 0; c < cols; c++) {
                    double s = 0;
                    for (int r = 0; r < rows; r++) {
                        s += m[r * cols + c] * u[r];
                    }
                    expectedT[c] = -s + 3 * z[c];
                }
                DenseKernels.multiplyTransposed(m, rows, cols, u, -1, 3, z);
                assertArrayEquals(expectedT, z, TOL, "transposed " + rows + "×" + cols);
            }
        }
    }

    @Test
    void weightedGramAndGramOfRowsMatchTheTextbookLoops() {
        Random rnd = new Random(2);
        for (int m = 1; m <= 11; m++) {
            for (int n = 1; n <= 11; n += 2) {
                double[] g = gaussian(rnd, m * n), w = gaussian(rnd, m), k = gaussian(rnd, n * n);
                double[] expected = k.clone();
                for (int r = 0; r < n; r++) {
                    for (int c = 0; c < n; c++) {
                        double s = 0;
                        for (int j = 0; j < m; j++) {
                            s += g[j * n + r] * w[j] * g[j * n + c];
                        }
                        expected[r * n + c] = (r >= c ? k[r * n + c] : k[c * n + r]) + s;
                    }
                }
                DenseKernels.addWeightedGram(k, g, w, m, n);
                DenseKernels.mirrorLower(k, n);
                assertArrayEquals(expected, k, TOL, m + "×" + n);

                double[] s = new double[m * m], expectedS = new double[m * m];
                for (int r = 0; r < m; r++) {
                    for (int c = 0; c < m; c++) {
                        for (int j = 0; j < n; j++) {
                            expectedS[r * m + c] += g[r * n + j] * g[c * n + j];
                        }
                    }
                }
                DenseKernels.gramOfRows(g, m, n, s);
                assertArrayEquals(expectedS, s, TOL, "Z·Zᵀ " + m + "×" + n);
            }
        }
    }

    @Test
    void choleskyFactorsAndSolves() {
        Random rnd = new Random(3);
        for (int n = 1; n <= 11; n++) {
            // A = MᵀM + I: positive definite; the factor must reproduce it and zero its upper triangle.
            double[] mm = gaussian(rnd, n * n), a = new double[n * n];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    for (int j = 0; j < n; j++) {
                        a[r * n + c] += mm[j * n + r] * mm[j * n + c];
                    }
                }
                a[r * n + r] += 1;
            }
            double[] l = a.clone();
            assertTrue(DenseKernels.choleskyLower(l, n));
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    double s = 0;
                    for (int j = 0; j < n; j++) {
                        s += l[r * n + j] * l[c * n + j];
                    }
                    assertEquals(a[r * n + c], s, TOL * n, "L·Lᵀ at " + r + "," + c + ", n=" + n);
                    if (c > r) {
                        assertEquals(0, l[r * n + c], "upper triangle at " + r + "," + c);
                    }
                }
            }
            // Solve A·x = b for a planted x.
            double[] x = gaussian(rnd, n), b = new double[n];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    b[r] += a[r * n + c] * x[c];
                }
            }
            DenseKernels.forwardSubstitute(l, n, b, 0);
            DenseKernels.backSubstituteTransposed(l, n, b);
            assertArrayEquals(x, b, 1e-9, "solve, n=" + n);
        }
    }

    @Test
    void choleskyRefusesIndefiniteAndNonFiniteMatrices() {
        assertFalse(DenseKernels.choleskyLower(new double[] {1, 2, 2, 1}, 2));
        assertFalse(DenseKernels.choleskyLower(new double[] {1, 0, 0, Double.NaN}, 2));
        assertFalse(DenseKernels.choleskyLower(new double[] {Double.POSITIVE_INFINITY}, 1));
    }

    @Test
    void recordedOperationsKeepTheirMaskAndTheHostsScalarsAsCalled() {
        try (CpuBackend be = new CpuBackend(3)) {
            BatchVector x = be.vector(Datum.batchedVector(3, 2, new double[] {1, 2, 3, 4, 5, 6}));
            BatchVector y = be.vector(2, false);
            double[] a = {10, 20, 30};
            be.setActive(new boolean[] {true, false, true});
            be.axpy(a, x, y);                       // y = a·x for problems 0 and 2
            a[0] = 1000;                            // the host reuses its array: the recorded call keeps 10
            be.setActive(new boolean[] {false, true, false});
            be.axpby(1, x, 1, y);                   // problem 1 only: y = x
            be.setActive(new boolean[] {true, true, true});
            double[] dots = new double[3];
            be.dot(y, x, dots);                     // runs everything recorded
            assertArrayEquals(new double[] {10 * (1 + 4), 9 + 16, 30 * (25 + 36)}, dots, 0);
            double[] out = new double[6];
            be.read(y, out);
            assertArrayEquals(new double[] {10, 20, 3, 4, 150, 180}, out, 0);
            // A shared output sums over the active problems, in order, at once.
            BatchMatrix sum = be.matrix(1, 2, true);
            BatchVector one = be.vector(Datum.batchedVector(3, 1, new double[] {1, 1, 1}));
            be.addOuterProduct(one, x, 1, sum);
            double[] total = new double[2];
            be.read(sum, total);
            assertArrayEquals(new double[] {9, 12}, total, 0);
        }
    }
}
