package io.github.diffqp.backward;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import io.github.diffqp.testing.RandomData;
import io.github.diffqp.testing.ReferenceBackendProvider;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.github.diffqp.testing.Agreement.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole solves and backwards through a backend against a reference backend, by default the naive
 * {@code reference} (docs/DESIGN.md §4.5): statuses equal, and for solved problems x, λ, ν, the objective and
 * all six gradients equal to {@link #TOLERANCE} relative (per problem and datum: ‖a − b‖∞ ≤
 * tol·max(1, ‖b‖∞)). Cases: everything per problem, shared matrices with per-problem vectors, OptNet's
 * Sudoku-like layer (all shared but p), LPs (Q = 0), equality-only and inequality-only problems, and a
 * batch mixing feasible and infeasible problems.
 *
 * <p>Every backend's tests run it (the CPU backend here, the CUDA backend in native-kernels), so it is
 * shipped in backward's test jar. A test module that runs it lists
 * {@code io.github.diffqp.testing.ReferenceBackendProvider} in its test resources'
 * {@code META-INF/services/io.github.diffqp.solver.backend.BackendProvider}.
 */
public abstract class SolveAgreementContract {
    private static final double TOLERANCE = 1e-6;
    /** Agreement of polished, nondegenerate answers (docs/DESIGN.md §2.5): both exact up to rounding. */
    private static final double POLISHED_TOLERANCE = 1e-10;

    /** The name of the backend under test. */
    protected abstract String backend();

    /** The name of the backend it is compared with. */
    protected String reference() {
        return ReferenceBackendProvider.NAME;
    }

    private final Random rnd = new Random(7);

    private double[] gaussian(int count) {
        return RandomData.gaussian(rnd, count);
    }

    /** copies symmetric PD n×n matrices MᵀM/n + ridge·I, stacked. */
    private double[] spd(int copies, int n, double ridge) {
        return RandomData.spd(rnd, copies, n, ridge);
    }

