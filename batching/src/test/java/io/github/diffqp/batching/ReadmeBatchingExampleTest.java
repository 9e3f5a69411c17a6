package io.github.diffqp.batching;

import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static io.github.diffqp.testing.Agreement.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's batching example, run as written. */
class ReadmeBatchingExampleTest {
    @Test
    void readmeBatchingExampleRuns() throws Exception {
        Random rnd = new Random(51);
        List<QpProblem> problems = List.of(TestProblems.feasible(rnd, new Shape(3, 4, 1)),
                TestProblems.feasible(rnd, new Shape(5, 0, 2)));
        QpProblem problem = problems.get(0), other = problems.get(1);

        List<QpSolution> solutions = new Packer(CostModel.forBackend("cpu")).solve(problems, SolverOptions.defaults());

        QpSolution s;
        Optional<CompletableFuture<QpSolution>> g;
        try (MicroBatcher batcher = MicroBatcher.builder().maxBatchSize(64).queueCapacity(1024).build()) {
            CompletableFuture<QpSolution> f = batcher.submit(problem);
            g = batcher.trySubmit(other);
            s = f.join();
        }

        assertEquals(2, solutions.size());
        assertEquals(5, solutions.get(1).n());
        assertEquals(Status.SOLVED, s.status(0));
        assertEquals(1, s.size());
        assertEquals(4, s.m());
        assertTrue(g.isPresent() && g.get().isDone());
        assertClose(QpSolver.solve(problem.asBatch()).x(0), s.x(0), 1e-6, "x");
    }
}
