package io.github.diffqp.test;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.github.diffqp.test.ClosedFormTest.assertArrayClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Semidefinite and linear objectives, degenerate constraints, infeasible and unbounded problems, sharing. */
class SpecialCasesTest {
    private static final double[] NONE = new double[0];

    @Test
    void semidefiniteQ() {
        // min ½x₁² − x₁ + x₂ s.t. x ≥ 0, x₂ ≤ 3: x = (1, 0), objective −½.
        QpProblem pr = new QpProblem(2, new double[] {1, 0, 0, 0}, new double[] {-1, 1},
                new double[] {-1, 0, 0, -1, 0, 1}, new double[] {0, 0, 3}, NONE, NONE, 0);
        QpSolution sol = QpSolver.solve(pr.asBatch());
        assertEquals(Status.SOLVED, sol.status(0));
        assertArrayClose(new double[] {1, 0}, sol.x(0), 1e-7);
        assertEquals(-0.5, sol.objective(0), 1e-8);
    }

    @Test
    void randomLinearProgramsMatchOjAlgo() {
        Random rnd = new Random(11);
        List<QpProblem> lps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            QpProblem f = RandomQp.feasible(rnd, 6, 10, 2, 0);
            // Box the variables so that the LP is bounded: -5 ≤ x ≤ 5 on top of the random rows.
            int n = 6, m = 10 + 2 * n;
            double[] G = Arrays.copyOf(f.G(), m * n), h = Arrays.copyOf(f.h(), m);
            for (int k = 0; k < n; k++) {
                G[(10 + k) * n + k] = 1;
                h[10 + k] = 5 + Math.abs(rnd.nextGaussian());
                G[(10 + n + k) * n + k] = -1;
                h[10 + n + k] = 5 + Math.abs(rnd.nextGaussian());
            }
            lps.add(new QpProblem(n, new double[n * n], f.p(), G, h, f.A(), f.b(), 0));
        }
        QpSolution sol = QpSolver.solve(QpBatch.stack(lps));
        for (int i = 0; i < lps.size(); i++) {
            assertEquals(Status.SOLVED, sol.status(i));
            double ref = lps.get(i).objective(OjAlgoReference.solve(lps.get(i)).x());
            assertEquals(ref, sol.objective(i), 1e-6 * (1 + Math.abs(ref)));
        }
    }

    @Test
    void rankDeficientEqualities() {
        // x₁ + x₂ = 1 written three times (once scaled), and x₁ ≥ 0.7: x = (0.7, 0.3).
        QpProblem pr = new QpProblem(2, new double[] {1, 0, 0, 1}, new double[] {0, 0}, new double[] {-1, 0},
                new double[] {-0.7}, new double[] {1, 1, 1, 1, 2, 2}, new double[] {1, 1, 2}, 0);
        QpSolution sol = QpSolver.solve(pr.asBatch());
        assertEquals(Status.SOLVED, sol.status(0));
        assertArrayClose(new double[] {0.7, 0.3}, sol.x(0), 1e-7);
        assertTrue(Kkt.stationarity(pr, sol.x(0), sol.lambda(0), sol.nu(0)) < 1e-7);
    }

    @Test
    void freeVariableOnlyInAnEquality() {
        // LP: min x₁ + x₂ s.t. x₁, x₂ ≥ 0, x₁ + x₂ + x₃ = 1, x₃ free and absent from the objective.
        QpProblem pr = new QpProblem(3, new double[9], new double[] {1, 1, 0}, new double[] {-1, 0, 0, 0, -1, 0},
                new double[] {0, 0}, new double[] {1, 1, 1}, new double[] {1}, 0);
        QpSolution sol = QpSolver.solve(pr.asBatch());
        assertEquals(Status.SOLVED, sol.status(0));
        assertArrayClose(new double[] {0, 0, 1}, sol.x(0), 1e-7);
    }

    @Test
    void primalInfeasibleIsReported() {
        // x ≤ −1 and x ≥ 1.
        QpProblem pr = new QpProblem(1, new double[] {1}, new double[] {0}, new double[] {1, -1},
                new double[] {-1, -1}, NONE, NONE, 0);
        QpSolution sol = QpSolver.solve(pr.asBatch());
        assertEquals(Status.PRIMAL_INFEASIBLE, sol.status(0));
        assertAllFinite(sol);
    }

    @Test
    void infeasibleEqualityAndBoundsAreReported() {
        // x ≥ 0 and x₁ + x₂ = −1, linear objective.
        QpProblem pr = new QpProblem(2, new double[4], new double[] {1, 1}, new double[] {-1, 0, 0, -1},
                new double[] {0, 0}, new double[] {1, 1}, new double[] {-1}, 0);
        QpSolution sol = QpSolver.solve(pr.asBatch());
        assertEquals(Status.PRIMAL_INFEASIBLE, sol.status(0));
        assertAllFinite(sol);
    }

    @Test
    void unboundedIsReported() {
        // min −x₂ + ½x₁² s.t. x ≥ 0: x₂ → ∞.
        QpProblem pr = new QpProblem(2, new double[] {1, 0, 0, 0}, new double[] {0, -1},
                new double[] {-1, 0, 0, -1}, new double[] {0, 0}, NONE, NONE, 0);
        QpSolution sol = QpSolver.solve(pr.asBatch());
        assertEquals(Status.DUAL_INFEASIBLE, sol.status(0));
        assertAllFinite(sol);
    }

    @Test
    void anInfeasibleProblemDoesNotSpoilItsBatch() {
        Random rnd = new Random(3);
        List<QpProblem> problems = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            problems.add(RandomQp.feasible(rnd, 6, 8, 2, 0.1));
        }
        QpProblem good = problems.get(2);
        double[] h = good.h().clone();
        // Row 0 of G twice with contradicting bounds: g·x ≤ −1 − |h| and −g·x ≤ −1 − |h|.
        double[] G = good.G().clone();
        for (int k = 0; k < 6; k++) {
            G[6 + k] = -G[k];
        }
        h[0] = -1 - Math.abs(h[0]);
        h[1] = h[0];
        problems.set(2, new QpProblem(6, good.Q(), good.p(), G, h, good.A(), good.b(), 0));
        QpSolution batched = QpSolver.solve(QpBatch.stack(problems));
        assertEquals(Status.PRIMAL_INFEASIBLE, batched.status(2));
        for (int i = 0; i < 5; i++) {
            if (i == 2) {
                continue;
            }
            QpSolution alone = QpSolver.solve(problems.get(i).asBatch());
            assertEquals(Status.SOLVED, batched.status(i));
            assertArrayClose(alone.x(0), batched.x(i), 1e-12);
            assertEquals(alone.iterations(0), batched.iterations(i), "iterations are each problem's own");
        }
        assertAllFinite(batched);
    }

    @Test
    void sharedDataGiveTheSameAnswerAsCopies() {
        Random rnd = new Random(5);
        int B = 6, n = 7, m = 9, q = 2;
        QpProblem base = RandomQp.feasible(rnd, n, m, q, 0.2);
        double[] ps = RandomQp.gaussian(rnd, B * n);
        QpBatch shared = QpBatch.builder().Q(Datum.shared(n, n, base.Q())).p(Datum.batchedVector(B, n, ps))
                .G(Datum.shared(m, n, base.G())).h(Datum.sharedVector(base.h()))
                .A(Datum.shared(q, n, base.A())).b(Datum.sharedVector(base.b())).build();
        List<QpProblem> copies = new ArrayList<>();
        for (int i = 0; i < B; i++) {
            copies.add(new QpProblem(n, base.Q(), Arrays.copyOfRange(ps, i * n, (i + 1) * n), base.G(), base.h(),
                    base.A(), base.b(), 0));
        }
        QpSolution a = QpSolver.solve(shared);
        QpSolution b = QpSolver.solve(QpBatch.stack(copies));
        assertEquals(B, a.size());
        for (int i = 0; i < B; i++) {
            assertEquals(Status.SOLVED, a.status(i));
            assertArrayClose(b.x(i), a.x(i), 1e-12);
            assertArrayClose(b.lambda(i), a.lambda(i), 1e-10);
        }
    }

    @Test
    void allSharedWithDeclaredSizeSolvesCopies() {
        QpBatch batch = QpBatch.builder().size(3).Q(Datum.shared(1, 1, new double[] {2}))
                .p(Datum.sharedVector(new double[] {-4})).build();
        QpSolution sol = QpSolver.solve(batch);
        for (int i = 0; i < 3; i++) {
            assertEquals(2, sol.x(i)[0], 1e-12);
        }
    }

    static void assertAllFinite(QpSolution sol) {
        for (double[] arr : new double[][] {sol.x(), sol.lambda(), sol.nu(), sol.slack()}) {
            for (double v : arr) {
                assertTrue(Double.isFinite(v), "non-finite value in a solution");
            }
        }
        for (int i = 0; i < sol.size(); i++) {
            assertTrue(Double.isFinite(sol.objective(i)) && Double.isFinite(sol.gap(i)), "non-finite scalar");
        }
    }
}
