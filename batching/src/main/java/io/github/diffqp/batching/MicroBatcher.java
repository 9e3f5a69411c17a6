package io.github.diffqp.batching;

import io.github.diffqp.solver.InvalidProblemException;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.backend.BackendProvider;
import io.github.diffqp.solver.backend.Backends;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Turns concurrent single requests into batches: {@link #submit} queues a problem and returns a future
 * of its solution; a dispatcher thread gathers queued requests until {@linkplain Builder#maxBatchSize
 * a batch is full} or {@linkplain Builder#maxWait the oldest has waited long enough}, {@linkplain Packer
 * packs} them by shape (padding where the {@link CostModel} says it pays) and hands the batches to a small
 * pool of solver threads, which complete each request's future with its own solution, in its own shape.
 *
 * <pre>{@code
 * try (MicroBatcher batcher = MicroBatcher.builder().maxBatchSize(64).queueCapacity(1024).build()) {
 *     CompletableFuture<QpSolution> f = batcher.submit(problem);   // blocks while the queue is full
 *     QpSolution s = f.join();                                      // a solution of size one
 * }                                                                 // close() finishes every accepted request
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Validation first.</b> Each problem is validated on submit ({@link QpProblem#asBatch()}); an
 *       invalid one is never queued, and its future is returned already completed exceptionally with the
 *       {@link InvalidProblemException}.</li>
 *   <li><b>Back-pressure.</b> The queue holds at most {@linkplain Builder#queueCapacity capacity} requests.
 *       {@link #submit} blocks while it is full; {@link #trySubmit} returns empty instead. Requests leave
 *       the queue only when a solver thread is free to take them, so the bound holds end to end and
 *       requests that wait for a busy solver gather into larger batches.</li>
 *   <li><b>Failures stay with their request.</b> An infeasible or unbounded problem completes normally
 *       with that {@linkplain io.github.diffqp.solver.Status status}. If solving a batch throws, each of its
 *       problems is solved alone, so an exception completes only the future of the problem that causes
 *       it.</li>
 *   <li><b>Exactly once.</b> Every accepted request's future is completed exactly once (normally or
 *       exceptionally); a request is accepted when {@code submit} returns its future or {@code trySubmit}
 *       returns a present one.</li>
 *   <li><b>Closing.</b> {@link #close} refuses new requests ({@link IllegalStateException}, also for
 *       submitters blocked on a full queue, whose requests were not accepted), solves every accepted one
 *       without further waiting, and returns when all are complete.</li>
 * </ul>
 * Futures are completed on a solver thread, so dependent stages attached without {@code ...Async} run
 * there and hold up the next batch: keep them short. A future cancelled by its caller is skipped if it
 * has not been solved yet.
 */
public final class MicroBatcher implements AutoCloseable {
    private static final ThreadLocal<MicroBatcher> OWNER = new ThreadLocal<>();
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final int maxBatchSize;
    private final long maxWaitNanos;
    private final int capacity;
    private final Packer packer;
    private final Function<QpBatch, QpSolution> solver;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the queue gets its first request or a full batch, and on close: the dispatcher waits. */
    private final Condition gather = lock.newCondition();
    /** Signalled when requests leave the queue, and on close: blocked submitters wait. */
    private final Condition room = lock.newCondition();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private volatile boolean closed; // written under lock

    private final Semaphore freeSolvers;
    private final ExecutorService solvers;
    private final Thread dispatcher;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder padded = new LongAdder();

    private MicroBatcher(Builder b, SolverOptions options, CostModel cost, Function<QpBatch, QpSolution> solver) {
        this.maxBatchSize = b.maxBatchSize;
        this.maxWaitNanos = b.maxWait.toNanos();
        this.capacity = b.queueCapacity;
        this.packer = new Packer(cost);
        this.solver = solver != null ? solver : batch -> QpSolver.solve(batch, options);
        String name = "diffqp-batcher-" + INSTANCES.incrementAndGet();
        this.freeSolvers = new Semaphore(b.solverThreads);
        AtomicInteger solverCount = new AtomicInteger();
        this.solvers = Executors.newFixedThreadPool(b.solverThreads,
                task -> ownThread(name + "-solver-" + solverCount.incrementAndGet(), task));
        this.dispatcher = ownThread(name + "-dispatcher", this::dispatch);
        dispatcher.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Queues {@code problem}, waiting while the queue is full.
     *
     * @return its future: completed with its solution (size one, in its own shape), or already completed
     * exceptionally with an {@link InvalidProblemException} when the problem is invalid
     * @throws IllegalStateException when the batcher is closed, also while this call waits for room
     * @throws InterruptedException  when interrupted while waiting for room (the request is not accepted)
     */
    public CompletableFuture<QpSolution> submit(QpProblem problem) throws InterruptedException {
        requireOpen();
        CompletableFuture<QpSolution> invalid = validate(problem);
        if (invalid != null) {
            return invalid;
        }
        Request request = new Request(problem);
        lock.lockInterruptibly();
        try {
            while (!closed && queue.size() >= capacity) {
                room.await();
            }
            requireOpen();
            enqueue(request);
        } finally {
            lock.unlock();
        }
        return request.future;
    }

    /**
     * Queues {@code problem} if there is room now.
     *
     * @return its future (as for {@link #submit}), or empty when the queue is full and nothing was accepted
     * @throws IllegalStateException when the batcher is closed
     */
    public Optional<CompletableFuture<QpSolution>> trySubmit(QpProblem problem) {
        requireOpen();
        CompletableFuture<QpSolution> invalid = validate(problem);
        if (invalid != null) {
            return Optional.of(invalid);
        }
        Request request = new Request(problem);
        lock.lock();
        try {
            requireOpen();
            if (queue.size() >= capacity) {
                return Optional.empty();
            }
            enqueue(request);
        } finally {
            lock.unlock();
        }
        return Optional.of(request.future);
    }

    /** Counts so far. */
    public Stats stats() {
        return new Stats(accepted.sum(), completed.sum(), batches.sum(), padded.sum());
    }

    /**
     * Refuses new requests, then solves every accepted one and returns when all are complete. Called from
     * one of this batcher's own threads (a completion callback, say) it only refuses new requests and
     * returns, since waiting there would wait for itself; the rest still completes. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            gather.signalAll();
            room.signalAll();
        } finally {
            lock.unlock();
        }
        if (OWNER.get() == this) {
            return;
        }
        boolean interrupted = false;
        // Waiting is not optional: the promise is that everything accepted is complete on return.
        while (true) {
            try {
                dispatcher.join();
                solvers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- submitting

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the micro-batcher is closed");
        }
    }

    /** A future failed with the problem's fault, or null when the problem is valid. */
    private static CompletableFuture<QpSolution> validate(QpProblem problem) {
        Objects.requireNonNull(problem, "problem");
        try {
            problem.asBatch();
            return null;
        } catch (InvalidProblemException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Under the lock, with room. */
    private void enqueue(Request request) {
        queue.addLast(request);
        accepted.increment();
        // The dispatcher waits either for a first request or for a full batch; nothing in between wakes it.
        if (queue.size() == 1 || queue.size() >= maxBatchSize) {
            gather.signal();
        }
    }

    // ---- dispatching

    private void dispatch() {
        while (true) {
            freeSolvers.acquireUninterruptibly();
            List<Request> taken = nextBatch();
            if (taken.isEmpty()) {
                break; // closed and drained
            }
            solvers.execute(() -> {
                try {
                    solve(taken);
                } finally {
                    freeSolvers.release();
                }
            });
        }
        solvers.shutdown(); // runs what it was given, then lets close() return
    }

    /**
     * The next requests to solve: waits for a first one, then until the batch is full, the oldest request
     * has waited {@code maxWait}, or the batcher closes. Empty only when closed and drained.
     */
    private List<Request> nextBatch() {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    return List.of();
                }
                gather.awaitUninterruptibly();
            }
            long deadline = queue.peekFirst().enqueued + maxWaitNanos;
            while (queue.size() < maxBatchSize && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    gather.awaitNanos(left);
                } catch (InterruptedException e) {
                    // Only this batcher runs on this thread; an interrupt changes nothing, the loop re-checks.
                }
            }
            int count = Math.min(queue.size(), maxBatchSize);
            List<Request> taken = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                taken.add(queue.pollFirst());
            }
            room.signalAll();
            return taken;
        } finally {
            lock.unlock();
        }
    }

    // ---- solving (on a solver thread)

    private void solve(List<Request> taken) {
        try {
            List<Request> live = taken.stream().filter(r -> !r.future.isDone()).toList();
            List<PackedBatch> packed = packer.pack(live.stream().map(r -> r.problem).toList());
            for (PackedBatch pb : packed) {
                solve(pb, live);
            }
        } catch (RuntimeException e) {
            // A fault outside any one problem's solve (packing, say): fail what is left rather than leave it hanging.
            failAll(taken, e);
        } catch (Error e) {
            // An Error (out of memory, a broken JVM) is no problem's fault and not something to retry: the
            // waiting callers learn of it, and it goes on to the thread's handler, as an Error should.
            failAll(taken, e);
            throw e;
        }
    }

    private static void failAll(List<Request> requests, Throwable cause) {
        for (Request r : requests) {
            r.fail(cause);
        }
    }

    private void solve(PackedBatch pb, List<Request> live) {
        QpSolution solved;
        try {
            solved = solver.apply(pb.batch());
        } catch (RuntimeException e) {
            // Which problem is at fault is unknown: solving each alone pins the fault on its own request.
            for (int j = 0; j < pb.size(); j++) {
                solveAlone(live.get(pb.index(j)));
            }
            return;
        }
        batches.increment();
        padded.add(pb.paddedCount());
        for (int j = 0; j < pb.size(); j++) {
            live.get(pb.index(j)).complete(pb.solution(solved, j));
        }
    }

    private void solveAlone(Request r) {
        try {
            QpSolution s = solver.apply(r.problem.asBatch());
            batches.increment();
            r.complete(s);
        } catch (RuntimeException e) {
            r.fail(e);
        }
    }

    /** A thread of this batcher: a daemon, so a batcher never closed does not keep the JVM alive. */
    private Thread ownThread(String name, Runnable task) {
        Thread t = new Thread(() -> {
            OWNER.set(this);
            task.run();
        }, name);
        t.setDaemon(true);
        return t;
    }

    /** One accepted problem and its future. */
    private final class Request {
        final QpProblem problem;
        final CompletableFuture<QpSolution> future = new CompletableFuture<>();
        final long enqueued = System.nanoTime();

        Request(QpProblem problem) {
            this.problem = problem;
        }

        void complete(QpSolution solution) {
            if (future.complete(solution)) {
                completed.increment();
            }
        }

        void fail(Throwable t) {
            if (future.completeExceptionally(t)) {
                completed.increment();
            }
        }
    }

    /**
     * Counts since the batcher was built.
     *
     * @param accepted       requests queued
     * @param completed      futures completed by the batcher, normally or exceptionally (not those cancelled
     *                       by their callers, nor those of invalid problems, which were never queued)
     * @param batches        batches solved (a problem solved alone after its batch failed counts as one)
     * @param paddedProblems problems solved padded to a larger shape
     */
    public record Stats(long accepted, long completed, long batches, long paddedProblems) {
    }

    /** Settings of a {@link MicroBatcher}; {@link #build()} starts it. */
    public static final class Builder {
        private int maxBatchSize = 64;
        private Duration maxWait = Duration.ZERO;
        private int queueCapacity = 1024;
        private int solverThreads = 1;
        private SolverOptions options = SolverOptions.defaults();
        private CostModel costModel;
        private Function<QpBatch, QpSolution> solver;

        private Builder() {
        }

        /** The most requests gathered into one round of solving (default 64). */
        public Builder maxBatchSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + value);
            }
            this.maxBatchSize = value;
            return this;
        }

        /**
         * How long the oldest queued request may wait for others before its batch is solved anyway. The
         * default, zero, has a free solver take whatever is queued at once, so requests batch up exactly
         * while the solvers are busy: on the CPU backend that cut the median latency at 2 concurrent
         * clients 4 to 10 times against a 1 ms wait, with no loss of throughput at 64
         * (MicroBatcherBenchmark). A positive wait trades latency for fuller batches where each batch has a
         * large fixed cost (a launch-bound accelerator).
         */
        public Builder maxWait(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("maxWait must not be negative, got " + value);
            }
            this.maxWait = value;
            return this;
        }

        /** The most requests queued and not yet taken for solving (default 1024). */
        public Builder queueCapacity(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, got " + value);
            }
            this.queueCapacity = value;
            return this;
        }

        /**
         * Threads that solve batches (default 1). The backend already spreads each batch over the cores,
         * so more threads help mainly when batches are small or a backend leaves the CPU idle.
         */
        public Builder solverThreads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("solverThreads must be at least 1, got " + value);
            }
            this.solverThreads = value;
            return this;
        }

        /** Solver settings for every batch (default {@link SolverOptions#defaults()}: the best backend). */
        public Builder options(SolverOptions value) {
            this.options = Objects.requireNonNull(value, "options");
            return this;
        }

        /** The packing cost model (default: {@link CostModel#forBackend} of the backend that will run). */
        public Builder costModel(CostModel value) {
            this.costModel = Objects.requireNonNull(value, "costModel");
            return this;
        }

        /**
         * Replaces the solver: a wrapper around {@link QpSolver#solve(QpBatch, SolverOptions)} with the options
         * given here that observes each batch (a server's metrics), or, in tests, one that makes a batch fail.
         */
        public Builder solver(Function<QpBatch, QpSolution> value) {
            this.solver = value;
            return this;
        }

        /**
         * Resolves the backend once (so that every batch runs on the same one and the cost model fits it)
         * and starts the batcher's threads.
         *
         * @throws IllegalArgumentException when no backend has the chosen name
         * @throws io.github.diffqp.solver.backend.BackendUnavailableException when the chosen backend cannot
         *                                  run here
         */
        public MicroBatcher build() {
            BackendProvider provider = Backends.select(options.backend());
            CostModel cost = costModel != null ? costModel : CostModel.forBackend(provider.name());
            return new MicroBatcher(this, options.withBackend(provider.name()), cost, solver);
        }
    }
}
