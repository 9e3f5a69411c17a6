package io.github.diffqp.batching;

import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.backend.Backends;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throughput and latency of the micro-batcher against solving each request alone, under a closed loop of
 * client threads (each sends a request, waits for its answer, sends the next). Not a test: speed is never
 * asserted. Run from the repository root, on the modules' own classes (so the run measures this working
 * tree, whatever the local Maven repository holds or another build rewrites meanwhile):
 * <pre>
 *   mvn -q -o -pl batching -am test-compile
 *   mvn -q -o -pl batching dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test \
 *       -DexcludeGroupIds=io.github.diffqp
 *   java -cp batching/target/test-classes:batching/target/classes:qp-solver/target/classes:backward/target/classes:\
 * cpu-fallback/target/classes:$(cat batching/target/cp.txt) io.github.diffqp.batching.MicroBatcherBenchmark \
 *       [--clients 2,16,64] [--requests 4000] [--max-wait-us 0] [--solver-threads 1] [--repeats 3]
 * </pre>
 * Modes: {@code alone} (each client thread solves its own request, {@code QpSolver.solve(p.asBatch())}),
 * and the micro-batcher with the CPU cost model, with exact shapes only (no padding) and with the
 * launch-bound model (padding nearly everything). Problems: small random QPs of six shapes, n ≤ 6.
 *
 * <p>A first table checks the packing decisions themselves, without threads: the time to solve lists of
 * 64 such problems one by one, and packed by each cost model.
 */
public final class MicroBatcherBenchmark {
    private static final List<Shape> SHAPES = List.of(new Shape(3, 4, 1), new Shape(3, 6, 1), new Shape(4, 6, 0),
            new Shape(5, 8, 2), new Shape(6, 0, 2), new Shape(2, 3, 0));

    private MicroBatcherBenchmark() {
    }

    /** One way of serving a request, blocking until its answer is there. */
    private interface Server extends AutoCloseable {
        QpSolution serve(QpProblem p) throws Exception;

        default String stats() {
            return "";
        }

        @Override
        default void close() {
        }
    }

    private static Duration maxWait = Duration.ZERO; // the batcher's default
    private static int solverThreads = 1;
    /** Runs per row, of which the median is reported: a burst of other work on a shared machine does not decide it. */
    private static int repeats = 3;

