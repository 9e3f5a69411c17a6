package io.github.diffqp.test;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.Status;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Problems whose solution has a closed form: by hand, or one dense linear solve of the KKT matrix. */
class ClosedFormTest {

    @Test
    void unconstrainedIsMinusQInverseP() {
        Random rnd = new Random(7);
        List<QpProblem> problems = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            problems.add(RandomQp.feasible(rnd, 8, 0, 0, 0.5));
        }
        QpSolution sol = QpSolver.solve(QpBatch.stack(problems));
        for (int i = 0; i < problems.size(); i++) {
            QpProblem pr = problems.get(i);
            DMatrixRMaj x = new DMatrixRMaj(8, 1);
            CommonOps_DDRM.solve(new DMatrixRMaj(8, 8, true, pr.Q()), new DMatrixRMaj(8, 1, true, pr.p()), x);
            CommonOps_DDRM.scale(-1, x);
            assertEquals(Status.SOLVED, sol.status(i));
            assertArrayClose(x.data, sol.x(i), 1e-10);
        }
    }

    @Test
    void equalityOnlyMatchesTheKktSolve() {
        Random rnd = new Random(8);
        int n = 10, q = 4;
        List<QpProblem> problems = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            problems.add(RandomQp.feasible(rnd, n, 0, q, 0.5));
        }
        QpSolution sol = QpSolver.solve(QpBatch.stack(problems));
        for (int i = 0; i < problems.size(); i++) {
            QpProblem pr = problems.get(i);
            DMatrixRMaj kkt = new DMatrixRMaj(n + q, n + q);
            DMatrixRMaj rhs = new DMatrixRMaj(n + q, 1);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    kkt.set(r, c, pr.Q()[r * n + c]);
                }
                rhs.set(r, -pr.p()[r]);
            }
            for (int j = 0; j < q; j++) {
                for (int c = 0; c < n; c++) {
                    kkt.set(n + j, c, pr.A()[j * n + c]);
                    kkt.set(c, n + j, pr.A()[j * n + c]);
                }
                rhs.set(n + j, pr.b()[j]);
            }
            DMatrixRMaj xy = new DMatrixRMaj(n + q, 1);
            CommonOps_DDRM.solve(kkt, rhs, xy);
            assertEquals(Status.SOLVED, sol.status(i));
            assertArrayClose(java.util.Arrays.copyOfRange(xy.data, 0, n), sol.x(i), 1e-9);
            assertArrayClose(java.util.Arrays.copyOfRange(xy.data, n, n + q), sol.nu(i), 1e-8);
        }
    }

    /** min ½(x₁² + x₂²) − x₁ − x₂ s.t. x₁ + x₂ ≤ 1: x = (½, ½), λ = ½, objective −¾. */
    @Test
    void activeInequalityByHand() {
        QpBatch batch = QpBatch.builder()
                .Q(Datum.shared(2, 2, new double[] {1, 0, 0, 1}))
                .p(Datum.sharedVector(new double[] {-1, -1}))
                .G(Datum.shared(1, 2, new double[] {1, 1})).h(Datum.sharedVector(new double[] {1}))
                .build();
        QpSolution sol = QpSolver.solve(batch);
        assertArrayClose(new double[] {0.5, 0.5}, sol.x(0), 1e-8);
        assertEquals(0.5, sol.lambda(0)[0], 1e-8);
        assertEquals(-0.75, sol.objective(0), 1e-8);
        assertEquals(0, sol.slack(0)[0], 1e-7); // interior point: s ≈ gap / λ
    }

    /** min x₁ + 2x₂ s.t. x ≥ 0, x₁ + x₂ = 1 (an LP): x = (1, 0), ν = −1, λ = (0, 1). */
    @Test
    void linearProgramByHand() {
        QpProblem lp = new QpProblem(2, new double[4], new double[] {1, 2}, new double[] {-1, 0, 0, -1},
                new double[] {0, 0}, new double[] {1, 1}, new double[] {1}, 0);
        QpSolution sol = QpSolver.solve(lp.asBatch());
        assertEquals(Status.SOLVED, sol.status(0));
        assertArrayClose(new double[] {1, 0}, sol.x(0), 1e-7);
        assertEquals(-1, sol.nu(0)[0], 1e-7);
        assertArrayClose(new double[] {0, 1}, sol.lambda(0), 1e-7);
        assertEquals(1, sol.objective(0), 1e-7);
    }

    static void assertArrayClose(double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int k = 0; k < expected.length; k++) {
            assertTrue(Math.abs(expected[k] - actual[k]) <= tol * (1 + Math.abs(expected[k])),
                    "entry " + k + ": expected " + expected[k] + " but was " + actual[k]);
        }
    }
}
