package io.github.diffqp.testing;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The reference itself against answers worked out by hand, so that a wrong reference cannot make every
 * backend agree with it: each operation once, with a mask where it has one. Problem 1 of each batch of two
 * is inactive where a mask is set, and its sentinel values must survive.
 */
class ReferenceBackendTest {
    private static final boolean[] FIRST_ONLY = {true, false};
    private final ReferenceBackend be = new ReferenceBackend(2);

    private double[] read(BatchVector v) {
        double[] out = new double[(v.isShared() ? 1 : 2) * v.length()];
        be.read(v, out);
        return out;
    }

    private double[] read(BatchMatrix m) {
        double[] out = new double[(m.isShared() ? 1 : 2) * m.rows() * m.cols()];
        be.read(m, out);
        return out;
    }

    @Test
    void productsInBothOrientationsWithSharedMatrix() {
        BatchMatrix m = be.matrix(Datum.shared(2, 3, new double[] {1, 2, 3, 4, 5, 6}));
        BatchVector x = be.vector(Datum.batchedVector(2, 3, new double[] {1, 0, -1, 9, 9, 9}));
        BatchVector y = be.vector(Datum.batchedVector(2, 2, new double[] {10, 20, -7, -7}));
        be.setActive(FIRST_ONLY);
        be.multiply(m, false, x, 2, 0.5, y); // 2·(−2, −2) + 0.5·(10, 20)
        assertArrayEquals(new double[] {1, 6, -7, -7}, read(y), 0);
        BatchVector u = be.vector(Datum.sharedVector(new double[] {1, 1}));
        BatchVector z = be.vector(3, false);
        be.setActive(new boolean[] {true, true});
        be.multiply(m, true, u, 1, 0, z); // column sums
        assertArrayEquals(new double[] {5, 7, 9, 5, 7, 9}, read(z), 0);
    }

    @Test
    void normalMatrixAndSchurComplement() {
        // K = I + Gᵀ·diag(1, 2)·G with G = [1 2; 3 4]: I + [1+18, 2+24; 2+24, 4+32].
        BatchMatrix k = be.matrix(2, 2, false);
        be.formNormalMatrix(be.matrix(Datum.shared(2, 2, new double[] {1, 0, 0, 1})),
                be.matrix(Datum.shared(2, 2, new double[] {1, 2, 3, 4})),
                be.vector(Datum.batchedVector(2, 2, new double[] {1, 2, 0, 0})), k);
        assertArrayEquals(new double[] {20, 26, 26, 37, 1, 0, 0, 1}, read(k), 0);
        // K = diag(4, 9): L = diag(2, 3), and A = [1 1] gives S = 1/4 + 1/9.
        BatchMatrix l = be.matrix(Datum.batched(2, 2, 2, new double[] {4, 0, 0, 9, 1, 0, 0, 1}));
        boolean[] ok = new boolean[2];
        be.cholesky(l, ok);
        BatchMatrix s = be.matrix(1, 1, false);
        be.setActive(FIRST_ONLY);
        be.formSchurComplement(l, be.matrix(Datum.shared(1, 2, new double[] {1, 1})), be.matrix(1, 2, false), s);
        assertEquals(13.0 / 36, read(s)[0], 1e-15);
        assertEquals(0, read(s)[1], "inactive problem untouched");
    }

    @Test
    void choleskyOfAKnownMatrixAndItsSolve() {
        // [4 12 −16; 12 37 −43; −16 −43 98] = L·Lᵀ with L = [2 0 0; 6 1 0; −8 5 3], exactly.
        double[] a = {4, 12, -16, 12, 37, -43, -16, -43, 98};
        double[] both = new double[18];
        System.arraycopy(a, 0, both, 0, 9);
        System.arraycopy(a, 0, both, 9, 9);
        BatchMatrix k = be.matrix(Datum.batched(2, 3, 3, both));
        be.setActive(FIRST_ONLY);
        boolean[] ok = {false, false};
        be.cholesky(k, ok);
        assertArrayEquals(new boolean[] {true, false}, ok, "flag set only for the active problem");
        double[] factor = read(k);
        assertArrayEquals(new double[] {2, 0, 0, 6, 1, 0, -8, 5, 3}, Arrays.copyOf(factor, 9), 0);
        assertArrayEquals(a, Arrays.copyOfRange(factor, 9, 18), 0, "inactive problem untouched");
        // A·(1, 2, 3) = (−20, −43, 192).
        BatchVector b = be.vector(Datum.batchedVector(2, 3, new double[] {-20, -43, 192, 5, 5, 5}));
        be.choleskySolve(k, b);
        assertArrayEquals(new double[] {1, 2, 3, 5, 5, 5}, read(b), 1e-13);
    }

