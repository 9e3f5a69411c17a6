package io.github.diffqp.test;

import io.github.diffqp.backward.GradientCheck;
import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Java example, run as written, with its answers checked by hand. */
class ReadmeExampleTest {
    @Test
    void readmeExampleRunsAndItsAnswersAreRight() {
        QpBatch batch = QpBatch.builder()
                .Q(Datum.shared(2, 2, new double[] {1, 0, 0, 1}))
                .p(Datum.batchedVector(2, 2, new double[] {-1, -1, 2, -2}))
                .G(Datum.shared(1, 2, new double[] {1, 1}))
                .h(Datum.sharedVector(new double[] {1}))
                .build();
        QpSolution sol = QpSolver.solve(batch);
        double[] x0 = sol.x(0);
        Status s0 = sol.status(0);
        boolean exact = sol.polished(0);
        assertTrue(exact);
        // Problem 0: x = (½, ½) on x₁ + x₂ = 1. Problem 1: the unconstrained optimum (−2, 2) is feasible.
        assertEquals(Status.SOLVED, s0);
        assertEquals(0.5, x0[0], 1e-14);
        assertEquals(-2, sol.x(1)[0], 1e-14);
        assertEquals(2, sol.x(1)[1], 1e-14);
        try (LayerForward f = new QpLayer().forward(batch)) {
            double[] dlDx = {1, 0, 0, 1};
            Gradients g = f.backward(dlDx, Parameter.P, Parameter.G);
            Datum dG = g.get(Parameter.G);
            assertTrue(dG.isShared());
            boolean kink = g.degenerate(0);
            assertTrue(!kink);
            // Problem 0 on its face x₁ + x₂ = 1: dx/dp₁ = (−½, ½)ᵀ, so ∂x₁/∂p₁ = −½.
            assertEquals(-0.5, g.get(Parameter.P).values()[0], 1e-14);
            double[] dx = f.jvp(null, Datum.batchedVector(2, 2, new double[] {1, 0, 0, 0}), null, null, null, null);
            assertEquals(-0.5, dx[0], 1e-6);
            assertEquals(0.5, dx[1], 1e-6);
        }
        GradientCheck.Report report = GradientCheck.run(batch, new double[] {1, 0, 0, 1},
                SolverOptions.defaults(), 1e-6);
        assertTrue(report.worst() < 1e-5, report.toString());
    }
}
