package io.github.diffqp.benchmarks;

import io.github.diffqp.backward.Parameter;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.SolverOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonTest {
    /** One run per row, no warm-up: these tests check what is compared, not how fast. */
    private static final Comparison.Settings FAST = Comparison.Settings.quick()
            .withTiming(new Timer.Settings(0, 1, 0, 0.01)).withBackends(List.of("cpu"));

    @Test
    void diffqpAndOjalgoAgreeOnTheSameProblems() {
        List<String> progress = new ArrayList<>();
        List<Row> rows = new Comparison(FAST).run(List.of(Cases.parse("random:3x6x5x2")), progress::add);
        assertEquals(2, rows.size());
        assertEquals(2, progress.size(), "one progress line per row");
        Row diffqp = rows.get(0), oj = rows.get(1);
        assertEquals(Comparison.DIFFQP, diffqp.solver());
        assertEquals("cpu", diffqp.backend());
        assertEquals(3, diffqp.solved());
        assertEquals(1, diffqp.ratioToDiffqp());
        assertTrue(Double.isNaN(diffqp.maxAbsDx()), "the reference has no difference to itself");
        assertTrue(diffqp.maxRelDgrad() < 1e-3, "gradients agree with finite differences: " + diffqp.maxRelDgrad());
        assertTrue(diffqp.backwardSeconds() >= 0);

        assertEquals(Comparison.OJALGO, oj.solver());
        assertEquals(3, oj.solved());
        assertEquals(3, oj.problemsTimed());
        assertTrue(oj.maxAbsDx() < 1e-5, "x agrees: " + oj.maxAbsDx());
        assertTrue(Double.isNaN(oj.maxRelDgrad()) && Double.isNaN(oj.backwardSeconds()), "ojAlgo has no gradients");
        assertEquals(oj.secondsPerBatch() / diffqp.secondsPerBatch(), oj.ratioToDiffqp(), 1e-12);
    }

    @Test
    void ojalgoAboveItsCapSolvesTheFirstProblemsAndIsScaled() {
        List<Row> rows = new Comparison(FAST.withOjalgoMax(2).withGradientCheck(false))
                .run(List.of(Cases.parse("random:5x4x3x1")), line -> { });
        Row diffqp = rows.get(0), oj = rows.get(1);
        assertTrue(Double.isNaN(diffqp.maxRelDgrad()), "no gradient check asked for");
        assertEquals(2, oj.problemsTimed());
        assertEquals(2, oj.solved());
        assertEquals(5, oj.batch());
        assertTrue(oj.maxAbsDx() < 1e-5, "x agrees on the problems solved: " + oj.maxAbsDx());
    }

    @Test
    void withoutOjalgoOnlyDiffqpRows() {
        List<Row> rows = new Comparison(FAST.withOjalgo(false).withGradientCheck(false))
                .run(List.of(Cases.parse("random:2x4x3x1"), Cases.parse("random:1x3x2x0")), line -> { });
        assertEquals(2, rows.size());
        assertTrue(rows.stream().allMatch(r -> r.solver().equals(Comparison.DIFFQP)));
    }

    @Test
    void directionalCheckPassesOnSharedAndPerProblemData() {
        BenchCase sudoku = Cases.parse("sudoku:2");
        DirectionalCheck.Result r = DirectionalCheck.run(sudoku.batch(), sudoku.dlDx(),
                SolverOptions.defaults().withBackend("cpu"), 2, 1);
        assertEquals(2, r.problems());
        assertEquals(6, r.relative().size(), "all six data checked: " + r.relative());
        assertTrue(r.worst() < 1e-3, r.relative().toString());
        assertTrue(r.relative().containsKey(Parameter.A));
    }

    @Test
    void sliceKeepsSharedDataShared() {
        QpBatch batch = Cases.parse("sudoku:3").batch();
        QpBatch one = DirectionalCheck.slice(batch, 1, 1);
        assertEquals(1, one.size());
        assertSame(batch.A(), one.A(), "shared data are not copied");
        assertEquals(batch.p().get(1, 5, 0), one.p().get(0, 5, 0));
    }
}
