package io.github.diffqp.batching;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static io.github.diffqp.testing.Agreement.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The padding rules, and proof by solving that padded and unpadded answers (and gradients) agree. */
class PaddingTest {
    /**
     * Padded and unpadded solves take different paths (μ averages over all rows, added rows take part in
     * the step length), so they agree to the solver's accuracy, not bit for bit: on these well-conditioned
     * problems about 100 times the tolerance (measured over 3000 random paddings: x within 2e-10 and λ
     * within 1.1e-9 at 1e-11; within 1.8e-7 and 1.3e-6 at the default 1e-8). At 1e-11 they agree ten
     * times better than {@link #AGREEMENT}.
     */
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(1e-11);
    private static final double AGREEMENT = 1e-8;
    /**
     * Gradients are taken at the final iterate (the barrier-smoothed problem at the final μ, see
     * LayerForward), so they too agree to the solves' accuracy: within 4e-8 over 400 random paddings at
     * tolerance 1e-11.
     */
    private static final double GRADIENT_AGREEMENT = 1e-6;

    @Test
    void padsWithAnIdentityBlockZeroColumnsInactiveRowsAndPinnedVariables() {
        // n = 2, m = 1, q = 1  →  N = 4, M = 3, Q = 2
        QpProblem p = new QpProblem(2, new double[] {2, 1, 1, 3}, new double[] {-1, 4}, new double[] {1, 1},
                new double[] {5}, new double[] {1, -1}, new double[] {0.5}, 7);
        QpProblem padded = Padding.pad(p, new Shape(4, 3, 2));
        assertEquals(4, padded.n());
        assertArrayEquals(new double[] {
                2, 1, 0, 0,
                1, 3, 0, 0,
                0, 0, 1, 0,
                0, 0, 0, 1}, padded.Q());
        assertArrayEquals(new double[] {-1, 4, 0, 0}, padded.p());
        assertArrayEquals(new double[] {
                1, 1, 0, 0,
                0, 0, 0, 0,
                0, 0, 0, 0}, padded.G());
        assertArrayEquals(new double[] {5, 1, 1}, padded.h());
        assertArrayEquals(new double[] {
                1, -1, 0, 0,
                0, 0, 1, 0}, padded.A()); // the added row pins the first added variable
        assertArrayEquals(new double[] {0.5, 0}, padded.b());
        assertEquals(7, padded.objectiveConstant());
        assertSame(p, Padding.pad(p, new Shape(2, 1, 1)), "the same shape needs no copy");
    }

    @Test
    void refusesATargetTheProblemDoesNotFitIn() {
        QpProblem p = TestProblems.feasible(new Random(1), new Shape(3, 2, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Padding.pad(p, new Shape(3, 2, 2)));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void paddedAndUnpaddedAnswersAgree() {
        Random rnd = new Random(11);
        List<Shape> shapes = List.of(new Shape(3, 4, 1), new Shape(4, 6, 0), new Shape(5, 8, 2), new Shape(6, 0, 2),
                new Shape(2, 3, 0), new Shape(4, 0, 0));
        for (int t = 0; t < 60; t++) {
            Shape own = shapes.get(t % shapes.size());
            Shape target = new Shape(own.n() + 1 + rnd.nextInt(3), own.m() + rnd.nextInt(4), own.q() + rnd.nextInt(2));
            QpProblem p = TestProblems.feasible(rnd, own);
            QpSolution direct = QpSolver.solve(p.asBatch(), TIGHT);
            QpSolution whole = QpSolver.solve(Padding.pad(p, target).asBatch(), TIGHT);
            String what = "problem " + t + " (" + own + ") padded to (" + target + ")";
            assertEquals(Status.SOLVED, direct.status(0), what);
            TestProblems.assertAgree(direct, Padding.cut(whole, 0, own), AGREEMENT, what);
            assertInert(whole, own, what);
        }
    }

    @Test
    void infeasibleProblemsStayInfeasible() {
        Random rnd = new Random(12);
        for (int t = 0; t < 10; t++) {
            Shape own = new Shape(3 + t % 3, 4, t % 2);
            QpProblem p = TestProblems.infeasible(rnd, own);
            QpSolution padded = Padding.cut(QpSolver.solve(Padding.pad(p, new Shape(own.n() + 2, 6, own.q() + 1))
                    .asBatch()), 0, own);
            assertEquals(Status.PRIMAL_INFEASIBLE, QpSolver.solve(p.asBatch()).status(0));
            assertEquals(Status.PRIMAL_INFEASIBLE, padded.status(0), "problem " + t);
        }
    }

    @Test
    void paddedAndUnpaddedGradientsAgree() {
        Random rnd = new Random(13);
        Shape own = new Shape(4, 5, 1), target = new Shape(7, 8, 3);
        for (int t = 0; t < 5; t++) {
            QpProblem p = TestProblems.feasible(rnd, own);
            double[] g = TestProblems.gaussian(rnd, own.n());
            Gradients direct, padded;
            try (LayerForward f = new QpLayer(TIGHT).forward(p.asBatch())) {
                direct = f.backward(g);
            }
            try (LayerForward f = new QpLayer(TIGHT).forward(Padding.pad(p, target).asBatch())) {
                padded = f.backward(Padding.padVector(g, target.n()));
            }
            for (Parameter param : Parameter.values()) {
                Datum cut = Padding.cut(param, padded.get(param), 0, own);
                Datum expected = direct.get(param);
                assertEquals(expected.rows(), cut.rows(), param.symbol());
                assertEquals(expected.cols(), cut.cols(), param.symbol());
                assertClose(expected.problem(0), cut.problem(0), GRADIENT_AGREEMENT,
                        "d" + param.symbol() + " of problem " + t);
            }
        }
    }

    @Test
    void dataTheProblemDoesNotHaveGetNoGradient() {
        Shape own = new Shape(3, 0, 0), target = new Shape(5, 2, 1);
        QpProblem p = TestProblems.feasible(new Random(14), own);
        try (LayerForward f = new QpLayer(TIGHT).forward(Padding.pad(p, target).asBatch())) {
            Gradients g = f.backward(Padding.padVector(new double[] {1, 2, 3}, target.n()));
            for (Parameter absent : List.of(Parameter.G, Parameter.H, Parameter.A, Parameter.B)) {
                assertTrue(g.has(absent), "the padded batch has " + absent.symbol());
                assertNull(Padding.cut(absent, g.get(absent), 0, own), "the problem has no " + absent.symbol());
            }
            assertEquals(3, Padding.cut(Parameter.P, g.get(Parameter.P), 0, own).rows());
            assertEquals(3, Padding.cut(Parameter.Q, g.get(Parameter.Q), 0, own).cols());
        }
    }

    /** At the padded solution the added variables and equality duals are 0, added rows have λ = 0, slack 1. */
    private static void assertInert(QpSolution padded, Shape own, String what) {
        double[] x = padded.x(0), lambda = padded.lambda(0), nu = padded.nu(0), slack = padded.slack(0);
        for (int k = own.n(); k < x.length; k++) {
            assertEquals(0, x[k], AGREEMENT, what + ": added variable " + k);
        }
        for (int k = own.m(); k < lambda.length; k++) {
            assertEquals(0, lambda[k], AGREEMENT, what + ": λ of added row " + k);
            assertEquals(1, slack[k], AGREEMENT, what + ": slack of added row " + k);
        }
        for (int k = own.q(); k < nu.length; k++) {
            assertEquals(0, nu[k], AGREEMENT, what + ": ν of added equality " + k);
        }
    }
}
