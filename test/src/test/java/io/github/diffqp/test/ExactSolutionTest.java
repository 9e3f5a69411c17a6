package io.github.diffqp.test;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exact answers and exact gradients at the default options (docs/DESIGN.md §2.5–§2.8), against
 * independent references: planted solutions with the active-set reference's gradients, closed forms for
 * degenerate problems, and invariance under scaling of the data.
 */
class ExactSolutionTest {
    private static final double SOLUTION_TOLERANCE = 1e-9, GRADIENT_TOLERANCE = 1e-8;

    /**
     * Planted problems whose multipliers and slacks spread over four decades (1e-4 … 1): the case where
     * the interior point's own answer and its λ/s-weighted derivative are off by 1e-4 and 1e-2.
     */
    @ParameterizedTest(name = "shared Q, G, A: {0}")
    @ValueSource(booleans = {false, true})
    void plantedProblemsAreSolvedAndDifferentiatedExactly(boolean shared) {
        int B = 32, n = 60, m = 60, q = 5;
        PlantedQp planted = PlantedQp.generate(shared ? 21 : 22, B, n, m, q, shared);
        QpBatch batch = planted.batch();
        double[] g = RandomQp.gaussian(new Random(23), B * n);
        List<Map<Parameter, double[]>> expected = new ArrayList<>();
        try (LayerForward forward = new QpLayer().forward(batch)) {
            QpSolution sol = forward.solution();
            for (int i = 0; i < B; i++) {
                String where = "problem " + i;
                assertEquals(Status.SOLVED, sol.status(i), where);
                assertTrue(sol.polished(i), where + " polished");
                assertFalse(sol.degenerate(i), where + " degenerate");
                assertClose(planted.x(i), sol.x(i), SOLUTION_TOLERANCE, where + ": x");
                assertClose(planted.lambda(i), sol.lambda(i), SOLUTION_TOLERANCE, where + ": λ");
                assertClose(planted.nu(i), sol.nu(i), SOLUTION_TOLERANCE, where + ": ν");
                double[] gi = java.util.Arrays.copyOfRange(g, i * n, (i + 1) * n);
                expected.add(new ActiveSetReference(batch.problem(i), planted.active(i)).vjp(gi));
            }
            Gradients grads = forward.backward(g);
            for (Parameter par : Parameter.values()) {
                Datum ours = grads.get(par);
                if (ours.isShared()) {
                    assertClose(ActiveSetReference.sum(expected, par), ours.values(), GRADIENT_TOLERANCE, "d" + par);
                } else {
                    for (int i = 0; i < B; i++) {
                        assertClose(expected.get(i).get(par), ours.problem(i), GRADIENT_TOLERANCE,
                                "d" + par + " of problem " + i);
                    }
                }
            }
        }
    }

    /**
     * min ½‖x‖² + x₁ + x₂ s.t. x₁ ≤ 1, −x₁ ≤ 1: the optimum (−1, −1) lies where the second row is tight with
     * a zero multiplier. x is exact; the problem is flagged; the derivative keeps the tight row binding
     * (§2.6), so x₁ = −h₂ does not move with p, and ∂x₂/∂p₂ = −1.
     */
    @Test
    void weaklyActiveRowGivesTheExactPointAndTheBindingSideDerivative() {
        QpProblem pr = new QpProblem(2, new double[] {1, 0, 0, 1}, new double[] {1, 1},
                new double[] {1, 0, -1, 0}, new double[] {1, 1}, new double[0], new double[0], 0);
        try (LayerForward forward = new QpLayer().forward(pr.asBatch())) {
            QpSolution sol = forward.solution();
            assertEquals(Status.SOLVED, sol.status(0));
            assertArrayEquals(new double[] {-1, -1}, sol.x(0), 1e-12);
            assertTrue(sol.polished(0));
            assertTrue(sol.degenerate(0));
            Gradients grads = forward.backward(new double[] {1, 1});
            assertTrue(grads.degenerate(0));
            assertArrayEquals(new double[] {0, -1}, grads.get(Parameter.P).values(), 1e-12);
            assertArrayEquals(new double[] {0, -1}, grads.get(Parameter.H).values(), 1e-12); // x₁ = −h₂ while bound
        }
    }

