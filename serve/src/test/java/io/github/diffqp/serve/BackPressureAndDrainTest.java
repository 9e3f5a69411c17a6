package io.github.diffqp.serve;

import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 503 on a full queue and while draining, 504 past a request's timeout, and draining itself, made deterministic by
 * a solver that holds every batch until the test lets it go.
 */
@Timeout(60)
class BackPressureAndDrainTest {
    private final CountDownLatch solving = new CountDownLatch(1);
    private final CountDownLatch letGo = new CountDownLatch(1);
    private InferenceServer server;
    private InferClient client;

    private void start(int maxQueue) throws Exception {
        server = InferenceServer.start(ServerSettings.defaults().withPort(0).withMaxQueue(maxQueue), this::heldSolve);
        client = new InferClient(server.uri());
    }

    private QpSolution heldSolve(QpBatch batch, SolverOptions options) {
        solving.countDown();
        try {
            assertTrue(letGo.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return QpSolver.solve(batch, options);
    }

    @AfterEach
    void stop() {
        letGo.countDown();
        server.close();
    }

    private static byte[] request(int problems, String id, Map<String, Number> parameters) {
        return InferClient.request(id, Problems.batch(Problems.feasible(problems, 3, 2, 1, problems)), null, parameters);
    }

    /** A request held in the solver, answered on another thread. */
    private CompletableFuture<InferClient.Answer> held(int problems) throws Exception {
        CompletableFuture<InferClient.Answer> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return client.infer("qp", request(problems, "held", Map.of()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(solving.await(30, TimeUnit.SECONDS), "the held request reached the solver");
        return answer;
    }

    @Test
    void aFullQueueIs503AndTakesRequestsAgainOnceAnswered() throws Exception {
        start(3);
        CompletableFuture<InferClient.Answer> first = held(2);
        assertEquals(2, metric("diffqp_queue_depth"));
        InferClient.Answer refused = client.infer("qp", request(2, "over", Map.of()));
        assertEquals(503, refused.status());
        assertEquals("the queue is full (2 of 3 problems waiting); retry later", refused.error());
        assertEquals(2, metric("diffqp_queue_depth"), "nothing of the refused request stays queued");
        letGo.countDown();
        assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
        assertEquals(200, client.infer("qp", request(3, "after", Map.of())).status());
        assertEquals(0, metric("diffqp_queue_depth"));
        assertEquals(1, metric("diffqp_requests_total", "code=\"503\""));
        assertEquals(2, metric("diffqp_requests_total", "code=\"200\""));
    }

    @Test
    void pastItsTimeoutARequestIs504AndItsProblemsLeaveTheQueue() throws Exception {
        start(16);
        CompletableFuture<InferClient.Answer> first = held(1);
        InferClient.Answer late = client.infer("qp", request(2, "late", Map.of("timeout_ms", 100)));
        assertEquals(504, late.status());
        assertEquals("timed out before its 2 problems were solved; raise timeout_ms or retry later", late.error());
        letGo.countDown();
        assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
        assertEquals(0, metric("diffqp_queue_depth"), "the timed-out problems were released");
        assertEquals(1, metric("diffqp_requests_total", "code=\"504\""));
        assertEquals(1, metric("diffqp_problems_total"), "only the answered request's problem is counted");
    }

    /** qp-grad runs on its own pool, not through the held solver: a timeout there frees the places too. */
    @Test
    void aQpGradRequestPastItsTimeoutIs504AndFreesItsPlaces() throws Exception {
        start(64);
        QpBatch batch = Problems.batch(Problems.feasible(4, 40, 40, 5, 3));
        double[] dlDx = new double[4 * 40];
        Arrays.fill(dlDx, 1);
        InferClient.Answer late = client.infer("qp-grad", InferClient.request("g", batch, dlDx, Map.of("timeout_ms", 1)));
        assertEquals(504, late.status(), late.text());
        assertEquals("timed out before its 4 problems were solved and differentiated; raise timeout_ms or retry later",
                late.error());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (metric("diffqp_queue_depth") > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(0, metric("diffqp_queue_depth"), "released once, whether the task had begun or not");
        InferClient.Answer again = client.infer("qp-grad", InferClient.request("g2", batch, dlDx, Map.of()));
        assertEquals(200, again.status(), again.text());
        assertEquals(0, metric("diffqp_queue_depth"));
    }

    @Test
    void drainingRefusesNewRequestsFinishesAcceptedOnesThenStops() throws Exception {
        start(16);
        CompletableFuture<InferClient.Answer> accepted = held(2);
        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> server.drain(Duration.ofSeconds(30)));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.ready() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertFalse(server.ready());
        assertEquals(503, client.get("/v2/health/ready").status());
        assertEquals(503, client.get("/v2/models/qp/ready").status());
        assertEquals(200, client.get("/v2/health/live").status());
        InferClient.Answer refused = client.infer("qp", request(1, "new", Map.of()));
        assertEquals(503, refused.status());
        assertEquals("the server is draining; send to another replica", refused.error());
        assertFalse(drained.isDone(), "the drain waits for the accepted request");

        letGo.countDown();
        InferClient.Answer answer = accepted.get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.status(), answer.text());
        assertEquals("held", answer.json().get("id").asText());
        drained.get(30, TimeUnit.SECONDS);
        assertThrows(ConnectException.class, () -> client.get("/v2/health/live"), "stopped after the drain");
    }

    private double metric(String name, String... labels) throws Exception {
        return InferClient.metric(client.get("/metrics").text(), name, labels);
    }
}
