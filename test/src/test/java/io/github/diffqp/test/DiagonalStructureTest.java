package io.github.diffqp.test;

import io.github.diffqp.backward.GradientCheck;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.github.diffqp.test.ClosedFormTest.assertArrayClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layers shaped like OptNet's Sudoku (diagonal Q, G = −I) take the CPU backend's diagonal path; their
 * answers and gradients must be those of a general solver.
 */
class DiagonalStructureTest {

    private static QpBatch sudokuLike(Random rnd, int B, int n, int q) {
        double[] Q = new double[B * n * n], G = new double[n * n], A = new double[q * n], b = new double[q];
        for (int i = 0; i < B; i++) {
            for (int r = 0; r < n; r++) {
                Q[i * n * n + r * n + r] = 0.05 + 0.1 * rnd.nextDouble();
            }
        }
        for (int r = 0; r < n; r++) {
            G[r * n + r] = -1;
        }
        for (int k = 0; k < A.length; k++) {
            A[k] = rnd.nextDouble();
        }
        for (int j = 0; j < q; j++) {
            for (int c = 0; c < n; c++) {
                b[j] += A[j * n + c] * 0.5; // x = ½ is feasible
            }
        }
        double[] p = new double[B * n];
        for (int k = 0; k < p.length; k++) {
            p[k] = rnd.nextDouble() < 0.3 ? -1 : 0;
        }
        return QpBatch.builder().Q(Datum.batched(B, n, n, Q)).p(Datum.batchedVector(B, n, p))
                .G(Datum.shared(n, n, G)).h(Datum.sharedVector(new double[n]))
                .A(Datum.shared(q, n, A)).b(Datum.sharedVector(b)).build();
    }

    @Test
    void diagonalLayersMatchOjAlgo() {
        QpBatch batch = sudokuLike(new Random(41), 4, 16, 6);
        QpSolution sol = QpSolver.solve(batch, SolverOptions.defaults().withTolerance(1e-10));
        for (int i = 0; i < batch.size(); i++) {
            QpProblem pr = batch.problem(i);
            assertEquals(Status.SOLVED, sol.status(i));
            OjAlgoReference.Answer ref = OjAlgoReference.solve(pr);
            assertArrayClose(ref.x(), sol.x(i), 1e-6);
            assertTrue(Kkt.stationarity(pr, sol.x(i), sol.lambda(i), sol.nu(i)) < 1e-8);
        }
    }

    @Test
    void diagonalLayerGradientsMatchFiniteDifferences() {
        Random rnd = new Random(42);
        QpBatch batch = sudokuLike(rnd, 2, 8, 3);
        GradientCheck.Report report = GradientCheck.run(batch, RandomQp.gaussian(rnd, 16),
                SolverOptions.defaults().withTolerance(1e-12).withMaxIterations(200), 1e-6);
        assertTrue(report.worst() < 1e-5, report.toString());
    }
}