    /**
     * The same bound twice, both tight: min ½(x₁ − 2)² + ½x₂² s.t. x₁ ≤ 1, x₁ ≤ 1. x = (1, 0) exactly, the
     * multipliers sum to 1 with one of the two rows carrying it, the problem is flagged, and the
     * derivative is that of the bound held: ∂x₁/∂p = 0, ∂x₂/∂p₂ = −1, ∂x₁/∂h sums to 1 over the two rows.
     */
    @Test
    void duplicatedActiveRowsGiveTheExactPointAndOneRowsMultiplier() {
        QpProblem pr = new QpProblem(2, new double[] {1, 0, 0, 1}, new double[] {-2, 0},
                new double[] {1, 0, 1, 0}, new double[] {1, 1}, new double[0], new double[0], 0);
        try (LayerForward forward = new QpLayer().forward(pr.asBatch())) {
            QpSolution sol = forward.solution();
            assertEquals(Status.SOLVED, sol.status(0));
            assertArrayEquals(new double[] {1, 0}, sol.x(0), 1e-12);
            assertTrue(sol.polished(0));
            assertTrue(sol.degenerate(0));
            double[] lambda = sol.lambda(0);
            assertEquals(1, lambda[0] + lambda[1], 1e-12);
            assertEquals(0, Math.min(lambda[0], lambda[1]), 1e-12);
            Gradients grads = forward.backward(new double[] {1, 1});
            assertArrayEquals(new double[] {0, -1}, grads.get(Parameter.P).values(), 1e-12);
            double[] dh = grads.get(Parameter.H).values();
            assertEquals(1, dh[0] + dh[1], 1e-12);
            for (Parameter par : Parameter.values()) {
                Datum d = grads.get(par);
                if (d != null) {
                    for (double value : d.values()) {
                        assertTrue(Double.isFinite(value), "d" + par);
                    }
                }
            }
        }
    }

    /** An LP whose unique vertex (0, 0) has three tight rows, x ≥ 0 and x₁ + x₂ ≥ 0: x exact, flagged. */
    @Test
    void degenerateVertexOfAnLpIsExact() {
        QpProblem pr = new QpProblem(2, new double[4], new double[] {1, 2},
                new double[] {-1, 0, 0, -1, -1, -1}, new double[] {0, 0, 0}, new double[0], new double[0], 0);
        QpSolution sol = QpSolver.solve(pr.asBatch());
        assertEquals(Status.SOLVED, sol.status(0));
        assertArrayEquals(new double[] {0, 0}, sol.x(0), 1e-12);
        assertTrue(sol.polished(0));
        assertTrue(sol.degenerate(0));
    }

    /** The examples of data far from unit size: each has a closed-form answer. */
    @Test
    void tinyDataAreSolvedToTheirOwnScale() {
        QpProblem tinyObjective = new QpProblem(1, new double[] {1e-12}, new double[] {-1e-12}, new double[] {1},
                new double[] {0.5}, new double[0], new double[0], 0);
        QpSolution a = QpSolver.solve(tinyObjective.asBatch());
        assertEquals(Status.SOLVED, a.status(0));
        assertEquals(0.5, a.x(0)[0], 1e-12);

        QpProblem tinyLp = new QpProblem(2, new double[4], new double[] {1e-12, 1e-12},
                new double[] {-1, 0, 0, -1, 1, 1}, new double[] {0, 0, 1}, new double[0], new double[0], 0);
        QpSolution b = QpSolver.solve(tinyLp.asBatch());
        assertEquals(Status.SOLVED, b.status(0));
        assertArrayEquals(new double[] {0, 0}, b.x(0), 1e-12);
    }

