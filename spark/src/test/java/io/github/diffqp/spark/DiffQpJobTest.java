package io.github.diffqp.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.cli.ProblemFile;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.github.diffqp.testing.Agreement.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spark-submit job on JSON Lines and Parquet, in the test's local session. */
class DiffQpJobTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    /** Runs the job with these arguments in the shared local session. */
    private static void run(String... args) throws IOException {
        DiffQpJob job = new DiffQpJob();
        new CommandLine(job).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        job.run(LocalSpark.session());
    }

    /** The output lines, part files in name order (the rows' order). */
    private static List<JsonNode> readLines(Path out) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part)) {
                    lines.add(MAPPER.readTree(line));
                }
            }
        }
        return lines;
    }

    private static double[] doubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = array.get(k).asDouble();
        }
        return v;
    }

    /** Problem {@code pr} as one line's object, without id. */
    private static ObjectNode line(QpProblem pr) {
        return (ObjectNode) ProblemFile.toTree(List.of(pr)).get(0);
    }

    @Test
    void jsonLinesKeepTheirOrderAndIdsAndAMalformedLineGetsItsStatus() throws IOException {
        Random random = new Random(5);
        List<String> input = new ArrayList<>();
        List<QpProblem> problems = new ArrayList<>();
        List<double[]> dlDx = new ArrayList<>();
        // min x1² + x2² + x1 + x2 s.t. x1 ≥ 0: x = (0, −1/2), λ = 1.
        input.add("{\"id\": \"first\", \"Q\": [[2, 0], [0, 2]], \"p\": [1, 1], \"G\": [[-1, 0]], \"h\": [0],"
                + " \"dl_dx\": [1, 0]}");
        input.add("{\"id\": 5, \"p\": [1,");
        input.add("{\"id\": 6, \"p\": [1, 2], \"Q\": [[1, 0], [0, 1]], \"R\": 1, \"dl_dx\": [1, 1]}");
        input.add("{\"id\": 7, \"p\": [[1], [2]], \"dl_dx\": [1]}");
        input.add("{\"id\": 8, \"Q\": [[1]], \"p\": [1], \"G\": [[1], [-1]], \"h\": [-1, -1], \"dl_dx\": [1]}");
        input.add("{\"id\": 9, \"Q\": [[1]], \"p\": [1]}");
        input.add("");
        for (int i = 0; i < 60; i++) {
            QpProblem pr = RandomProblems.problem(random, 2 + i % 4, i % 3 == 0 ? 0 : 3, i % 2);
            double[] g = RandomProblems.gaussian(random, pr.n());
            problems.add(pr);
            dlDx.add(g);
            ObjectNode object = MAPPER.createObjectNode().put("id", 100 + i);
            object.setAll(line(pr));
            object.set("dl_dx", MAPPER.valueToTree(g));
            input.add(MAPPER.writeValueAsString(object));
        }
        Path in = dir.resolve("problems.jsonl");
        Files.write(in, input);
        Path out = dir.resolve("solved");

        run("--in", in.toString(), "--out", out.toString(), "--grad", "--backend", "cpu", "--partitions", "4");

        List<JsonNode> lines = readLines(out);
        assertEquals(input.size(), lines.size(), "one output line per input line");
        JsonNode first = lines.get(0);
        assertEquals("first", first.get("id").asText());
        assertEquals("solved", first.get("status").asText());
        assertClose(new double[] {0, -0.5}, doubles(first.get("x")), 1e-8, "x");
        assertClose(new double[] {1}, doubles(first.get("lambda")), 1e-7, "lambda");
        assertFalse(first.has("message"));

        assertFalse(lines.get(1).has("id"), "a line that is not JSON has no id to echo");
        assertEquals("invalid", lines.get(1).get("status").asText());
        assertTrue(lines.get(1).get("message").asText().startsWith("$.p[1]: invalid JSON at line 1, column 19"),
                lines.get(1).toString());
        assertEquals("$.R: unknown key (expected Q, p, G, h, A, b)", lines.get(2).get("message").asText());
        assertEquals(6, lines.get(2).get("id").asInt());
        assertTrue(lines.get(3).get("message").asText().startsWith("$.p: a batch axis"), lines.get(3).toString());
        assertEquals(8, lines.get(4).get("id").asInt());
        assertEquals("primal_infeasible", lines.get(4).get("status").asText());
        assertFalse(lines.get(4).has("dQ"), "no gradients for an infeasible problem");
        assertEquals("$: missing key \"dl_dx\"", lines.get(5).get("message").asText());
        assertEquals("invalid", lines.get(6).get("status").asText());

        for (int i = 0; i < problems.size(); i++) {
            JsonNode line = lines.get(7 + i);
            assertEquals(100 + i, line.get("id").asInt(), "line " + (7 + i) + " in its place");
            try (LayerForward forward = new QpLayer(SparkQpSolverTest.OPTIONS).forward(problems.get(i).asBatch())) {
                QpSolution direct = forward.solution();
                assertEquals(direct.status(0).label(), line.get("status").asText());
                assertClose(direct.x(0), doubles(line.get("x")), 1e-6, "x of line " + (7 + i));
                Gradients g = forward.backward(dlDx.get(i));
                for (Parameter p : Parameter.values()) {
                    JsonNode value = line.get(p.gradientKey());
                    if (g.get(p) == null) {
                        assertTrue(value == null, p.gradientKey() + " of line " + (7 + i));
                    } else {
                        double[] flat = p.isVector() ? doubles(value)
                                : MAPPER.convertValue(value, double[][].class).length == 0 ? new double[0]
                                : java.util.Arrays.stream(MAPPER.convertValue(value, double[][].class))
                                .flatMapToDouble(java.util.Arrays::stream).toArray();
                        assertClose(g.get(p).values(), flat, 1e-6, p.gradientKey() + " of line "
                                + (7 + i));
                    }
                }
            }
        }
    }

    @Test
    void jsonLinesToParquetAndParquetBackToJsonLinesWithSharedData() throws IOException {
        Random random = new Random(9);
        QpProblem planted = RandomProblems.problem(random, 3, 2, 0);
        Path shared = dir.resolve("shared.json");
        Files.writeString(shared, "{\"G\": " + MAPPER.writeValueAsString(RandomProblems.rows(planted.G(), 2, 3))
                + ", \"h\": " + MAPPER.writeValueAsString(planted.h()) + "}");
        List<String> input = new ArrayList<>();
        List<QpProblem> problems = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            QpProblem own = RandomProblems.problem(random, 3, 0, 0);
            problems.add(new QpProblem(3, own.Q(), own.p(), planted.G(), planted.h(), new double[0], new double[0], 0));
            ObjectNode object = MAPPER.createObjectNode().put("id", "row-" + i);
            object.setAll(line(own));
            input.add(MAPPER.writeValueAsString(object));
        }
        Path in = dir.resolve("problems.jsonl");
        Files.write(in, input);
        Path parquet = dir.resolve("solved.parquet");

        run("--in", in.toString(), "--out", parquet.toString(), "--shared", shared.toString(), "--backend", "cpu");

        List<Row> rows = LocalSpark.session().read().parquet(parquet.toString()).collectAsList();
        assertEquals(problems.size(), rows.size());
        for (int i = 0; i < problems.size(); i++) {
            Row row = rows.get(i);
            assertEquals("row-" + i, row.getAs("id"));
            QpSolution direct = QpSolver.solve(problems.get(i).asBatch(), SparkQpSolverTest.OPTIONS);
            assertEquals(direct.status(0).label(), row.getAs("status"));
            assertClose(direct.x(0), SparkQpSolverTest.vector(row, "x"), 1e-6, "x of row " + i);
        }
    }
}
