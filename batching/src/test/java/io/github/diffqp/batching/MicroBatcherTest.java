package io.github.diffqp.batching;

import io.github.diffqp.solver.InvalidProblemException;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The micro-batcher's contract, one behaviour at a time; {@link MicroBatcherLoadTest} puts it under load. */
@Timeout(30)
class MicroBatcherTest {
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(1e-11);
    private final Random rnd = new Random(31);

    private QpProblem problem(int n, int m, int q) {
        return TestProblems.feasible(rnd, new Shape(n, m, q));
    }

    @Test
    void solvesEachRequestInItsOwnShape() throws Exception {
        List<QpProblem> problems = List.of(problem(3, 4, 1), problem(3, 6, 1), problem(5, 0, 2), problem(2, 3, 0));
        List<CompletableFuture<QpSolution>> futures = new ArrayList<>();
        try (MicroBatcher batcher = MicroBatcher.builder().options(TIGHT).costModel(CostModel.accelerator())
                .maxWait(Duration.ofMillis(50)).build()) {
            for (QpProblem p : problems) {
                futures.add(batcher.submit(p));
            }
        }
        for (int i = 0; i < problems.size(); i++) {
            TestProblems.assertAgree(QpSolver.solve(problems.get(i).asBatch(), TIGHT), futures.get(i).get(), 1e-8,
                    "problem " + i);
        }
    }