    /** h = G·x0 + slack with slack > 0 on about half the rows and 0 on the others (active there). */
    private double[] feasibleRhs(double[] G, int gCopies, double[] x0, int B, int m, int n) {
        double[] h = new double[B * m];
        for (int i = 0; i < B; i++) {
            int go = gCopies == 1 ? 0 : i * m * n;
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int c = 0; c < n; c++) {
                    s += G[go + j * n + c] * x0[i * n + c];
                }
                h[i * m + j] = s + (rnd.nextBoolean() ? rnd.nextDouble() : 0);
            }
        }
        return h;
    }

    private double[] equalityRhs(double[] A, int aCopies, double[] x0, int B, int q, int n) {
        double[] b = new double[B * q];
        for (int i = 0; i < B; i++) {
            int ao = aCopies == 1 ? 0 : i * q * n;
            for (int j = 0; j < q; j++) {
                double s = 0;
                for (int c = 0; c < n; c++) {
                    s += A[ao + j * n + c] * x0[i * n + c];
                }
                b[i * q + j] = s;
            }
        }
        return b;
    }

    @Test
    void everythingPerProblem() {
        int B = 6, n = 10, m = 12, q = 3;
        double[] x0 = gaussian(B * n);
        double[] G = gaussian(B * m * n), A = gaussian(B * q * n);
        QpBatch batch = QpBatch.builder()
                .Q(Datum.batched(B, n, n, spd(B, n, 0.1)))
                .p(Datum.batchedVector(B, n, gaussian(B * n)))
                .G(Datum.batched(B, m, n, G)).h(Datum.batchedVector(B, m, feasibleRhs(G, B, x0, B, m, n)))
                .A(Datum.batched(B, q, n, A)).b(Datum.batchedVector(B, q, equalityRhs(A, B, x0, B, q, n)))
                .build();
        compare(batch, "per problem");
    }

    @Test
    void sharedMatricesPerProblemVectors() {
        int B = 8, n = 9, m = 14, q = 2;
        double[] x0 = gaussian(B * n);
        double[] G = gaussian(m * n), A = gaussian(q * n);
        QpBatch batch = QpBatch.builder()
                .Q(Datum.shared(n, n, spd(1, n, 0.5)))
                .p(Datum.batchedVector(B, n, gaussian(B * n)))
                .G(Datum.shared(m, n, G)).h(Datum.batchedVector(B, m, feasibleRhs(G, 1, x0, B, m, n)))
                .A(Datum.shared(q, n, A)).b(Datum.batchedVector(B, q, equalityRhs(A, 1, x0, B, q, n)))
                .build();
        compare(batch, "shared matrices");
    }

    @Test
    void sudokuLikeLayerAllSharedButP() {
        // OptNet's layer: Q = 0.1·I, G = −I, h = 0, A learned and shared, b = A·z0 shared.
        int B = 5, n = 16, q = 6;
        double[] Q = new double[n * n], G = new double[n * n];
        for (int r = 0; r < n; r++) {
            Q[r * n + r] = 0.1;
            G[r * n + r] = -1;
        }
        double[] A = gaussian(q * n);
        double[] z0 = new double[n];
        for (int c = 0; c < n; c++) {
            z0[c] = rnd.nextDouble();
        }
        double[] b = equalityRhs(A, 1, z0, 1, q, n);
        QpBatch batch = QpBatch.builder()
                .Q(Datum.shared(n, n, Q))
                .p(Datum.batchedVector(B, n, gaussian(B * n)))
                .G(Datum.shared(n, n, G)).h(Datum.sharedVector(new double[n]))
                .A(Datum.shared(q, n, A)).b(Datum.sharedVector(b))
                .build();
        compare(batch, "Sudoku-like");
    }

    @Test
    void linearPrograms() {
        // min pᵀx over a box −1 ≤ x ≤ 1 cut by random half-spaces through an interior point, plus equalities.
        int B = 6, n = 8, extra = 6, m = 2 * n + extra, q = 2;
        double[] x0 = new double[B * n];
        for (int k = 0; k < x0.length; k++) {
            x0[k] = 0.5 * (rnd.nextDouble() - 0.5);
        }
        double[] G = new double[B * m * n], h = new double[B * m];
        for (int i = 0; i < B; i++) {
            for (int r = 0; r < n; r++) {
                G[i * m * n + r * n + r] = 1;
                G[i * m * n + (n + r) * n + r] = -1;
                h[i * m + r] = 1;
                h[i * m + n + r] = 1;
            }
            double[] cut = gaussian(extra * n);
            for (int j = 0; j < extra; j++) {
                double s = 0;
                for (int c = 0; c < n; c++) {
                    G[i * m * n + (2 * n + j) * n + c] = cut[j * n + c];
                    s += cut[j * n + c] * x0[i * n + c];
                }
                h[i * m + 2 * n + j] = s + 0.5 + rnd.nextDouble();
            }
        }
        double[] A = gaussian(B * q * n);
        QpBatch batch = QpBatch.builder()
                .p(Datum.batchedVector(B, n, gaussian(B * n)))
                .G(Datum.batched(B, m, n, G)).h(Datum.batchedVector(B, m, h))
                .A(Datum.batched(B, q, n, A)).b(Datum.batchedVector(B, q, equalityRhs(A, B, x0, B, q, n)))
                .build();
        compare(batch, "LP");
    }

    @Test
    void equalityOnlyAndInequalityOnly() {
        int B = 4, n = 7, q = 3, m = 9;
        double[] x0 = gaussian(B * n);
        double[] A = gaussian(q * n);
        compare(QpBatch.builder()
                .Q(Datum.batched(B, n, n, spd(B, n, 0.2)))
                .p(Datum.batchedVector(B, n, gaussian(B * n)))
                .A(Datum.shared(q, n, A)).b(Datum.batchedVector(B, q, equalityRhs(A, 1, x0, B, q, n)))
                .build(), "equalities only");
        double[] G = gaussian(B * m * n);
        compare(QpBatch.builder()
                .Q(Datum.shared(n, n, spd(1, n, 0.2)))
                .p(Datum.sharedVector(gaussian(n)))
                .G(Datum.batched(B, m, n, G)).h(Datum.batchedVector(B, m, feasibleRhs(G, B, x0, B, m, n)))
                .build(), "inequalities only");
    }

    @Test
    void infeasibleProblemsFailAloneWithTheSameStatus() {
        // x_0 ≤ u and −x_0 ≤ −l: infeasible when l > u. Problems 1 and 3 are infeasible.
        int B = 5, n = 4, m = 2 + n;
        double[] G = new double[m * n];
        G[0] = 1;
        G[n] = -1;
        for (int r = 0; r < n; r++) {
            G[(2 + r) * n + r] = 1; // x_r ≤ 2: bounded
        }
        double[] h = new double[B * m];
        for (int i = 0; i < B; i++) {
            boolean infeasible = i == 1 || i == 3;
            h[i * m] = infeasible ? -1 : 1;
            h[i * m + 1] = infeasible ? -1 : 1;
            for (int r = 0; r < n; r++) {
                h[i * m + 2 + r] = 2;
            }
        }
        QpBatch batch = QpBatch.builder()
                .Q(Datum.shared(n, n, spd(1, n, 0.3)))
                .p(Datum.batchedVector(B, n, gaussian(B * n)))
                .G(Datum.shared(m, n, G)).h(Datum.batchedVector(B, m, h))
                .build();
        QpSolution reference = compare(batch, "mixed feasibility");
        assertEquals(Status.PRIMAL_INFEASIBLE, reference.status(1));
        assertEquals(Status.PRIMAL_INFEASIBLE, reference.status(3));
        assertEquals(Status.SOLVED, reference.status(0));
    }

    /** Solves and differentiates on both backends and compares; returns the reference's solution. */
    private QpSolution compare(QpBatch batch, String what) {
        int B = batch.size(), n = batch.n();
        double[] dlDx = gaussian(B * n);
        QpLayer referenceLayer = new QpLayer(SolverOptions.defaults().withBackend(reference()));
        QpLayer dutLayer = new QpLayer(SolverOptions.defaults().withBackend(backend()));
        try (LayerForward rf = referenceLayer.forward(batch); LayerForward df = dutLayer.forward(batch)) {
            QpSolution r = rf.solution(), d = df.solution();
            boolean anySolved = false;
            for (int i = 0; i < B; i++) {
                assertEquals(r.status(i), d.status(i), what + ": status of problem " + i);
                assertEquals(r.polished(i), d.polished(i), what + ": polished, problem " + i);
                assertEquals(r.degenerate(i), d.degenerate(i), what + ": degenerate, problem " + i);
                if (r.status(i) == Status.SOLVED) {
                    anySolved = true;
                    // Both polished: the same active set's exact solution, so far closer than the tolerance.
                    double tol = r.polished(i) && !r.degenerate(i) ? POLISHED_TOLERANCE : TOLERANCE;
                    assertClose(r.x(i), d.x(i), tol, what + ": x of problem " + i);
                    assertClose(r.lambda(i), d.lambda(i), tol, what + ": λ of problem " + i);
                    assertClose(r.nu(i), d.nu(i), tol, what + ": ν of problem " + i);
                    assertClose(r.objective(i), d.objective(i), TOLERANCE, what + ": objective " + i);
                }
            }
            assertTrue(anySolved, what + ": some problem is solved");
            Gradients gr = rf.backward(dlDx), gd = df.backward(dlDx);
            for (Parameter p : Parameter.values()) {
                assertEquals(gr.has(p), gd.has(p), what + ": d" + p.symbol() + " presence");
                if (!gr.has(p)) {
                    continue;
                }
                Datum a = gr.get(p), b = gd.get(p);
                assertEquals(a.isShared(), b.isShared(), what + ": d" + p.symbol() + " sharing");
                for (int i = 0; i < a.copies(); i++) {
                    if (a.isShared() || r.status(i) == Status.SOLVED) {
                        assertClose(a.problem(i), b.problem(i), TOLERANCE, what + ": d" + p.symbol()
                                + (a.isShared() ? " (batch sum)" : " of problem " + i));
                    }
                }
            }
            return r;
        }
    }
}
