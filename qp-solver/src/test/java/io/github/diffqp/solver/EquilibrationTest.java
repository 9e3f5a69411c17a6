package io.github.diffqp.solver;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ruiz equilibration: it equilibrates, keeps shared data shared, and depends on a problem's own matrices only. */
class EquilibrationTest {

    /** A problem whose rows and columns span ten orders of magnitude. */
    private static QpProblem badlyScaled(Random rnd, int n, int m, int q) {
        double[] colScale = new double[n];
        for (int j = 0; j < n; j++) {
            colScale[j] = Math.pow(10, rnd.nextInt(11) - 5);
        }
        double[] Q = new double[n * n];
        for (int i = 0; i < n; i++) {
            Q[i * n + i] = colScale[i] * colScale[i];
        }
        double[] G = new double[m * n], A = new double[q * n];
        for (int r = 0; r < m; r++) {
            double rowScale = Math.pow(10, rnd.nextInt(7) - 3);
            for (int j = 0; j < n; j++) {
                G[r * n + j] = rowScale * colScale[j] * rnd.nextGaussian();
            }
        }
        for (int r = 0; r < q; r++) {
            for (int j = 0; j < n; j++) {
                A[r * n + j] = colScale[j] * rnd.nextGaussian();
            }
        }
        return new QpProblem(n, Q, new double[n], G, new double[m], A, new double[q], 0);
    }

    @Test
    void rowsAndColumnsOfTheScaledKktMatrixHaveNormNearOne() {
        QpProblem pr = badlyScaled(new Random(1), 6, 5, 2);
        QpBatch batch = pr.asBatch();
        Equilibration eq = Equilibration.of(batch);
        double[] Q = eq.scaleQ(batch.Q()).values(), G = eq.scaleG(batch.G()).values(), A = eq.scaleA(batch.A()).values();
        int n = 6;
        for (int j = 0; j < n; j++) {
            double col = 0;
            for (int i = 0; i < n; i++) {
                col = Math.max(col, Math.abs(Q[i * n + j]));
            }
            for (int r = 0; r < 5; r++) {
                col = Math.max(col, Math.abs(G[r * n + j]));
            }
            for (int r = 0; r < 2; r++) {
                col = Math.max(col, Math.abs(A[r * n + j]));
            }
            assertEquals(1, col, 0.05, "column " + j);
        }
        for (int r = 0; r < 5; r++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                row = Math.max(row, Math.abs(G[r * n + j]));
            }
            assertEquals(1, row, 0.05, "row " + r + " of G");
        }
    }

    @Test
    void sharedMatricesStayShared() {
        QpProblem pr = badlyScaled(new Random(2), 4, 3, 1);
        QpBatch batch = QpBatch.builder().Q(Datum.shared(4, 4, pr.Q())).p(Datum.batchedVector(3, 4, new double[12]))
                .G(Datum.shared(3, 4, pr.G())).h(Datum.batchedVector(3, 3, new double[9]))
                .A(Datum.shared(1, 4, pr.A())).b(Datum.sharedVector(new double[1])).build();
        Equilibration eq = Equilibration.of(batch);
        assertTrue(eq.scaleQ(batch.Q()).isShared());
        assertTrue(eq.scaleG(batch.G()).isShared());
        assertTrue(eq.scaleA(batch.A()).isShared());
        assertTrue(eq.scaleB(batch.b()).isShared());
        assertFalse(eq.scaleP(batch.p()).isShared());
    }

    @Test
    void aProblemScalesAloneAsInAnyBatch() {
        Random rnd = new Random(3);
        QpProblem a = badlyScaled(rnd, 5, 4, 2), b = badlyScaled(rnd, 5, 4, 2);
        QpBatch both = QpBatch.stack(List.of(a, b));
        Equilibration together = Equilibration.of(both);
        Equilibration alone = Equilibration.of(b.asBatch());
        assertArrayEquals(alone.scaleG(b.asBatch().G()).values(), together.scaleG(both.G()).problem(1));
        assertArrayEquals(alone.scaleQ(b.asBatch().Q()).values(), together.scaleQ(both.Q()).problem(1));
        assertArrayEquals(alone.scaleA(b.asBatch().A()).values(), together.scaleA(both.A()).problem(1));
    }

    @Test
    void aSharedMatrixBecomesPerProblemOnlyWhenTheFactorsDiffer() {
        Random rnd = new Random(4);
        QpProblem a = badlyScaled(rnd, 4, 3, 0), b = badlyScaled(rnd, 4, 3, 0);
        Datum Q = Datum.shared(4, 4, a.Q()), h = Datum.sharedVector(new double[3]);
        Datum p = Datum.sharedVector(new double[4]);
        double[] same = new double[24], different = new double[24];
        System.arraycopy(a.G(), 0, same, 0, 12);
        System.arraycopy(a.G(), 0, same, 12, 12);
        System.arraycopy(a.G(), 0, different, 0, 12);
        System.arraycopy(b.G(), 0, different, 12, 12);

        QpBatch copies = QpBatch.builder().Q(Q).p(p).G(Datum.batched(2, 3, 4, same)).h(h).build();
        assertTrue(Equilibration.of(copies).scaleQ(Q).isShared());
        QpBatch mixed = QpBatch.builder().Q(Q).p(p).G(Datum.batched(2, 3, 4, different)).h(h).build();
        Datum scaled = Equilibration.of(mixed).scaleQ(Q);
        assertFalse(scaled.isShared());
        assertEquals(2, scaled.batchSize());
        // An LP's shared zero Q scales to itself, whatever the factors.
        QpBatch lp = QpBatch.builder().p(p).G(Datum.batched(2, 3, 4, different)).h(h).build();
        assertSame(lp.Q(), Equilibration.of(lp).scaleQ(lp.Q()));
    }
}
