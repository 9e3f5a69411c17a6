package io.github.diffqp.backward;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackwardTest {
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(1e-12).withMaxIterations(200);

    /**
     * A batch with half its inequalities strictly active and half clearly inactive at the optimum, by
     * construction: pick x*, λ*; active rows plus equalities never exceed n, so the multipliers are
     * unique; set h = Gx* + s* with s* = 0 on active rows and s* ≥ 0.5 elsewhere, and
     * p = −(Qx* + Gᵀλ* + Aᵀν*). Shared data are one copy; per-problem data differ by problem.
     */
    static QpBatch mixedBatch(Random rnd, int B, int n, int m, int q, boolean shareMatrices) {
        int copies = shareMatrices ? 1 : B;
        double[] Q = new double[copies * n * n], G = gaussian(rnd, copies * m * n), A = gaussian(rnd, copies * q * n);
        for (int c = 0; c < copies; c++) {
            double[] M = gaussian(rnd, n * n);
            for (int r = 0; r < n; r++) {
                for (int k = 0; k < n; k++) {
                    double s = r == k ? 0.5 : 0;
                    for (int t = 0; t < n; t++) {
                        s += M[t * n + r] * M[t * n + k] / n;
                    }
                    Q[c * n * n + r * n + k] = s;
                }
            }
        }
        double[] p = new double[B * n], h = new double[B * m], b = new double[B * q];
        for (int i = 0; i < B; i++) {
            int o = shareMatrices ? 0 : i;
            double[] x = gaussian(rnd, n), nu = gaussian(rnd, q), lambda = new double[m];
            for (int j = 0; j < m; j += 2) {
                lambda[j] = 0.5 + rnd.nextDouble(); // λ* > 0 on the active (even) rows only
            }
            for (int j = 0; j < m; j++) {
                double gx = 0;
                for (int k = 0; k < n; k++) {
                    gx += G[o * m * n + j * n + k] * x[k];
                }
                h[i * m + j] = gx + (j % 2 == 0 ? 0 : 0.5 + rnd.nextDouble());
            }
            for (int j = 0; j < q; j++) {
                for (int k = 0; k < n; k++) {
                    b[i * q + j] += A[o * q * n + j * n + k] * x[k];
                }
            }
            for (int r = 0; r < n; r++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += Q[o * n * n + r * n + k] * x[k];
                }
                for (int j = 0; j < m; j++) {
                    s += G[o * m * n + j * n + r] * lambda[j];
                }
                for (int j = 0; j < q; j++) {
                    s += A[o * q * n + j * n + r] * nu[j];
                }
                p[i * n + r] = -s;
            }
        }
        QpBatch.Builder bl = QpBatch.builder().size(B).p(Datum.batchedVector(B, n, p));
        if (shareMatrices) {
            bl.Q(Datum.shared(n, n, Q)).G(Datum.shared(m, n, G)).A(Datum.shared(q, n, A))
                    .h(Datum.batchedVector(B, m, h)).b(Datum.batchedVector(B, q, b));
        } else {
            bl.Q(Datum.batched(B, n, n, Q)).G(Datum.batched(B, m, n, G)).A(Datum.batched(B, q, n, A))
                    .h(Datum.batchedVector(B, m, h)).b(Datum.batchedVector(B, q, b));
        }
        return bl.build();
    }

    static double[] gaussian(Random rnd, int count) {
        double[] v = new double[count];
        for (int k = 0; k < count; k++) {
            v[k] = rnd.nextGaussian();
        }
        return v;
    }

    @Test
    void finiteDifferencesAgreeOnBatchedData() {
        Random rnd = new Random(21);
        QpBatch batch = mixedBatch(rnd, 3, 6, 6, 2, false);
        GradientCheck.Report report = GradientCheck.run(batch, gaussian(rnd, 18), TIGHT, 1e-6);
        assertEquals(6, report.relativeError().size());
        System.out.println(report);
        assertTrue(report.worst() < 1e-6, report.toString());
    }

    @Test
    void finiteDifferencesAgreeOnSharedData() {
        Random rnd = new Random(22);
        QpBatch batch = mixedBatch(rnd, 4, 7, 8, 2, true);
        GradientCheck.Report report = GradientCheck.run(batch, gaussian(rnd, 28), TIGHT, 1e-6);
        System.out.println(report);
        assertTrue(report.worst() < 1e-6, report.toString());
    }

    @Test
    void equalityOnlyMatchesTheClosedFormJacobian() {
        // x* and ν* are linear in (p, b): M·[x; ν] = [−p; b], M = [Q Aᵀ; A 0] symmetric, so with
        // v = M⁻¹·[g; 0]: ∂ℓ/∂p = −v_x and ∂ℓ/∂b = v_ν.
        Random rnd = new Random(23);
        int n = 6, q = 2;
        QpBatch batch = mixedBatch(rnd, 1, n, 0, q, true);
        double[] g = gaussian(rnd, n);
        DMatrixRMaj M = new DMatrixRMaj(n + q, n + q);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                M.set(r, c, batch.Q().get(0, r, c));
            }
            for (int j = 0; j < q; j++) {
                M.set(n + j, r, batch.A().get(0, j, r));
                M.set(r, n + j, batch.A().get(0, j, r));
            }
        }
        DMatrixRMaj rhs = new DMatrixRMaj(n + q, 1), v = new DMatrixRMaj(n + q, 1);
        System.arraycopy(g, 0, rhs.data, 0, n);
        CommonOps_DDRM.solve(M, rhs, v);
        try (LayerForward f = new QpLayer().forward(batch)) {
            Gradients grads = f.backward(g);
            for (int r = 0; r < n; r++) {
                assertEquals(-v.get(r), grads.get(Parameter.P).values()[r], 1e-10);
            }
            for (int j = 0; j < q; j++) {
                assertEquals(v.get(n + j), grads.get(Parameter.B).values()[j], 1e-10);
            }
        }
    }

    @Test
    void jvpAndVjpAgree() {
        // ⟨g, J·u⟩ computed forward equals Σ ⟨∂ℓ/∂θ, u_θ⟩ computed backward, for random g and u.
        Random rnd = new Random(24);
        int B = 3, n = 5, m = 6, q = 2;
        QpBatch batch = mixedBatch(rnd, B, n, m, q, false);
        double[] g = gaussian(rnd, B * n);
        double[] uQ = gaussian(rnd, B * n * n);
        for (int i = 0; i < B; i++) {
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < r; c++) {
                    uQ[i * n * n + c * n + r] = uQ[i * n * n + r * n + c];
                }
            }
        }
        Datum dQ = Datum.batched(B, n, n, uQ), dp = Datum.batchedVector(B, n, gaussian(rnd, B * n));
        Datum dG = Datum.shared(m, n, gaussian(rnd, m * n)), dh = Datum.batchedVector(B, m, gaussian(rnd, B * m));
        Datum dA = Datum.batched(B, q, n, gaussian(rnd, B * q * n)), db = Datum.sharedVector(gaussian(rnd, q));
        try (LayerForward f = new QpLayer().forward(batch)) {
            double[] dx = f.jvp(dQ, dp, dG, dh, dA, db);
            double forward = 0;
            for (int k = 0; k < dx.length; k++) {
                forward += g[k] * dx[k];
            }
            Gradients grads = f.backward(g);
            double backward = inner(grads.get(Parameter.Q), dQ) + inner(grads.get(Parameter.P), dp)
                    + inner(grads.get(Parameter.G), dG) + inner(grads.get(Parameter.H), dh)
                    + inner(grads.get(Parameter.A), dA) + inner(grads.get(Parameter.B), db);
            assertEquals(forward, backward, 1e-8 * (1 + Math.abs(forward)));
        }
    }

    /** Σᵢ ⟨gradᵢ, uᵢ⟩ over the batch, broadcasting a shared operand. */
    private static double inner(Datum grad, Datum u) {
        int B = Math.max(grad.copies(), u.copies());
        double s = 0;
        for (int i = 0; i < B; i++) {
            for (int k = 0; k < grad.stride(); k++) {
                s += grad.values()[grad.offset(Math.min(i, grad.copies() - 1)) + k]
                        * u.values()[u.offset(Math.min(i, u.copies() - 1)) + k];
            }
        }
        return s;
    }

    @Test
    void sharedGradientIsTheSumOverTheBatch() {
        Random rnd = new Random(25);
        int B = 4, n = 5, m = 6, q = 2;
        QpBatch shared = mixedBatch(rnd, B, n, m, q, true);
        QpBatch copied = QpBatch.builder()
                .Q(Datum.batched(B, n, n, repeat(shared.Q().values(), B)))
                .p(shared.p()).G(Datum.batched(B, m, n, repeat(shared.G().values(), B))).h(shared.h())
                .A(Datum.batched(B, q, n, repeat(shared.A().values(), B))).b(shared.b()).build();
        double[] g = gaussian(rnd, B * n);
        try (LayerForward fs = new QpLayer().forward(shared); LayerForward fc = new QpLayer().forward(copied)) {
            Gradients gs = fs.backward(g), gc = fc.backward(g);
            for (Parameter p : new Parameter[] {Parameter.Q, Parameter.G, Parameter.A}) {
                Datum sum = gs.get(p), each = gc.get(p);
                assertTrue(sum.isShared());
                assertFalse(each.isShared());
                for (int k = 0; k < sum.stride(); k++) {
                    double total = 0;
                    for (int i = 0; i < B; i++) {
                        total += each.values()[i * each.stride() + k];
                    }
                    assertEquals(total, sum.values()[k], 1e-9 * (1 + Math.abs(total)), p.symbol() + "[" + k + "]");
                }
            }
        }
    }

    private static double[] repeat(double[] v, int times) {
        double[] out = new double[v.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(v, 0, out, i * v.length, v.length);
        }
        return out;
    }

    @Test
    void jvpRefusesMisshapenDirections() {
        QpBatch batch = mixedBatch(new Random(28), 2, 4, 4, 0, true);
        try (LayerForward f = new QpLayer().forward(batch)) {
            IllegalArgumentException wrongShape = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class,
                    () -> f.jvp(null, Datum.sharedVector(new double[3]), null, null, null, null));
            assertEquals("dp: shape is 3×1, expected 4×1 like p", wrongShape.getMessage());
            IllegalArgumentException wrongBatch = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class,
                    () -> f.jvp(null, Datum.batchedVector(3, 4, new double[12]), null, null, null, null));
            assertEquals("dp: holds 3 problems, the batch 2", wrongBatch.getMessage());
            IllegalArgumentException absent = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class,
                    () -> f.jvp(null, null, null, null, null, Datum.sharedVector(new double[1])));
            assertEquals("db: shape is 1×1, expected 0×1 like b", absent.getMessage());
        }
    }

    @Test
    void onlyTheRequestedGradientsAreComputed() {
        QpBatch batch = mixedBatch(new Random(26), 2, 4, 4, 1, true);
        try (LayerForward f = new QpLayer().forward(batch)) {
            Gradients g = f.backward(new double[8], Parameter.A);
            assertTrue(g.has(Parameter.A));
            assertNull(g.get(Parameter.Q));
            assertNull(g.get(Parameter.P));
        }
    }

    @Test
    void anInfeasibleProblemGetsZeroFlaggedGradientsAndTheOthersAreUntouched() {
        Random rnd = new Random(27);
        int B = 3, n = 4, m = 4;
        QpBatch good = mixedBatch(rnd, B, n, m, 0, true);
        double[] h = good.h().values().clone();
        // Problem 1: rows 0 and 1 of G set to g and −g with g·x ≤ −1 and −g·x ≤ −1.
        double[] G = new double[B * m * n];
        for (int i = 0; i < B; i++) {
            System.arraycopy(good.G().values(), 0, G, i * m * n, m * n);
        }
        for (int k = 0; k < n; k++) {
            G[m * n + n + k] = -G[m * n + k];
        }
        h[m] = -1;
        h[m + 1] = -1;
        QpBatch mixed = QpBatch.builder().Q(good.Q()).p(good.p()).G(Datum.batched(B, m, n, G))
                .h(Datum.batchedVector(B, m, h)).build();
        double[] g = gaussian(rnd, B * n);
        try (LayerForward f = new QpLayer().forward(mixed); LayerForward ref = new QpLayer().forward(good)) {
            Gradients grads = f.backward(g), expected = ref.backward(g);
            assertEquals(Status.PRIMAL_INFEASIBLE, grads.status(1));
            double[] dp = grads.get(Parameter.P).values(), dpRef = expected.get(Parameter.P).values();
            for (int k = 0; k < n; k++) {
                assertEquals(0, dp[n + k]);
                assertEquals(dpRef[k], dp[k], 1e-9);
                assertEquals(dpRef[2 * n + k], dp[2 * n + k], 1e-9);
            }
            for (double v : grads.get(Parameter.G).values()) {
                assertTrue(Double.isFinite(v));
            }
        }
    }

    /**
     * min ½x² − 1e10·x: x* = 1e10, and for dl/dx = 1e308 the gradient dQ = ½·2·d_x·x* overflows. It is refused,
     * naming the datum and the problem, instead of handed on as ∞ (the solution file used to get "NaN").
     */
    @Test
    void overflowingGradientsAreRefused() {
        QpBatch batch = QpBatch.builder().Q(Datum.shared(1, 1, new double[] {1}))
                .p(Datum.batchedVector(2, 1, new double[] {-1, -1e10})).build();
        try (LayerForward f = new QpLayer().forward(batch)) {
            assertEquals(1e10, f.solution().x(1)[0], 1e-2);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> f.backward(new double[] {1, 1e308}));
            assertTrue(e.getMessage().startsWith("dQ (summed over the batch) is "), e.getMessage());
            assertTrue(f.backward(new double[] {1, 1e308}, Parameter.P).get(Parameter.P).values()[1] < -1e307,
                    "dp = d_x itself is finite");
        }
        QpBatch perProblemQ = QpBatch.builder().Q(Datum.batched(2, 1, 1, new double[] {1, 1}))
                .p(Datum.batchedVector(2, 1, new double[] {-1, -1e10})).build();
        try (LayerForward f = new QpLayer().forward(perProblemQ)) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> f.backward(new double[] {1, 1e308}));
            assertTrue(e.getMessage().startsWith("dQ of problem 1 is "), e.getMessage());
        }
    }
}
