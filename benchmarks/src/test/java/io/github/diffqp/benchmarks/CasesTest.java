package io.github.diffqp.benchmarks;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CasesTest {
    private static final SolverOptions CPU = SolverOptions.defaults().withBackend("cpu");

    @Test
    void randomCasesHaveTheirShapeAndAreFeasible() {
        BenchCase c = Cases.parse("random:3x7x5x2");
        assertShape(c, 3, 7, 5, 2);
        assertEquals("random-b3-n7-m5-q2", c.name());
        for (Datum d : data(c.batch())) {
            assertFalse(d.isShared(), "every datum of a random case is per problem: " + d);
        }
        assertAllSolved(c);
    }

    @Test
    void randomCasesMayHaveNoConstraintsOfAKind() {
        BenchCase noEq = Cases.parse("random:2x4x3x0");
        assertShape(noEq, 2, 4, 3, 0);
        assertNull(noEq.batch().A());
        assertAllSolved(noEq);
        assertThrows(IllegalArgumentException.class, () -> Cases.parse("random:2x4x3x5"), "q > n");
    }

    @Test
    void sudokuCaseHasTheLayersShapeAndSharedData() {
        BenchCase c = Cases.parse("sudoku:3");
        assertShape(c, 3, Cases.SUDOKU_N, Cases.SUDOKU_N, Cases.SUDOKU_Q);
        QpBatch b = c.batch();
        assertTrue(b.Q().isShared() && b.G().isShared() && b.h().isShared() && b.A().isShared() && b.b().isShared());
        assertFalse(b.p().isShared(), "p changes per puzzle");
        int n = c.n();
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < n; k++) {
                assertEquals(r == k ? 0.1 : 0, b.Q().get(0, r, k), "Q = 0.1·I");
                assertEquals(r == k ? -1 : 0, b.G().get(0, r, k), "G = −I");
            }
            assertEquals(0, b.h().get(0, r, 0), "h = 0");
        }
        // A positive and b = A·1: x = 1 is strictly feasible (G·1 = −1 < 0 = h).
        for (int j = 0; j < c.q(); j++) {
            double row = 0;
            for (int k = 0; k < n; k++) {
                assertTrue(b.A().get(0, j, k) >= 0);
                row += b.A().get(0, j, k);
            }
            assertEquals(row, b.b().get(0, j, 0), 1e-12);
        }
        // p is −(one-hot clues): entries 0 or −1, at most one −1 per cell.
        for (int i = 0; i < c.size(); i++) {
            for (int cell = 0; cell < n / 4; cell++) {
                int clues = 0;
                for (int d = 0; d < 4; d++) {
                    double v = b.p().get(i, cell * 4 + d, 0);
                    assertTrue(v == 0 || v == -1, "p entry " + v);
                    clues += v == -1 ? 1 : 0;
                }
                assertTrue(clues <= 1);
            }
        }
        assertAllSolved(c);
    }

    @Test
    void optnetCaseIsThePapersWorkload() {
        BenchCase c = Cases.parse("optnet:2");
        assertShape(c, 2, Cases.OPTNET_N, Cases.OPTNET_N, 0);
        QpBatch b = c.batch();
        assertNull(b.A(), "no equalities");
        for (Datum d : data(b)) {
            assertFalse(d.isShared(), "every datum per problem: " + d);
        }
        // Q = UᵀU + 1e-3·I: symmetric, with the ridge on a diagonal that dominates it.
        for (int r = 0; r < c.n(); r++) {
            assertTrue(b.Q().get(1, r, r) >= 1e-3);
            for (int k = 0; k < c.n(); k++) {
                assertEquals(b.Q().get(1, r, k), b.Q().get(1, k, r));
            }
        }
        assertAllSolved(c);
    }

    @Test
    void casesAreReproducibleAndSeedDependent() {
        BenchCase a = Cases.parse("random:2x5x4x1", 3), b = Cases.parse("random:2x5x4x1", 3);
        assertArrayEquals(a.batch().Q().values(), b.batch().Q().values());
        assertArrayEquals(a.dlDx(), b.dlDx());
        BenchCase c = Cases.parse("random:2x5x4x1", 4);
        assertFalse(java.util.Arrays.equals(a.batch().p().values(), c.batch().p().values()));
    }

    @Test
    void everySetParsesAndTheQuickSetHasTheOptnetWorkload() {
        for (String set : Cases.SETS) {
            for (String spec : Cases.specs(set)) {
                assertTrue(spec.matches("(random:\\d+x\\d+x\\d+x\\d+)|(sudoku:\\d+)|(optnet:\\d+)"), spec);
            }
        }
        List<String> quick = Cases.specs("quick");
        assertTrue(quick.contains("optnet:1") && quick.contains("optnet:64"), quick.toString());
        List<String> full = Cases.specs("full");
        assertTrue(full.contains("optnet:1") && full.contains("optnet:64") && full.contains("optnet:128"), full.toString());
        assertEquals(2, Cases.set("tiny").size());
    }

    @Test
    void badSpecsAreRefusedNamingTheForms() {
        for (String bad : new String[] {"", "random:1x2x3", "sudoku", "sudoku:0", "optnet:-1", "lp:3",
                "random:99999999999x1x1x1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cases.parse(bad), bad);
            assertTrue(e.getMessage().contains("bad case"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cases.specs("huge"));
        assertTrue(e.getMessage().contains("tiny"), e.getMessage());
    }

    private static void assertShape(BenchCase c, int B, int n, int m, int q) {
        assertEquals(B, c.size());
        assertEquals(n, c.n());
        assertEquals(m, c.m());
        assertEquals(q, c.q());
        assertEquals(B * n, c.dlDx().length);
        assertEquals(B, c.problems().size());
    }

    private static void assertAllSolved(BenchCase c) {
        QpSolution s = QpSolver.solve(c.batch(), CPU);
        for (int i = 0; i < c.size(); i++) {
            assertEquals(io.github.diffqp.solver.Status.SOLVED, s.status(i), c.name() + " problem " + i);
        }
    }

    private static List<Datum> data(QpBatch b) {
        return java.util.stream.Stream.of(b.Q(), b.p(), b.G(), b.h(), b.A(), b.b())
                .filter(java.util.Objects::nonNull).toList();
    }
}
