package io.github.diffqp.cpu;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocked kernels, scalar and (where the JVM has the Vector API, as under this build's tests) vector,
 * against the textbook loops they replace, at every size from 1 to 11 (so that each blocked loop's
 * remainder, 0 to 3 rows or entries, is taken) and at sizes around one and two vectors of eight and four
 * (so that each vector tile's edges are); and the backend's recording against what the host does between
 * calls.
 */
class DenseKernelsTest {
    private static final double TOL = 1e-12;
    /** 1–11, then the edges of 4- and 8-wide vectors and their 4-row × 2-vector tiles. */
    private static final int[] SIZES = IntStream.concat(IntStream.rangeClosed(1, 11),
            IntStream.of(15, 16, 17, 19, 23, 31, 33, 40)).toArray();

    static List<DenseKernels> kernels() {
        List<DenseKernels> all = new ArrayList<>(List.of(new DenseKernels()));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            all.add(new VectorKernels());
        }
        return all;
    }

    @Test
    void theVectorKernelsAreChosenWhenTheJvmHasTheVectorApi() {
        boolean vectorApi = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        // Vectors of two doubles (SSE, NEON) are not worth the vector kernels; every AVX machine has four or more.
        boolean wide = vectorApi && VectorKernels.lanes() >= 4;
        assertEquals(wide ? VectorKernels.class : DenseKernels.class, DenseKernels.fastest().getClass());
        // This build runs its tests with the module (pom.xml's argLine), so the vector kernels are tested.
        assertTrue(vectorApi, "tests run without --add-modules jdk.incubator.vector");
    }

    private static double[] gaussian(Random rnd, int length) {
        double[] v = new double[length];
        for (int k = 0; k < length; k++) {
            v[k] = rnd.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void productsMatchTheTextbookLoops(DenseKernels kernels) {
        Random rnd = new Random(1);
        for (int rows : SIZES) {
            for (int cols : SIZES) {
                double[] m = gaussian(rnd, rows * cols), x = gaussian(rnd, cols), u = gaussian(rnd, rows);
                double[] y = gaussian(rnd, rows), expected = new double[rows];
                for (int r = 0; r < rows; r++) {
                    double s = 0;
                    for (int c = 0; c < cols; c++) {
                        s += m[r * cols + c] * x[c];
                    }
                    expected[r] = 2 * s - 0.5 * y[r];
                }
                kernels.multiply(m, rows, cols, x, 2, -0.5, y);
                assertArrayEquals(expected, y, TOL, rows + "×" + cols);

                double[] z = gaussian(rnd, cols), expectedT = new double[cols];
                for (int c = 0; c < cols; c++) {
                    double s = 0;
                    for (int r = 0; r < rows; r++) {
                        s += m[r * cols + c] * u[r];
                    }
                    expectedT[c] = -s + 3 * z[c];
                }
                kernels.multiplyTransposed(m, rows, cols, u, -1, 3, z);
                assertArrayEquals(expectedT, z, TOL, "transposed " + rows + "×" + cols);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void weightedGramAndGramOfRowsMatchTheTextbookLoops(DenseKernels kernels) {
        Random rnd = new Random(2);
        for (int m : SIZES) {
            for (int n : SIZES) {
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
                kernels.addWeightedGram(k, g, w, m, n);
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
                kernels.gramOfRows(g, m, n, s);
                assertArrayEquals(expectedS, s, TOL, "Z·Zᵀ " + m + "×" + n);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void choleskyFactorsAndSolves(DenseKernels kernels) {
        Random rnd = new Random(3);
        for (int n : SIZES) {
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
            assertTrue(kernels.choleskyLower(l, n));
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
            kernels.forwardSubstitute(l, n, b, 0);
            kernels.backSubstituteTransposed(l, n, b);
            assertArrayEquals(x, b, 1e-9, "solve, n=" + n);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void choleskyRefusesIndefiniteAndNonFiniteMatrices(DenseKernels kernels) {
        assertFalse(kernels.choleskyLower(new double[] {1, 2, 2, 1}, 2));
        assertFalse(kernels.choleskyLower(new double[] {1, 0, 0, Double.NaN}, 2));
        assertFalse(kernels.choleskyLower(new double[] {Double.POSITIVE_INFINITY}, 1));
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
