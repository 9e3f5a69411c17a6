package io.github.diffqp.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.github.diffqp.testing.Agreement.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every endpoint and error status over real HTTP on loopback, answers checked against direct solves. */
@Timeout(60)
class InferenceServerTest {
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(1e-11);
    private static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_QUEUE = 32;

    private static InferenceServer server;
    private static InferClient client;

    @BeforeAll
    static void start() throws Exception {
        server = InferenceServer.start(ServerSettings.defaults().withPort(0).withOptions(TIGHT)
                .withMaxRequestBytes(MAX_BYTES).withMaxQueue(MAX_QUEUE));
        client = new InferClient(server.uri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthServerAndModelMetadata() throws Exception {
        assertEquals(200, client.get("/v2/health/live").status());
        assertTrue(client.get("/v2/health/live").json().get("live").asBoolean());
        assertTrue(client.get("/v2/health/ready").json().get("ready").asBoolean());
        JsonNode meta = client.get("/v2").json();
        assertEquals("diffqp", meta.get("name").asText());
        assertTrue(meta.get("version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), meta.toString());

        JsonNode qp = client.get("/v2/models/qp").json();
        assertEquals("qp", qp.get("name").asText());
        assertEquals(List.of("Q", "p", "G", "h", "A", "b"), names(qp.get("inputs")));
        assertEquals(List.of("x", "lambda", "nu", "objective", "iterations", "status"), names(qp.get("outputs")));
        assertEquals("INT32", qp.get("outputs").get(4).get("datatype").asText());
        assertEquals("BYTES", qp.get("outputs").get(5).get("datatype").asText());
        assertEquals("[-1,-1,-1]", qp.get("inputs").get(0).get("shape").toString());
        JsonNode grad = client.get("/v2/models/qp-grad").json();
        assertEquals("dl_dx", names(grad.get("inputs")).get(6));
        assertEquals(List.of("dQ", "dp", "dG", "dh", "dA", "db"), names(grad.get("outputs")).subList(6, 12));

        InferClient.Answer ready = client.get("/v2/models/qp-grad/ready");
        assertEquals(200, ready.status());
        assertTrue(ready.json().get("ready").asBoolean());
        InferClient.Answer metrics = client.get("/metrics");
        assertEquals(200, metrics.status());
        assertEquals(1.0, InferClient.metric(metrics.text(), "diffqp_backend_info", "backend=\"cpu\""));
    }

    @Test
    void unknownModelsAndPathsAre404WrongMethods405() throws Exception {
        InferClient.Answer model = client.get("/v2/models/lp");
        assertEquals(404, model.status());
        assertEquals("no model named 'lp' (models: qp, qp-grad)", model.error());
        assertEquals(404, client.infer("lp", "{}".getBytes(StandardCharsets.UTF_8)).status());
        assertEquals(404, client.get("/v1/models").status());
        assertEquals(404, client.get("/v2/models/qp/explain").status());
        InferClient.Answer wrong = client.get("/v2/models/qp/infer");
        assertEquals(405, wrong.status());
        assertEquals("/v2/models/qp/infer takes POST, not GET", wrong.error());
    }

    @Test
    void aRequestsProblemsAreAnsweredInOrderAndItsIdEchoed() throws Exception {
        List<QpProblem> problems = Problems.feasible(5, 4, 3, 1, 11);
        QpBatch batch = Problems.batch(problems);
        InferClient.Answer a = client.infer("qp", InferClient.request("req-7", batch, null, Map.of()));
        assertEquals("req-7", a.json().get("id").asText());
        assertEquals("qp", a.json().get("model_name").asText());
        assertEquals("[5,4]", a.output("x").get("shape").toString());
        assertEquals("[5,3]", a.output("lambda").get("shape").toString());
        assertEquals("[5,1]", a.output("nu").get("shape").toString());
        assertEquals("[5]", a.output("status").get("shape").toString());
        for (int i = 0; i < problems.size(); i++) {
            QpSolution alone = QpSolver.solve(problems.get(i).asBatch(), TIGHT);
            Problems.assertAgree(alone, 0, a, i, 1e-8, "problem " + i);
        }
    }

    @Test
    void sharedDataAreBroadcastAcrossTheRequestsBatch() throws Exception {
        QpBatch shared = Problems.sharedBatch(Problems.feasible(1, 5, 4, 0, 12).get(0), 6, 13);
        assertTrue(shared.Q().isShared() && shared.G().isShared() && !shared.p().isShared());
        String body = new String(InferClient.request(null, shared, null, Map.of()), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"name\":\"Q\",\"datatype\":\"FP64\",\"shape\":[5,5]"), body);
        InferClient.Answer a = client.infer("qp", body.getBytes(StandardCharsets.UTF_8));
        QpSolution direct = QpSolver.solve(shared, TIGHT);
        for (int i = 0; i < shared.size(); i++) {
            Problems.assertAgree(direct, i, a, i, 1e-8, "problem " + i);
        }
        assertNull(a.json().get("id"));
    }

    @Test
    void anInfeasibleProblemGetsItsStatusAndSparesItsNeighbours() throws Exception {
        List<QpProblem> problems = new ArrayList<>(Problems.feasible(3, 4, 3, 1, 14));
        problems.set(1, Problems.infeasible(problems.get(1)));
        InferClient.Answer a = client.infer("qp", InferClient.request("mixed", Problems.batch(problems), null, Map.of()));
        assertEquals("primal_infeasible", a.output("status").get("data").get(1).asText());
        for (int i = 0; i < 3; i++) {
            Problems.assertAgree(QpSolver.solve(problems.get(i).asBatch(), TIGHT), 0, a, i, 1e-8, "problem " + i);
        }
    }

    @Test
    void theRequestNamesItsOutputsAndSolverParameters() throws Exception {
        QpBatch batch = Problems.batch(Problems.feasible(2, 4, 3, 1, 15));
        String body = new String(InferClient.request("o", batch, null, Map.of("max_iterations", 1, "timeout_ms", 5000)),
                StandardCharsets.UTF_8).replace("\"inputs\"", "\"outputs\":[{\"name\":\"status\"},{\"name\":\"x\"}],\"inputs\"");
        InferClient.Answer a = client.infer("qp", body.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, a.status(), a.text());
        assertEquals(List.of("x", "status"), names(a.json().get("outputs")));
        QpSolution oneIteration = QpSolver.solve(batch, TIGHT.withMaxIterations(1));
        assertTrue(QpSolver.solve(batch, TIGHT).iterations(0) > 1, "the default takes more than one iteration");
        assertEquals(oneIteration.status(0).label(), a.output("status").get("data").get(0).asText());
        assertClose(oneIteration.x(0), Problems.slice(a.tensor("x"), 0, 4), 1e-8, "x after one iteration");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "qp | {\"inputs\": [ | invalid JSON: Unexpected end-of-input",
            "qp | [] | the body must be a JSON object with \"inputs\"",
            "qp | {\"inputs\": []} | \"inputs\" must be a non-empty array of tensors",
            "qp | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP32\", \"shape\": [1], \"data\": [1]}]} | input p: datatype must be FP64, got \"FP32\"",
            "qp | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [3], \"data\": [1, 2]}]} | input p: shape [3] needs 3 values, data has 2",
            "qp | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [1, \"a\"]}]} | input p: data value 1 is not a number: \"a\"",
            "qp | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [1, 2]}, {\"name\": \"X\", \"datatype\": \"FP64\", \"shape\": [1], \"data\": [1]}]} | input X is not an input of model qp (its inputs: Q, p, G, h, A, b)",
            "qp | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [1, 2]}, {\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [1, 2]}]} | input p is given twice",
            "qp | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [1, 2]}], \"outputs\": [{\"name\": \"dQ\"}]} | output dQ is not an output of model qp (its outputs: x, lambda, nu, objective, iterations, status)",
            "qp | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [1, 2]}], \"parameters\": {\"tolerance\": 2}} | parameter tolerance must be a number in (0, 1), got 2",
            "qp | {\"inputs\": [{\"name\": \"h\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [1, 2]}]} | input p is required (it fixes n)",
            "qp | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [1, 1, 2], \"data\": [1, 2]}]} | input p: shape [1, 1, 2] has 3 axes, expected [length] (shared) or [B, length] (per problem)",
            "qp | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [2, 2], \"data\": [1, 2, 3, 4]}, {\"name\": \"Q\", \"datatype\": \"FP64\", \"shape\": [2, 2, 2], \"data\": [1, 0, 0, 1, 1, 2, 0, 1]}]} | input Q of problem 1: not symmetric: Q[0][1] = 2.0 but Q[1][0] = 0.0",
            "qp | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [2, 2], \"data\": [1, 2, 3, 4]}, {\"name\": \"h\", \"datatype\": \"FP64\", \"shape\": [3, 1], \"data\": [1, 2, 3]}, {\"name\": \"G\", \"datatype\": \"FP64\", \"shape\": [1, 2], \"data\": [1, 2]}]} | input h: holds 3 problems but p holds 2",
            "qp | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [1e400, 2]}]} | input p: shared value p[0] is Infinity",
            "qp-grad | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [1, 2]}]} | input dl_dx is required by model qp-grad",
            "qp-grad | {\"inputs\": [{\"name\": \"p\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [1, 2]}, {\"name\": \"dl_dx\", \"datatype\": \"FP64\", \"shape\": [2], \"data\": [1, 2]}]} | input dl_dx: shape [2], expected [B, n] = [1, 2]",
    })
    void aMalformedRequestIs400NamingTheTensor(String model, String body, String message) throws Exception {
        InferClient.Answer a = client.infer(model, body.getBytes(StandardCharsets.UTF_8));
        assertEquals(400, a.status(), a.text());
        assertEquals(message, a.error().startsWith("invalid JSON") ? a.error().substring(0, message.length()) : a.error());
        assertFalse(a.text().contains("\tat ") || a.text().contains("Exception"), "no trace: " + a.text());
    }

    @Test
    void aBodyOverTheLimitOrABatchBeyondTheQueueIs413() throws Exception {
        QpBatch big = Problems.batch(Problems.feasible(MAX_QUEUE, 12, 10, 2, 16));
        byte[] body = InferClient.request(null, big, null, Map.of());
        assertTrue(body.length > MAX_BYTES);
        InferClient.Answer tooBig = client.infer("qp", body);
        assertEquals(413, tooBig.status());
        assertEquals("the body (" + body.length + " bytes) exceeds the limit of " + MAX_BYTES
                + " bytes (--max-request-bytes)", tooBig.error());

        QpBatch many = Problems.batch(Problems.feasible(MAX_QUEUE + 1, 2, 1, 0, 17));
        InferClient.Answer tooMany = client.infer("qp", InferClient.request(null, many, null, Map.of()));
        assertEquals(413, tooMany.status());
        assertEquals("a batch of 33 problems exceeds the server's queue of 32 (--max-queue); split the request",
                tooMany.error());
    }

    /** qp-grad's gradients are QpLayer's on the same batch; shared data get the sum over the request's batch. */
    @Test
    void qpGradAgreesWithTheLayer() throws Exception {
        QpBatch shared = Problems.sharedBatch(Problems.feasible(1, 5, 4, 0, 18).get(0), 4, 19);
        double[] dlDx = new Random(20).doubles(4 * 5, -1, 1).toArray();
        InferClient.Answer a = client.infer("qp-grad", InferClient.request("g", shared, dlDx, Map.of()));
        assertEquals(200, a.status(), a.text());
        Gradients expected;
        QpSolution solution;
        try (LayerForward f = new QpLayer(TIGHT).forward(shared)) {
            solution = f.solution();
            expected = f.backward(dlDx);
        }
        assertClose(solution.x(), a.tensor("x"), 1e-12, "x");
        assertEquals("[5,5]", a.output("dQ").get("shape").toString());
        assertEquals("[4,5]", a.output("dp").get("shape").toString());
        assertEquals("[4,5]", a.output("dG").get("shape").toString());
        assertEquals("[4,4]", a.output("dh").get("shape").toString());
        assertNull(a.output("dA"), "no equalities, no dA");
        for (Parameter p : List.of(Parameter.Q, Parameter.P, Parameter.G, Parameter.H)) {
            double[] got = a.tensor(p.gradientKey());
            assertNotNull(got, p.gradientKey());
            assertClose(expected.get(p).values(), got, 1e-12, p.gradientKey());
        }
        double norm = 0;
        for (double v : a.tensor("dQ")) {
            norm += Math.abs(v);
        }
        assertTrue(norm > 1e-3, "the gradients are not trivially zero: " + norm);
    }

    private static List<String> names(JsonNode tensors) {
        List<String> names = new ArrayList<>();
        tensors.forEach(t -> names.add(t.get("name").asText()));
        return names;
    }
}
