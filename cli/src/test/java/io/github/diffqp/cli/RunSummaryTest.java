package io.github.diffqp.cli;

import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunSummaryTest {

    @Test
    void statusesCountSolvedFirstThenTheRest() {
        assertEquals("solved 3/3", RunSummary.statuses(new Status[] {Status.SOLVED, Status.SOLVED, Status.SOLVED}));
        assertEquals("solved 1/4, max_iterations 2, primal_infeasible 1", RunSummary.statuses(new Status[] {
                Status.MAX_ITERATIONS, Status.SOLVED, Status.PRIMAL_INFEASIBLE, Status.MAX_ITERATIONS}));
    }

    @Test
    void iterationsGiveMinMedianMax() {
        assertEquals("min 3, median 7, max 9", RunSummary.iterations(new int[] {9, 3, 7}));
        assertEquals("min 2, median 5, max 6", RunSummary.iterations(new int[] {6, 2, 4, 6}));
        assertEquals("min 1, median 2.5, max 9", RunSummary.iterations(new int[] {1, 2, 3, 9}));
    }

    @Test
    void durationsInMillisecondsOrSeconds() {
        assertEquals("12.3 ms", RunSummary.duration(12_345_678));
        assertEquals("2.50 s", RunSummary.duration(2_500_000_000L));
    }
}