    @Test
    void choleskyFailsOnIndefiniteNaNAndInfinitePivots() {
        double[] values = {1, 2, 2, 1, 1, 0, 0, Double.NaN};
        BatchMatrix k = be.matrix(Datum.batched(2, 2, 2, values));
        boolean[] ok = {true, true};
        be.cholesky(k, ok);
        assertArrayEquals(new boolean[] {false, false}, ok, "indefinite; NaN pivot");
        BatchMatrix inf = be.matrix(Datum.batched(2, 1, 1, new double[] {Double.POSITIVE_INFINITY, 2}));
        be.cholesky(inf, ok);
        assertArrayEquals(new boolean[] {false, true}, ok, "infinite pivot; 2 is fine");
        assertEquals(Math.sqrt(2), read(inf)[1], 0);
    }

    @Test
    void sharedOutputsSumOverTheActiveProblems() {
        BatchVector x = be.vector(Datum.batchedVector(2, 2, new double[] {1, 2, 3, 4}));
        BatchVector sum = be.vector(Datum.sharedVector(new double[] {100, 200}));
        be.axpy(new double[] {10, -1}, x, sum); // + 10·(1, 2) − (3, 4)
        assertArrayEquals(new double[] {107, 216}, read(sum), 0);
        BatchMatrix outer = be.matrix(1, 2, true);
        be.setActive(FIRST_ONLY);
        be.addOuterProduct(be.vector(Datum.batchedVector(2, 1, new double[] {3, 1000})), x, 2, outer);
        assertArrayEquals(new double[] {6, 12}, read(outer), 0);
    }

    @Test
    void elementWiseAndDiagonal() {
        BatchVector y = be.vector(Datum.batchedVector(2, 2, new double[] {1, 2, 3, 4}));
        BatchVector x = be.vector(Datum.sharedVector(new double[] {4, 8}));
        be.setActive(FIRST_ONLY);
        be.axpby(0.5, x, -1, y);                  // (1, 2)
        be.addScalar(new double[] {1, 99}, y);    // (2, 3)
        be.multiplyElements(y, x, y);             // (8, 24)
        be.divideElements(y, x, x);               // x = (2, 3), shared
        assertArrayEquals(new double[] {8, 24, 3, 4}, read(y), 0);
        assertArrayEquals(new double[] {2, 3}, read(x), 0);
        BatchMatrix m = be.matrix(Datum.batched(2, 2, 2, new double[] {1, 7, 7, 3, 5, 0, 0, 6}));
        be.addToDiagonal(m, new double[] {10, 10});
        assertArrayEquals(new double[] {11, 7, 7, 13, 5, 0, 0, 6}, read(m), 0);
        double[] largest = {-1, -1};
        be.maxDiagonal(m, largest);
        assertArrayEquals(new double[] {13, -1}, largest, 0);
        be.setActive(new boolean[] {true, true});
        be.copy(be.vector(Datum.sharedVector(new double[] {-1, -2})), y);
        be.fill(x, 0.5);
        assertArrayEquals(new double[] {-1, -2, -1, -2}, read(y), 0);
        assertArrayEquals(new double[] {0.5, 0.5}, read(x), 0);
    }

    @Test
    void reductionsIncludingNaNEmptyAndUnlimitedSteps() {
        BatchVector a = be.vector(Datum.batchedVector(2, 3, new double[] {1, -5, 2, 0, Double.NaN, 1}));
        BatchVector b = be.vector(Datum.sharedVector(new double[] {2, 1, 1}));
        double[] out = new double[2];
        be.dot(a, b, out);
        assertEquals(-1, out[0], 0);
        assertEquals(Double.NaN, out[1]);
        be.normInf(a, out);
        assertArrayEquals(new double[] {5, Double.NaN}, out, 0);
        be.min(a, out);
        assertArrayEquals(new double[] {-5, Double.NaN}, out, 0);
        BatchVector empty = be.vector(0, false);
        be.normInf(empty, out);
        assertArrayEquals(new double[] {0, 0}, out, 0);
        be.min(empty, out);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, out, 0);
        // v = (1, 2, 4): dv = (−2, 1, −1) allows α = min(1/2, 4) = 0.5; dv ≥ 0 allows any α.
        BatchVector v = be.vector(Datum.sharedVector(new double[] {1, 2, 4}));
        BatchVector dv = be.vector(Datum.batchedVector(2, 3, new double[] {-2, 1, -1, 0, 3, 1}));
        be.maxStep(v, dv, out);
        assertArrayEquals(new double[] {0.5, Double.POSITIVE_INFINITY}, out, 0);
    }

    @Test
    void aMaskOfTheWrongLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> be.setActive(new boolean[3]));
    }
}
