package io.github.diffqp.batching;

import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 8 threads × 250 requests of mixed shapes (some infeasible) through one micro-batcher, each answer
 * checked against solving its problem alone: nothing lost, nothing completed twice, nothing mixed up.
 */
@Timeout(120)
class MicroBatcherLoadTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 250;
    private static final int TOTAL = THREADS * PER_THREAD;
    /** See PaddingTest: at this tolerance padded and unpadded answers agree ten times better than 1e-8. */
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(1e-11);
    private static final List<Shape> SHAPES = List.of(new Shape(3, 4, 1), new Shape(3, 6, 1), new Shape(4, 6, 0),
            new Shape(5, 8, 2), new Shape(6, 0, 2), new Shape(2, 3, 0));

    private static List<QpProblem> problems;
    private static List<QpSolution> direct;
    private static int infeasible;

    @BeforeAll
    static void problemsAndTheirDirectSolutions() {
        Random rnd = new Random(41);
        problems = new ArrayList<>(TOTAL);
        direct = new ArrayList<>(TOTAL);
        for (int id = 0; id < TOTAL; id++) {
            Shape s = SHAPES.get(rnd.nextInt(SHAPES.size()));
            QpProblem p = s.m() >= 2 && rnd.nextInt(10) == 0 ? TestProblems.infeasible(rnd, s) : TestProblems.feasible(rnd, s);
            problems.add(p);
            direct.add(QpSolver.solve(p.asBatch(), TIGHT));
        }
        infeasible = (int) direct.stream().filter(s -> s.status(0) == Status.PRIMAL_INFEASIBLE).count();
        assertTrue(infeasible > 50, "some problems are infeasible: " + infeasible);
        assertEquals(TOTAL - infeasible, direct.stream().filter(s -> s.status(0) == Status.SOLVED).count());
    }

    /** The CPU's own cost model (padding where groups are large and similar) and a launch-bound one (padding a lot). */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "accelerator"})
    void everyAnswerMatchesADirectSolveAndIsDeliveredExactlyOnce(String model) throws Exception {
        CostModel cost = model.equals("cpu") ? CostModel.cpu() : CostModel.accelerator();
        AtomicIntegerArray completions = new AtomicIntegerArray(TOTAL);
        List<CompletableFuture<QpSolution>> futures = new ArrayList<>(TOTAL);
        for (int id = 0; id < TOTAL; id++) {
            futures.add(null);
        }
        ExecutorService clients = Executors.newFixedThreadPool(THREADS);
        MicroBatcher batcher = MicroBatcher.builder().options(TIGHT).costModel(cost).maxBatchSize(64)
                .maxWait(Duration.ofMillis(2)).queueCapacity(64).build();
        try (batcher) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(clients.submit(() -> {
                    for (int k = 0; k < PER_THREAD; k++) {
                        int id = thread * PER_THREAD + k;
                        CompletableFuture<QpSolution> f = k % 2 == 0 ? batcher.submit(problems.get(id))
                                : trySubmitUntilAccepted(batcher, problems.get(id));
                        f.whenComplete((s, e) -> completions.incrementAndGet(id));
                        futures.set(id, f);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            clients.shutdown();
        }
        // close() has returned: every accepted request is complete.
        MicroBatcher.Stats stats = batcher.stats();
        assertEquals(TOTAL, stats.accepted());
        assertEquals(TOTAL, stats.completed());
        assertTrue(stats.batches() < TOTAL / 4, "requests share batches: " + stats);
        assertTrue(model.equals("cpu") || stats.paddedProblems() > TOTAL / 4, "the launch-bound model pads: " + stats);
        for (int id = 0; id < TOTAL; id++) {
            CompletableFuture<QpSolution> f = futures.get(id);
            assertTrue(f.isDone(), "request " + id + " complete after close");
            assertEquals(1, completions.get(id), "request " + id + " completed once");
            TestProblems.assertAgree(direct.get(id), f.get(), 1e-8, "request " + id);
        }
        System.out.println("load test, " + model + " cost model: " + stats);
    }

    private static CompletableFuture<QpSolution> trySubmitUntilAccepted(MicroBatcher batcher, QpProblem p) {
        while (true) {
            Optional<CompletableFuture<QpSolution>> f = batcher.trySubmit(p);
            if (f.isPresent()) {
                return f.get();
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
