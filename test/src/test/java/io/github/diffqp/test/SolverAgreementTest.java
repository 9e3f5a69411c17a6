package io.github.diffqp.test;

import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ojalgo.optimisation.Optimisation;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random feasible batches against ojAlgo's active-set solver, and the KKT conditions of every answer.
 * The comparison of x runs at tolerance 1e-10: on a weakly active constraint (λ and s both small) x is
 * only as accurate as about the square root of the duality gap, so the default 1e-8 gives about 3e-6
 * there (seen on the n = 12 case); the KKT checks run at the default tolerance.
 */
class SolverAgreementTest {

    @ParameterizedTest(name = "B={0} n={1} m={2} q={3}")
    @CsvSource({"6, 2, 3, 0", "6, 5, 8, 2", "5, 12, 20, 4", "4, 30, 40, 10", "3, 50, 60, 0", "3, 50, 30, 20"})
    void matchesOjAlgoAndSatisfiesKkt(int B, int n, int m, int q) {
        Random rnd = new Random(1000L * n + m + q);
        List<QpProblem> problems = new ArrayList<>();
        for (int i = 0; i < B; i++) {
            problems.add(RandomQp.feasible(rnd, n, m, q, 0.1));
        }
        QpBatch batch = QpBatch.stack(problems);
        QpSolution sol = QpSolver.solve(batch, SolverOptions.defaults().withTolerance(1e-10));
        QpSolution byDefault = QpSolver.solve(batch);
        for (int i = 0; i < B; i++) {
            QpProblem pr = problems.get(i);
            assertEquals(Status.SOLVED, sol.status(i), "problem " + i);
            OjAlgoReference.Answer ref = OjAlgoReference.solve(pr);
            assertTrue(ref.state().isOptimal(), "ojAlgo state " + ref.state());
            double[] x = sol.x(i);
            for (int k = 0; k < n; k++) {
                assertEquals(ref.x()[k], x[k], 1e-6 * (1 + Math.abs(ref.x()[k])), "x[" + k + "] of problem " + i);
            }
            double refObjective = pr.objective(ref.x());
            assertEquals(refObjective, sol.objective(i), 1e-6 * (1 + Math.abs(refObjective)), "objective " + i);
            assertEquals(pr.objective(x), sol.objective(i), 1e-9 * (1 + Math.abs(refObjective)), "reported objective");
            double scale = 1 + Math.abs(refObjective);
            double[] xd = byDefault.x(i);
            assertEquals(Status.SOLVED, byDefault.status(i));
            assertEquals(refObjective, byDefault.objective(i), 1e-7 * scale, "objective at default tolerance " + i);
            assertTrue(Kkt.stationarity(pr, xd, byDefault.lambda(i), byDefault.nu(i)) < 1e-7 * scale, "stationarity " + i);
            assertTrue(Kkt.infeasibility(pr, xd) < 1e-8 * scale, "feasibility " + i);
            assertTrue(Kkt.complementarity(pr, xd, byDefault.lambda(i)) < 1e-7 * scale, "complementarity " + i);
            for (int j = 0; j < m; j++) {
                assertEquals(pr.h()[j] - RandomQp.dot(pr.G(), j * n, x, n), sol.slack(i)[j], 1e-9 * (1 + Math.abs(pr.h()[j])),
                        "slack " + j);
            }
            if (ref.state() == Optimisation.State.OPTIMAL && q == 0) {
                // Strictly convex with independent active rows (random data): the multipliers are unique.
                for (int j = 0; j < m; j++) {
                    assertEquals(ref.lambda()[j], sol.lambda(i)[j], 1e-5 * (1 + Math.abs(ref.lambda()[j])), "λ" + j);
                }
            }
            assertTrue(sol.iterations(i) > 0 && sol.iterations(i) < 30, "iterations " + sol.iterations(i));
        }
    }
}
