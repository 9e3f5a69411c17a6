package io.github.diffqp.serve;

import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 16 client threads × 200 requests of three shapes, some with an infeasible problem and some malformed, through
 * one server: every answer equals a direct solve of its own problems, every request is answered once and with
 * its own id, and the metrics count exactly what was sent.
 */
@Timeout(120)
class ServeLoadTest {
    private static final int CLIENTS = 16;
    private static final int PER_CLIENT = 200;
    /** See MicroBatcherLoadTest: at this tolerance batched and lone answers agree ten times better than 1e-8. */
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(1e-11);
    private static final int[][] SHAPES = {{3, 4, 1}, {5, 6, 2}, {4, 0, 2}};
    private static final int POOL = 12;

    /** What one request sent: its problems (indices into the pool), or a malformed body. */
    private record Sent(List<Integer> problems, boolean malformed) {
    }

    @Test
    void everyAnswerIsADirectSolveDeliveredOnceAndCounted() throws Exception {
        List<QpProblem> pool = new ArrayList<>();
        for (int s = 0; s < SHAPES.length; s++) {
            List<QpProblem> feasible = Problems.feasible(POOL, SHAPES[s][0], SHAPES[s][1], SHAPES[s][2], 100 + s);
            pool.addAll(feasible);
            if (SHAPES[s][1] >= 2) {
                for (int k = 0; k < POOL / 4; k++) {
                    pool.add(Problems.infeasible(feasible.get(k)));
                }
            }
        }
        List<QpSolution> direct = new ArrayList<>();
        for (QpProblem p : pool) {
            direct.add(QpSolver.solve(p.asBatch(), TIGHT));
        }
        long infeasibleInPool = direct.stream().filter(d -> d.status(0) == Status.PRIMAL_INFEASIBLE).count();
        assertEquals(2 * (POOL / 4), infeasibleInPool);

        ServerSettings settings = ServerSettings.defaults().withPort(0).withOptions(TIGHT).withMaxBatch(32)
                .withMaxQueueDelay(Duration.ZERO).withMaxQueue(4096);
        Map<String, Sent> sent = new ConcurrentHashMap<>();
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        String metrics;
        long start = System.nanoTime();
        try (InferenceServer server = InferenceServer.start(settings)) {
            InferClient client = new InferClient(server.uri());
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int thread = c;
                done.add(clients.submit(() -> {
                    Random rnd = new Random(thread);
                    for (int k = 0; k < PER_CLIENT; k++) {
                        String id = thread + "-" + k;
                        Sent request = draw(rnd, pool);
                        sent.put(id, request);
                        InferClient.Answer a = client.infer("qp", body(id, request, pool));
                        if (answers.put(id, a.status()) != null) {
                            throw new AssertionError("request " + id + " answered twice");
                        }
                        check(id, request, a, direct);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            clients.shutdown();
            metrics = client.get("/metrics").text();
        }

        assertEquals(CLIENTS * PER_CLIENT, answers.size(), "every request answered");
        long malformed = sent.values().stream().filter(Sent::malformed).count();
        long problems = sent.values().stream().filter(s -> !s.malformed()).mapToLong(s -> s.problems().size()).sum();
        long infeasible = sent.values().stream().filter(s -> !s.malformed()).flatMap(s -> s.problems().stream())
                .filter(i -> direct.get(i).status(0) == Status.PRIMAL_INFEASIBLE).count();
        assertTrue(malformed > 100 && infeasible > 100, "some malformed (" + malformed + "), some infeasible (" + infeasible + ")");
        assertEquals(malformed, answers.values().stream().filter(code -> code == 400).count());
        assertEquals(CLIENTS * PER_CLIENT - malformed, answers.values().stream().filter(code -> code == 200).count());

        assertEquals(CLIENTS * PER_CLIENT - malformed, InferClient.metric(metrics, "diffqp_requests_total", "code=\"200\""));
        assertEquals(malformed, InferClient.metric(metrics, "diffqp_requests_total", "code=\"400\""));
        assertEquals(CLIENTS * PER_CLIENT, InferClient.metric(metrics, "diffqp_requests_total"));
        assertEquals(problems, InferClient.metric(metrics, "diffqp_problems_total"));
        assertEquals(infeasible, InferClient.metric(metrics, "diffqp_problems_total", "status=\"primal_infeasible\""));
        assertEquals(problems - infeasible, InferClient.metric(metrics, "diffqp_problems_total", "status=\"solved\""));
        assertEquals(problems, InferClient.metric(metrics, "diffqp_batch_size_sum"), "every problem solved once");
        assertEquals(problems, InferClient.metric(metrics, "diffqp_queue_seconds_count"));
        double batches = InferClient.metric(metrics, "diffqp_batch_size_count");
        assertTrue(batches < problems / 2.0, "problems of different requests share batches: " + batches + " batches");
        assertEquals(0, InferClient.metric(metrics, "diffqp_queue_depth"));
        System.out.printf("serve load test: %d requests, %d problems in %.0f batches (%.1f a batch), %.1f s, %.1f s of it solving%n",
                answers.size(), problems, batches, problems / batches, (System.nanoTime() - start) / 1e9,
                InferClient.metric(metrics, "diffqp_compute_seconds_sum"));
    }

    /** One or two problems of one shape (a tenth of them infeasible), or a malformed request (a tenth). */
    private static Sent draw(Random rnd, List<QpProblem> pool) {
        if (rnd.nextInt(10) == 0) {
            return new Sent(List.of(rnd.nextInt(pool.size())), true);
        }
        int first = rnd.nextInt(pool.size());
        List<Integer> problems = new ArrayList<>(List.of(first));
        if (rnd.nextBoolean()) {
            QpProblem p = pool.get(first);
            int second;
            do {
                second = rnd.nextInt(pool.size());
            } while (pool.get(second).n() != p.n() || pool.get(second).m() != p.m() || pool.get(second).q() != p.q());
            problems.add(second);
        }
        return new Sent(problems, false);
    }

    private static byte[] body(String id, Sent request, List<QpProblem> pool) {
        List<QpProblem> problems = request.problems().stream().map(pool::get).toList();
        String json = new String(InferClient.request(id, Problems.batch(problems), null, Map.of()), StandardCharsets.UTF_8);
        // Malformed: p's shape claims one value more than its data hold.
        return (request.malformed() ? json.replaceFirst("\"shape\":\\[1,(\\d+)\\]", "\"shape\":[1,9$1]") : json)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void check(String id, Sent request, InferClient.Answer a, List<QpSolution> direct) {
        if (request.malformed()) {
            assertEquals(400, a.status(), id + ": " + a.text());
            assertTrue(a.error().startsWith("input p: shape [1, 9"), id + ": " + a.error());
            return;
        }
        assertEquals(id, a.json().get("id").asText(), "the answer is to request " + id);
        for (int i = 0; i < request.problems().size(); i++) {
            Problems.assertAgree(direct.get(request.problems().get(i)), 0, a, i, 1e-8, "request " + id + ", problem " + i);
        }
        assertNull(a.json().get("error"));
    }
}