    /**
     * Multiplying the objective, the constraints or all data by a positive factor leaves x where it was:
     * the solution of each scaled copy equals the planted one. Up to 1e±6 every copy is polished; at 1e±12
     * some copies' polish misses the tolerance (the equilibration leaves x̂ of size 1e6 there, and the
     * stationarity residual loses that much), and x is the interior point's, to 1e-6.
     */
    @ParameterizedTest(name = "factor {0}")
    @ValueSource(doubles = {1e-12, 1e-6, 1e6, 1e12})
    void scalingTheDataDoesNotMoveX(double factor) {
        boolean extreme = factor < 1e-9 || factor > 1e9;
        PlantedQp planted = PlantedQp.generate(31, 4, 20, 20, 3, false);
        for (int i = 0; i < 4; i++) {
            QpProblem pr = planted.batch().problem(i);
            for (String which : new String[] {"objective", "constraints", "all"}) {
                double fo = which.equals("constraints") ? 1 : factor, fc = which.equals("objective") ? 1 : factor;
                QpProblem scaled = new QpProblem(pr.n(), times(pr.Q(), fo), times(pr.p(), fo), times(pr.G(), fc),
                        times(pr.h(), fc), times(pr.A(), fc), times(pr.b(), fc), 0);
                QpSolution sol = QpSolver.solve(scaled.asBatch());
                String where = which + " × " + factor + ", problem " + i;
                assertEquals(Status.SOLVED, sol.status(0), where);
                assertTrue(extreme || sol.polished(0), where + " polished");
                assertClose(planted.x(i), sol.x(0), extreme ? 1e-6 : SOLUTION_TOLERANCE, where + ": x");
            }
        }
    }

    /** 0·x = 1 has no solution: primal infeasible alone and beside a solvable neighbour, whose answer stands. */
    @Test
    void anImpossibleZeroRowIsPrimalInfeasibleAloneAndInABatch() {
        QpProblem impossible = new QpProblem(1, new double[] {1}, new double[] {0}, new double[0], new double[0],
                new double[] {0}, new double[] {1}, 0);
        QpProblem fine = new QpProblem(1, new double[] {1}, new double[] {-3}, new double[0], new double[0],
                new double[] {1}, new double[] {2}, 0);
        assertEquals(Status.PRIMAL_INFEASIBLE, QpSolver.solve(impossible.asBatch()).status(0));
        QpSolution both = QpSolver.solve(QpBatch.stack(List.of(fine, impossible)));
        assertEquals(Status.PRIMAL_INFEASIBLE, both.status(1));
        assertEquals(Status.SOLVED, both.status(0));
        assertEquals(2, both.x(0)[0], 1e-12);
    }

    /**
     * A problem the method cannot finish (objective terms 1e-10 and 1e-16 beside −348, rows 1e-7 … 15: the
     * optimum has x₁ = 3.98e7) must end with an honest status before the iteration limit, or be solved
     * right: never spin to the limit, never be called solved at a point that is not optimal.
     */
    @Test
    void aProblemThatStallsIsReportedBeforeTheIterationLimit() {
        QpProblem pr = new QpProblem(2, new double[] {1e-10, 0, 0, 1e-16},
                new double[] {-0.0039835191203905565, -348.09299923843145},
                new double[] {0, 1.1660231745598559e-7, 0, 6.888788428010153e-5, -14.670187470716584, 0},
                new double[] {72.69988520475866, 0.04435105664496563, -10921.934810929897}, new double[0],
                new double[0], 0);
        QpSolution sol = QpSolver.solve(pr.asBatch());
        if (sol.status(0) == Status.SOLVED) {
            assertEquals(0.0039835191203905565 / 1e-10, sol.x(0)[0], 1e-6 * 4e7);
            assertEquals(0.04435105664496563 / 6.888788428010153e-5, sol.x(0)[1], 1e-9 * 644);
        } else {
            assertEquals(Status.NUMERICAL_ERROR, sol.status(0));
            assertTrue(sol.iterations(0) < SolverOptions.defaults().maxIterations(), "iterations " + sol.iterations(0));
        }
    }

    /** Polishing off: the interior-point answer, unflagged, as before polishing existed. */
    @Test
    void withoutPolishingTheAnswerIsTheInteriorPointsOwn() {
        PlantedQp planted = PlantedQp.generate(41, 2, 20, 20, 3, false);
        QpSolution sol = QpSolver.solve(planted.batch(), SolverOptions.defaults().withPolish(false));
        for (int i = 0; i < 2; i++) {
            assertEquals(Status.SOLVED, sol.status(i));
            assertFalse(sol.polished(i));
            assertClose(planted.x(i), sol.x(i), 1e-3, "x of problem " + i);
        }
    }

    private static double[] times(double[] v, double factor) {
        double[] out = v.clone();
        for (int k = 0; k < out.length; k++) {
            out[k] *= factor;
        }
        return out;
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        double error = ActiveSetReference.relativeError(actual, expected);
        assertTrue(error <= tolerance, what + ": relative error " + error);
    }
}
