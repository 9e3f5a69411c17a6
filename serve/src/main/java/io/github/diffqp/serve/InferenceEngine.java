package io.github.diffqp.serve;

import io.github.diffqp.solver.backend.BackendCapacityException;
import io.github.diffqp.solver.backend.BackendUnavailableException;
import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.batching.MicroBatcher;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import io.github.diffqp.solver.backend.Backends;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * Where requests' problems are solved (docs/DESIGN.md §6.8). A {@code qp} request's problems go one by one into
 * a {@link MicroBatcher}, so that problems of concurrent requests share batches; the request waits for all of
 * its own, in order. A {@code qp-grad} request is solved and differentiated as its own batch (the gradient of a
 * shared datum is a sum over that request's problems alone) on a pool of {@code solverThreads}. Both count
 * against one admission bound, {@code maxQueue} problems accepted and not yet answered: a request that would
 * pass it is refused whole (503), never half queued.
 */
final class InferenceEngine implements AutoCloseable {
    /** Distinct (tolerance, max_iterations) settings served at once, each by a micro-batcher of its own. */
    static final int MAX_SETTINGS = 8;

    /**
     * When the batch being solved on this thread began. The micro-batcher completes a batch's futures on the
     * solver thread right after the solve returns, so the completion callbacks read here when their batch began.
     */
    private static final ThreadLocal<Long> BATCH_START = new ThreadLocal<>();

    private final ServerSettings settings;
    private final SolverOptions options;
    private final ServerMetrics metrics;
    private final BiFunction<QpBatch, SolverOptions, QpSolution> solver;
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<Settings, MicroBatcher> batchers = new HashMap<>();
    private final ExecutorService gradientSolvers;
    private boolean closed; // guarded by this

    /** Solver settings a request may change; requests with equal ones share batches. */
    private record Settings(double tolerance, int maxIterations) {
    }

    /** A {@code qp-grad} answer. */
    record Differentiated(QpSolution solution, Gradients gradients) {
    }

    /**
     * @param solver how the micro-batchers solve a batch: {@link QpSolver#solve(QpBatch, SolverOptions)}, or in
     *               tests one that holds a batch back
     * @throws io.github.diffqp.solver.backend.BackendUnavailableException when the chosen backend cannot run here
     */
    InferenceEngine(ServerSettings settings, BiFunction<QpBatch, SolverOptions, QpSolution> solver) {
        this.settings = settings;
        this.solver = solver;
        String backend = Backends.select(settings.options().backend()).name();
        this.options = settings.options().withBackend(backend);
        this.metrics = new ServerMetrics(backend, settings.maxBatch(), pending::get);
        AtomicInteger count = new AtomicInteger();
        this.gradientSolvers = Executors.newFixedThreadPool(settings.solverThreads(), task -> {
            Thread t = new Thread(task, "diffqp-serve-gradients-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    ServerMetrics metrics() {
        return metrics;
    }

    /** The backend solving: cpu, cuda. */
    String backend() {
        return options.backend();
    }

    /** Problems accepted and not yet answered. */
    int pending() {
        return pending.get();
    }

    /** The server's solver settings with the request's {@code tolerance} and {@code max_iterations}. */
    SolverOptions options(InferRequest request) {
        SolverOptions o = options;
        if (request.tolerance() != null) {
            o = o.withTolerance(request.tolerance());
        }
        if (request.maxIterations() != null) {
            o = o.withMaxIterations(request.maxIterations());
        }
        return o;
    }

    /**
     * Solves a request's problems with those of concurrent requests, waiting until {@code deadline}
     * ({@link System#nanoTime()}).
     *
     * @return the solutions in the request's order
     */
    QpSolution solve(QpBatch batch, SolverOptions options, long deadline) {
        int B = batch.size();
        admit(B);
        MicroBatcher batcher;
        try {
            batcher = batcher(options);
        } catch (RuntimeException e) {
            release(B);
            throw e;
        }
        long accepted = System.nanoTime();
        List<CompletableFuture<QpSolution>> futures = new ArrayList<>(B);
        // Completed after each problem's place is released, so that the answer never overtakes the release.
        List<CompletableFuture<QpSolution>> released = new ArrayList<>(B);
        for (int i = 0; i < B; i++) {
            Optional<CompletableFuture<QpSolution>> f;
            try {
                f = batcher.trySubmit(batch.problem(i));
            } catch (IllegalStateException closing) {
                f = Optional.empty();
            }
            if (f.isEmpty()) {
                // Cancelled futures still queued are skipped by the batcher; their callbacks release them.
                futures.forEach(each -> each.cancel(false));
                release(B - i);
                throw RequestException.unavailable("the queue is full; retry later");
            }
            CompletableFuture<QpSolution> future = f.get();
            released.add(future.whenComplete((solution, failure) -> {
                release(1);
                if (solution != null) {
                    Long start = BATCH_START.get();
                    // Absent only when the batch finished before this callback was attached: then it ran here.
                    metrics.queued((start != null ? start : System.nanoTime()) - accepted);
                }
            }));
            futures.add(future);
        }
        try {
            CompletableFuture.allOf(released.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            futures.forEach(each -> each.cancel(false));
            throw RequestException.timedOut("timed out before its " + B + " problem" + (B == 1 ? "" : "s")
                    + " were solved; raise timeout_ms or retry later");
        } catch (ExecutionException e) {
            futures.forEach(each -> each.cancel(false));
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause()
                    : e.getCause();
            throw failed(cause);
        } catch (InterruptedException e) {
            futures.forEach(each -> each.cancel(false));
            Thread.currentThread().interrupt();
            throw RequestException.unavailable("the server is stopping");
        }
        List<QpSolution> parts = new ArrayList<>(B);
        for (CompletableFuture<QpSolution> f : futures) {
            parts.add(f.join());
        }
        return stack(parts, batch.n(), batch.m(), batch.q());
    }

    /** Solves a request's batch on its own and differentiates it, waiting until {@code deadline}. */
    Differentiated solveAndDifferentiate(QpBatch batch, double[] dlDx, SolverOptions options, long deadline) {
        int B = batch.size();
        admit(B);
        long accepted = System.nanoTime();
        AtomicBoolean taken = new AtomicBoolean(); // by the task when it starts, or by the waiter when it gives up
        Future<Differentiated> task;
        try {
            task = gradientSolvers.submit(() -> {
                if (taken.getAndSet(true)) {
                    return null; // given up on before it began, and released then
                }
                try {
                    long start = System.nanoTime();
                    for (int i = 0; i < B; i++) {
                        metrics.queued(start - accepted);
                    }
                    try (LayerForward forward = new QpLayer(options).forward(batch)) {
                        Gradients gradients = forward.backward(dlDx);
                        metrics.batch(B, System.nanoTime() - start);
                        return new Differentiated(forward.solution(), gradients);
                    }
                } finally {
                    release(B);
                }
            });
        } catch (RejectedExecutionException e) {
            release(B);
            throw RequestException.unavailable("the server is draining");
        }
        try {
            return task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(false);
            if (!taken.getAndSet(true)) {
                release(B);
            }
            throw RequestException.timedOut("timed out before its " + B + " problem" + (B == 1 ? "" : "s")
                    + " were solved and differentiated; raise timeout_ms or retry later");
        } catch (ExecutionException e) {
            throw failed(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RequestException.unavailable("the server is stopping");
        }
    }

    /** Finishes every accepted problem, then stops the solver threads. */
    @Override
    public void close() {
        List<MicroBatcher> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(batchers.values());
        }
        toClose.forEach(MicroBatcher::close);
        gradientSolvers.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                gradientSolvers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void admit(int problems) {
        int max = settings.maxQueue();
        if (problems > max) {
            throw RequestException.tooLarge("a batch of " + problems + " problems exceeds the server's queue of " + max
                    + " (--max-queue); split the request");
        }
        while (true) {
            int now = pending.get();
            if (now + problems > max) {
                throw RequestException.unavailable("the queue is full (" + now + " of " + max
                        + " problems waiting); retry later");
            }
            if (pending.compareAndSet(now, now + problems)) {
                return;
            }
        }
    }

    private void release(int problems) {
        pending.addAndGet(-problems);
    }

    private synchronized MicroBatcher batcher(SolverOptions o) {
        if (closed) {
            throw RequestException.unavailable("the server is draining");
        }
        Settings key = new Settings(o.tolerance(), o.maxIterations());
        MicroBatcher b = batchers.get(key);
        if (b == null) {
            if (batchers.size() >= MAX_SETTINGS) {
                throw RequestException.badRequest("the server already serves " + MAX_SETTINGS
                        + " distinct (tolerance, max_iterations) settings; use one of those or the defaults");
            }
            b = MicroBatcher.builder().options(o).maxBatchSize(settings.maxBatch()).maxWait(settings.maxQueueDelay())
                    .queueCapacity(settings.maxQueue()).solverThreads(settings.solverThreads())
                    .solver(each -> timedSolve(each, o)).build();
            batchers.put(key, b);
        }
        return b;
    }

    /** The batcher's solve, timed for the metrics; its start is left for the completion callbacks (see BATCH_START). */
    private QpSolution timedSolve(QpBatch batch, SolverOptions o) {
        long start = System.nanoTime();
        QpSolution s = solver.apply(batch, o);
        metrics.batch(batch.size(), System.nanoTime() - start);
        BATCH_START.set(start);
        return s;
    }

    /**
     * A solve that threw: bad input is the client's (400), a batch beyond the backend's memory too large (413),
     * a backend that cannot run unavailable (503), anything else the server's (500), never with a trace.
     */
    private static RequestException failed(Throwable cause) {
        if (cause instanceof IllegalArgumentException) {
            return RequestException.badRequest(cause.getMessage());
        }
        if (cause instanceof BackendCapacityException) {
            return RequestException.tooLarge(cause.getMessage());
        }
        if (cause instanceof BackendUnavailableException) {
            return RequestException.unavailable(cause.getMessage());
        }
        return RequestException.internal("solving failed: " + cause.getClass().getSimpleName()
                + (cause.getMessage() != null ? ": " + cause.getMessage() : ""));
    }

    /** Solutions of one problem each, in order, as one solution of the request's batch. */
    static QpSolution stack(List<QpSolution> parts, int n, int m, int q) {
        int B = parts.size();
        double[] x = new double[B * n], lambda = new double[B * m], nu = new double[B * q], slack = new double[B * m];
        double[] objective = new double[B], primal = new double[B], dual = new double[B], gap = new double[B];
        Status[] status = new Status[B];
        int[] iterations = new int[B];
        boolean[] polished = new boolean[B], degenerate = new boolean[B];
        for (int i = 0; i < B; i++) {
            QpSolution s = parts.get(i);
            System.arraycopy(s.x(), 0, x, i * n, n);
            System.arraycopy(s.lambda(), 0, lambda, i * m, m);
            System.arraycopy(s.nu(), 0, nu, i * q, q);
            System.arraycopy(s.slack(), 0, slack, i * m, m);
            objective[i] = s.objective(0);
            status[i] = s.status(0);
            iterations[i] = s.iterations(0);
            primal[i] = s.primalResidual(0);
            dual[i] = s.dualResidual(0);
            gap[i] = s.gap(0);
            polished[i] = s.polished(0);
            degenerate[i] = s.degenerate(0);
        }
        return new QpSolution(B, n, m, q, x, lambda, nu, slack, objective, status, iterations, primal, dual, gap,
                polished, degenerate);
    }
}