    public static void main(String[] args) throws Exception {
        int[] clients = {2, 16, 64};
        int requests = 4000;
        for (int k = 0; k + 1 < args.length; k += 2) {
            switch (args[k]) {
                case "--clients" -> clients = Arrays.stream(args[k + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--requests" -> requests = Integer.parseInt(args[k + 1]);
                case "--max-wait-us" -> maxWait = Duration.ofNanos(1000L * Integer.parseInt(args[k + 1]));
                case "--solver-threads" -> solverThreads = Integer.parseInt(args[k + 1]);
                case "--repeats" -> repeats = Integer.parseInt(args[k + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[k]);
            }
        }
        Random rnd = new Random(1);
        List<QpProblem> problems = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            problems.add(TestProblems.feasible(rnd, SHAPES.get(rnd.nextInt(SHAPES.size()))));
        }
        System.out.printf(Locale.ROOT, "backend %s, %d cores, Java %s; %d requests per row, shapes %s;%n"
                        + "micro-batcher: max batch 64, max wait %d µs, %d solver thread(s); medians of %d runs%n",
                Backends.select("auto").name(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), requests, SHAPES, maxWait.toNanos() / 1000, solverThreads, repeats);
        packing(problems);
        System.out.printf(Locale.ROOT, "%n%-22s %7s %12s %10s %10s  %s%n", "mode", "clients", "requests/s", "p50 µs",
                "p99 µs", "batcher");
        String[] modes = {"alone", "batched (cpu model)", "batched (exact shapes)", "batched (accelerator)"};
        for (String mode : modes) {
            run(mode, 16, problems, 2000); // warm-up of every path before anything is reported
        }
        for (int c : clients) {
            for (String mode : modes) {
                Row[] rows = new Row[repeats];
                for (int r = 0; r < repeats; r++) {
                    rows[r] = run(mode, c, problems, requests);
                }
                System.out.printf(Locale.ROOT, "%-22s %7d %12.0f %10.0f %10.0f  %s%n", mode, c,
                        median(rows, Row::throughput), median(rows, Row::p50), median(rows, Row::p99), rows[0].stats());
            }
        }
    }

    /** One run: requests per second, latency percentiles in µs, the batcher's counts. */
    private record Row(double throughput, double p50, double p99, String stats) {
    }

    private static double median(Row[] rows, java.util.function.ToDoubleFunction<Row> f) {
        double[] v = Arrays.stream(rows).mapToDouble(f).sorted().toArray();
        return v[v.length / 2];
    }

    /** Solving lists of 64 problems on one thread: one by one, or packed by each cost model. */
    private static void packing(List<QpProblem> problems) {
        SolverOptions options = SolverOptions.defaults();
        List<List<QpProblem>> lists = new ArrayList<>();
        for (int from = 0; from + 64 <= problems.size(); from += 64) {
            lists.add(problems.subList(from, from + 64));
        }
        String[] names = {"one by one", "packed, cpu model", "packed, exact shapes", "packed, accelerator"};
        CostModel[] models = {null, CostModel.cpu(), CostModel.exactShapes(), CostModel.accelerator()};
        System.out.printf(Locale.ROOT, "%n%-22s %14s %10s%n", "64 problems", "ms per list", "batches");
        double[] best = new double[names.length];
        double[] batchesPerList = new double[names.length];
        Arrays.fill(best, Double.MAX_VALUE);
        for (int pass = 0; pass < 2 + repeats; pass++) { // the first two passes warm up; the best of the rest counts
            for (int k = 0; k < names.length; k++) {
                long t0 = System.nanoTime();
                int batches = 0;
                for (List<QpProblem> list : lists) {
                    if (models[k] == null) {
                        list.forEach(p -> QpSolver.solve(p.asBatch(), options));
                        batches += list.size();
                    } else {
                        Packer packer = new Packer(models[k]);
                        batches += packer.pack(list).size();
                        packer.solve(list, options);
                    }
                }
                if (pass >= 2) {
                    best[k] = Math.min(best[k], (System.nanoTime() - t0) / 1e6 / lists.size());
                    batchesPerList[k] = (double) batches / lists.size();
                }
            }
        }
        for (int k = 0; k < names.length; k++) {
            System.out.printf(Locale.ROOT, "%-22s %14.2f %10.1f%n", names[k], best[k], batchesPerList[k]);
        }
    }

    private static Server server(String mode) {
        SolverOptions options = SolverOptions.defaults();
        if (mode.equals("alone")) {
            return p -> QpSolver.solve(p.asBatch(), options);
        }
        CostModel cost = mode.contains("cpu") ? CostModel.cpu()
                : mode.contains("exact") ? CostModel.exactShapes() : CostModel.accelerator();
        MicroBatcher batcher = MicroBatcher.builder().options(options).costModel(cost).maxBatchSize(64)
                .maxWait(maxWait).solverThreads(solverThreads).queueCapacity(1024).build();
        return new Server() {
            @Override
            public QpSolution serve(QpProblem p) throws Exception {
                return batcher.submit(p).get();
            }

            @Override
            public String stats() {
                MicroBatcher.Stats s = batcher.stats();
                return String.format(Locale.ROOT, "%.1f requests/batch, %.0f%% padded",
                        (double) s.completed() / s.batches(), 100.0 * s.paddedProblems() / s.completed());
            }

            @Override
            public void close() {
                batcher.close();
            }
        };
    }

    private static Row run(String mode, int clients, List<QpProblem> problems, int requests) throws Exception {
        long[] latency = new long[requests];
        AtomicInteger next = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long elapsed;
        String stats;
        try (Server server = server(mode)) {
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int c = 0; c < clients; c++) {
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                            long t0 = System.nanoTime();
                            server.serve(problems.get(i % problems.size()));
                            latency[i] = System.nanoTime() - t0;
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                t.start();
                threads.add(t);
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            elapsed = System.nanoTime() - t0;
            stats = server.stats();
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a request failed", failures.get(0));
            }
        }
        Arrays.sort(latency);
        return new Row(requests / (elapsed / 1e9), latency[requests / 2] / 1e3, latency[(int) (requests * 0.99)] / 1e3,
                stats);
    }
}