    @Test
    void requestsArrivingTogetherShareABatch() throws Exception {
        GatedSolver solver = new GatedSolver();
        try (MicroBatcher batcher = MicroBatcher.builder().maxBatchSize(8).maxWait(Duration.ZERO).solver(solver).build()) {
            batcher.submit(problem(3, 4, 1)); // taken at once; the solver then holds it
            solver.awaitEntered();
            List<CompletableFuture<QpSolution>> rest = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                rest.add(batcher.submit(problem(3, 4, 1))); // queue up behind the busy solver
            }
            solver.release();
            CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).get();
            assertEquals(2, batcher.stats().batches());
        }
        assertEquals(List.of(1, 8), solver.sizes);
    }

    @Test
    void anInvalidProblemFailsItsOwnFutureAndNeverReachesABatch() throws Exception {
        AtomicInteger solved = new AtomicInteger();
        Function<QpBatch, QpSolution> solver = batch -> {
            solved.addAndGet(batch.size());
            return QpSolver.solve(batch);
        };
        QpProblem asymmetric = new QpProblem(2, new double[] {1, 2, 0, 1}, new double[] {1, 1}, new double[0],
                new double[0], new double[0], new double[0], 0);
        QpProblem nan = new QpProblem(1, new double[] {1}, new double[] {Double.NaN}, new double[0], new double[0],
                new double[0], new double[0], 0);
        try (MicroBatcher batcher = MicroBatcher.builder().solver(solver).build()) {
            CompletableFuture<QpSolution> good = batcher.submit(problem(3, 2, 0));
            CompletableFuture<QpSolution> bad = batcher.submit(asymmetric);
            CompletableFuture<QpSolution> worse = batcher.trySubmit(nan).orElseThrow();
            assertTrue(bad.isCompletedExceptionally(), "refused on submit, before any batch");
            ExecutionException e = assertThrows(ExecutionException.class, bad::get);
            InvalidProblemException cause = assertInstanceOf(InvalidProblemException.class, e.getCause());
            assertTrue(cause.getMessage().contains("not symmetric"), cause.getMessage());
            assertInstanceOf(InvalidProblemException.class, assertThrows(ExecutionException.class, worse::get).getCause());
            assertEquals(Status.SOLVED, good.get().status(0));
            assertEquals(1, batcher.stats().accepted());
        }
        assertEquals(1, solved.get());
    }

    @Test
    void anInfeasibleProblemCompletesNormallyWithItsStatus() throws Exception {
        try (MicroBatcher batcher = MicroBatcher.builder().maxWait(Duration.ofMillis(20)).build()) {
            CompletableFuture<QpSolution> infeasible = batcher.submit(TestProblems.infeasible(rnd, new Shape(3, 4, 1)));
            CompletableFuture<QpSolution> feasible = batcher.submit(problem(3, 4, 1));
            assertEquals(Status.PRIMAL_INFEASIBLE, infeasible.get().status(0));
            assertEquals(Status.SOLVED, feasible.get().status(0));
        }
    }

    @Test
    void aProblemThatBreaksItsBatchFailsAloneAndTheOthersAreSolved() throws Exception {
        double poison = 666;
        RuntimeException boom = new IllegalStateException("backend fault");
        Function<QpBatch, QpSolution> solver = batch -> {
            for (int i = 0; i < batch.size(); i++) {
                if (batch.p().get(i, 0, 0) == poison) {
                    throw boom;
                }
            }
            return QpSolver.solve(batch);
        };
        QpProblem good = problem(3, 4, 1);
        double[] p = good.p().clone();
        p[0] = poison;
        QpProblem bad = new QpProblem(3, good.Q(), p, good.G(), good.h(), good.A(), good.b(), 0);
        List<CompletableFuture<QpSolution>> others = new ArrayList<>();
        CompletableFuture<QpSolution> failing;
        try (MicroBatcher batcher = MicroBatcher.builder().solver(solver).maxWait(Duration.ofMillis(50)).build()) {
            others.add(batcher.submit(good));
            failing = batcher.submit(bad);
            others.add(batcher.submit(problem(3, 4, 1)));
        }
        assertSame(boom, assertThrows(ExecutionException.class, failing::get).getCause());
        for (CompletableFuture<QpSolution> f : others) {
            assertEquals(Status.SOLVED, f.get().status(0));
        }
    }

    @Test
    void anErrorIsNotRetriedProblemByProblemButReachesEveryWaitingCaller() throws Exception {
        // An Error (here a simulated out-of-memory) is no problem's fault: retrying each problem alone, as
        // for a RuntimeException, would only repeat it. Every caller of the batch gets it, nobody hangs.
        OutOfMemoryError oom = new OutOfMemoryError("simulated");
        AtomicInteger calls = new AtomicInteger();
        Function<QpBatch, QpSolution> solver = batch -> {
            calls.incrementAndGet();
            throw oom;
        };
        List<CompletableFuture<QpSolution>> futures = new ArrayList<>();
        try (MicroBatcher batcher = MicroBatcher.builder().solver(solver).maxWait(Duration.ofMillis(200))
                .maxBatchSize(3).build()) {
            for (int k = 0; k < 3; k++) {
                futures.add(batcher.submit(problem(3, 4, 1)));
            }
            for (CompletableFuture<QpSolution> f : futures) {
                assertSame(oom, assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS)).getCause());
            }
        }
        assertEquals(1, calls.get(), "one batch, no retry of each problem alone");
    }

    @Test
    void aFullQueueRefusesTrySubmitAndBlocksSubmitUntilThereIsRoom() throws Exception {
        GatedSolver solver = new GatedSolver();
        try (MicroBatcher batcher = MicroBatcher.builder().maxBatchSize(1).maxWait(Duration.ZERO).queueCapacity(2)
                .solver(solver).build()) {
            batcher.submit(problem(2, 1, 0));
            solver.awaitEntered(); // the solver holds it, so the queue is empty again
            batcher.submit(problem(2, 1, 0));
            batcher.submit(problem(2, 1, 0));
            assertEquals(Optional.empty(), batcher.trySubmit(problem(2, 1, 0)), "the queue holds 2");

            AtomicReference<CompletableFuture<QpSolution>> blocked = new AtomicReference<>();
            Thread submitter = new Thread(() -> {
                try {
                    blocked.set(batcher.submit(problem(2, 1, 0)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            submitter.start();
            waitUntilWaiting(submitter);
            assertEquals(null, blocked.get(), "submit waits while the queue is full");
            solver.release();
            submitter.join(10_000);
            assertFalse(submitter.isAlive());
            assertEquals(Status.SOLVED, blocked.get().get().status(0));
        }
    }

    @Test
    void closeFinishesEveryAcceptedRequestAndRefusesNewOnes() throws Exception {
        MicroBatcher batcher = MicroBatcher.builder().maxWait(Duration.ofSeconds(10)).maxBatchSize(1000).build();
        List<CompletableFuture<QpSolution>> futures = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            futures.add(batcher.submit(problem(3, 4, 1)));
        }
        batcher.close(); // does not wait out the 10 s
        for (CompletableFuture<QpSolution> f : futures) {
            assertTrue(f.isDone(), "complete when close returns");
            assertEquals(Status.SOLVED, f.get().status(0));
        }
        assertThrows(IllegalStateException.class, () -> batcher.submit(problem(3, 4, 1)));
        assertThrows(IllegalStateException.class, () -> batcher.trySubmit(problem(3, 4, 1)));
        batcher.close(); // idempotent
        assertEquals(new MicroBatcher.Stats(20, 20, 1, 0), batcher.stats());
    }

    @Test
    void closeWakesSubmittersBlockedOnAFullQueueWithoutAcceptingTheirRequests() throws Exception {
        GatedSolver solver = new GatedSolver();
        MicroBatcher batcher = MicroBatcher.builder().maxBatchSize(1).maxWait(Duration.ZERO).queueCapacity(1)
                .solver(solver).build();
        CompletableFuture<QpSolution> first = batcher.submit(problem(2, 1, 0));
        solver.awaitEntered();
        CompletableFuture<QpSolution> queued = batcher.submit(problem(2, 1, 0));
        AtomicReference<Throwable> refusal = new AtomicReference<>();
        Thread submitter = new Thread(() -> {
            try {
                batcher.submit(problem(2, 1, 0));
            } catch (Throwable t) {
                refusal.set(t);
            }
        });
        submitter.start();
        waitUntilWaiting(submitter);
        Thread closer = new Thread(batcher::close);
        closer.start();
        submitter.join(10_000);
        assertInstanceOf(IllegalStateException.class, refusal.get());
        solver.release();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertEquals(Status.SOLVED, first.get().status(0));
        assertEquals(Status.SOLVED, queued.get().status(0));
        assertEquals(2, batcher.stats().accepted());
        assertEquals(2, batcher.stats().completed());
    }

    @Test
    void closingFromACompletionCallbackDoesNotDeadlock() throws Exception {
        MicroBatcher batcher = MicroBatcher.builder().build();
        CompletableFuture<QpSolution> f = batcher.submit(problem(2, 1, 0));
        CompletableFuture<Void> closed = f.thenRun(batcher::close); // runs on the batcher's own solver thread
        closed.get(10, TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class, () -> batcher.submit(problem(2, 1, 0)));
        batcher.close();
    }

    @Test
    void aCancelledRequestIsSkipped() throws Exception {
        GatedSolver solver = new GatedSolver();
        try (MicroBatcher batcher = MicroBatcher.builder().maxWait(Duration.ZERO).solver(solver).build()) {
            batcher.submit(problem(2, 1, 0));
            solver.awaitEntered();
            CompletableFuture<QpSolution> cancelled = batcher.submit(problem(2, 1, 0));
            CompletableFuture<QpSolution> kept = batcher.submit(problem(2, 1, 0));
            assertTrue(cancelled.cancel(false));
            solver.release();
            assertEquals(Status.SOLVED, kept.get().status(0));
            assertTrue(cancelled.isCancelled());
        }
        assertEquals(2, solver.problems.get());
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> MicroBatcher.builder().maxBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> MicroBatcher.builder().queueCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> MicroBatcher.builder().solverThreads(0));
        assertThrows(IllegalArgumentException.class, () -> MicroBatcher.builder().maxWait(Duration.ofMillis(-1)));
        // An unknown backend name is bad usage, like the other settings (an unusable one is BackendUnavailableException).
        assertThrows(IllegalArgumentException.class,
                () -> MicroBatcher.builder().options(SolverOptions.defaults().withBackend("tpu")).build());
    }

    // ---- helpers

    /**
     * A solver that holds every batch until released, so a test can keep the solver busy and the queue
     * full; counts the batches and problems it was given.
     */
    private static final class GatedSolver implements Function<QpBatch, QpSolution> {
        private final CountDownLatch release = new CountDownLatch(1);
        private final java.util.concurrent.Semaphore entered = new java.util.concurrent.Semaphore(0);
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger problems = new AtomicInteger();
        final List<Integer> sizes = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public QpSolution apply(QpBatch batch) {
            entered.release();
            await(release);
            batches.incrementAndGet();
            problems.addAndGet(batch.size());
            sizes.add(batch.size());
            return QpSolver.solve(batch);
        }

        /** Returns once a batch has reached the solver (and so left the queue). */
        void awaitEntered() throws InterruptedException {
            assertTrue(entered.tryAcquire(20, TimeUnit.SECONDS), "no batch reached the solver");
        }

        void release() {
            release.countDown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void waitUntilWaiting(Thread t) throws InterruptedException {
        for (int k = 0; k < 1000 && t.getState() != Thread.State.WAITING; k++) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.WAITING, t.getState(), "the submitter waits for room");
    }
}
