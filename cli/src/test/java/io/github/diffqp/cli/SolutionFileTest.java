package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SolutionFileTest {

    /** B = 2, n = 3, m = 2, q = 1, with distinct values everywhere so that any mix-up shows. */
    static QpSolution sample() {
        return new QpSolution(2, 3, 2, 1,
                new double[] {1, 2, 3, 4, 5, 6},          // x
                new double[] {0.1, 0.2, 0.3, 0.4},        // lambda
                new double[] {-7, -8},                    // nu
                new double[] {0.01, 0.02, 0.03, 0.04},    // slack
                new double[] {-1.5, 2.5},                 // objective
                new Status[] {Status.SOLVED, Status.MAX_ITERATIONS},
                new int[] {12, 100},
                new double[] {1e-10, 2e-3},               // primal residual
                new double[] {3e-11, 4e-3},               // dual residual
                new double[] {5e-12, 6e-3},               // gap
                new boolean[] {true, false},              // polished
                new boolean[] {false, true});             // degenerate
    }

    static QpSolution single(double x, Status status) {
        return new QpSolution(1, 1, 0, 0, new double[] {x}, new double[0], new double[0], new double[0],
                new double[] {x * x}, new Status[] {status}, new int[] {3}, new double[] {0}, new double[] {0},
                new double[] {0}, new boolean[1], new boolean[1]);
    }

    @Test
    void batchFileHasTheDocumentedKeysShapesAndValues(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("solution.json");
        SolutionFile.forBatch(sample()).write(out);
        JsonNode root = JsonFiles.MAPPER.readTree(out.toFile());

        assertEquals(SolutionFile.STANDARD_KEYS, keys(root));
        assertMatrix(root.get("x"), new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertMatrix(root.get("lambda"), new double[][] {{0.1, 0.2}, {0.3, 0.4}});
        assertMatrix(root.get("nu"), new double[][] {{-7}, {-8}});
        assertMatrix(root.get("slack"), new double[][] {{0.01, 0.02}, {0.03, 0.04}});
        assertVector(root.get("objective"), -1.5, 2.5);
        assertEquals("solved", root.get("status").get(0).textValue());
        assertEquals("max_iterations", root.get("status").get(1).textValue());
        assertEquals(2, root.get("status").size());
        assertTrue(root.get("iterations").get(0).isInt());
        assertEquals(12, root.get("iterations").get(0).intValue());
        assertEquals(100, root.get("iterations").get(1).intValue());
        assertVector(root.get("primal_residual"), 1e-10, 2e-3);
        assertVector(root.get("dual_residual"), 3e-11, 4e-3);
        assertVector(root.get("gap"), 5e-12, 6e-3);
    }

    @Test
    void extrasSharedWithoutBatchAxisAndBatchedWithIt() {
        double[] dQ = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[] dp = {1, 2, 3, 4, 5, 6};
        JsonNode root = SolutionFile.forBatch(sample())
                .putMatrix("dQ", dQ, 0, 3, 3)
                .putVector("dp", dp, 2, 3)
                .putMatrix("dG", new double[12], 2, 2, 3)
                .putVector("dh", new double[] {7, 8}, 0, 2)
                .putPerProblem("objective_with_constant", new double[] {-0.5, 3.5})
                .toTree();
        List<String> expected = new ArrayList<>(SolutionFile.STANDARD_KEYS);
        expected.addAll(List.of("dQ", "dp", "dG", "dh", "objective_with_constant"));
        assertEquals(expected, keys(root));
        assertMatrix(root.get("dQ"), new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
        assertMatrix(root.get("dp"), new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertEquals(2, root.get("dG").size());
        assertEquals(2, root.get("dG").get(1).size());
        assertEquals(3, root.get("dG").get(1).get(0).size());
        assertVector(root.get("dh"), 7, 8);
        assertVector(root.get("objective_with_constant"), -0.5, 3.5);
    }

    @Test
    void extrasAreChecked() {
        SolutionFile file = SolutionFile.forBatch(sample());
        assertThrows(IllegalArgumentException.class, () -> file.putVector("x", new double[3], 0, 3));
        assertThrows(IllegalArgumentException.class, () -> file.putVector("dp", new double[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> file.putVector("dp", new double[9], 3, 3)); // B is 2
        assertThrows(IllegalArgumentException.class, () -> file.putPerProblem("c", new double[3]));
        file.putVector("dp", new double[3], 0, 3);
        assertThrows(IllegalArgumentException.class, () -> file.putVector("dp", new double[3], 0, 3));
        assertThrows(IllegalStateException.class, () -> file.set(0, sample(), 0));
    }

    @Test
    void emptyBlocksKeepTheirBatchAxis() {
        QpSolution s = new QpSolution(2, 1, 0, 0, new double[] {1, 2}, new double[0], new double[0], new double[0],
                new double[] {0, 0}, new Status[] {Status.SOLVED, Status.SOLVED}, new int[] {1, 1}, new double[2],
                new double[2], new double[2], new boolean[2], new boolean[2]);
        JsonNode root = SolutionFile.forBatch(s).toTree();
        assertEquals(2, root.get("lambda").size());
        assertEquals(0, root.get("lambda").get(0).size());
        assertEquals(2, root.get("nu").size());
    }

    @Test
    void nonFiniteNumbersAreWrittenAsStrings() {
        QpSolution s = new QpSolution(1, 2, 0, 0, new double[] {Double.NaN, 1}, new double[0], new double[0],
                new double[0], new double[] {Double.NEGATIVE_INFINITY}, new Status[] {Status.NUMERICAL_ERROR},
                new int[] {7}, new double[] {Double.POSITIVE_INFINITY}, new double[1], new double[1], new boolean[1], new boolean[1]);
        String text = SolutionFile.forBatch(s).toJson();
        assertTrue(text.contains("[\"NaN\", 1.0]"), text);
        assertTrue(text.contains("\"objective\": [\"-Infinity\"]"), text);
        assertTrue(text.contains("\"primal_residual\": [\"Infinity\"]"), text);
        assertTrue(text.contains("\"status\": [\"numerical_error\"]"), text);
        assertEquals("NaN", JsonFiles.parseTree(text).get("x").get(0).get(0).textValue()); // still valid JSON
    }

    @Test
    void arrayFormOneObjectPerProblemWithoutBatchAxes(@TempDir Path dir) throws IOException {
        QpSolution batch = sample();
        SolutionFile file = SolutionFile.forProblems(3);
        assertFalse(file.isBatch());
        // Problems of one file may come back from different batches, in any order.
        file.set(2, batch, 0).putVector("dp", new double[] {9, 8, 7});
        file.set(0, single(2, Status.PRIMAL_INFEASIBLE), 0).objectiveConstant(10);
        file.set(1, batch, 1).putMatrix("dG", new double[] {1, 2, 3, 4, 5, 6}, 2, 3).putScalar("loss", 0.25);
        Path out = dir.resolve("solutions.json");
        file.write(out);

        JsonNode root = JsonFiles.MAPPER.readTree(out.toFile());
        assertTrue(root.isArray());
        assertEquals(3, root.size());
        JsonNode first = root.get(0);
        List<String> firstKeys = new ArrayList<>(SolutionFile.STANDARD_KEYS);
        firstKeys.add("objective_with_constant");
        assertEquals(firstKeys, keys(first));
        assertVector(first.get("x"), 2);
        assertEquals(0, first.get("lambda").size());
        assertEquals(4.0, first.get("objective").doubleValue());
        assertEquals(14.0, first.get("objective_with_constant").doubleValue());
        assertEquals("primal_infeasible", first.get("status").textValue());
        assertEquals(3, first.get("iterations").intValue());

        JsonNode second = root.get(1);
        assertVector(second.get("x"), 4, 5, 6);
        assertVector(second.get("lambda"), 0.3, 0.4);
        assertVector(second.get("nu"), -8);
        assertVector(second.get("slack"), 0.03, 0.04);
        assertEquals(2.5, second.get("objective").doubleValue());
        assertEquals("max_iterations", second.get("status").textValue());
        assertEquals(100, second.get("iterations").intValue());
        assertEquals(2e-3, second.get("primal_residual").doubleValue());
        assertEquals(4e-3, second.get("dual_residual").doubleValue());
        assertEquals(6e-3, second.get("gap").doubleValue());
        assertMatrix(second.get("dG"), new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertEquals(0.25, second.get("loss").doubleValue());

        assertVector(root.get(2).get("x"), 1, 2, 3);
        assertVector(root.get(2).get("dp"), 9, 8, 7);
    }

    @Test
    void arrayFormFromSingleSolutions() {
        JsonNode root = SolutionFile.forProblems(List.of(single(1, Status.SOLVED), single(3, Status.DUAL_INFEASIBLE)))
                .toTree();
        assertEquals(2, root.size());
        assertVector(root.get(1).get("x"), 3);
        assertEquals("dual_infeasible", root.get(1).get("status").textValue());
        assertThrows(IllegalArgumentException.class, () -> SolutionFile.forProblems(List.of(sample())));
    }

    @Test
    void anUnsetEntryFailsBeforeAnythingIsWritten(@TempDir Path dir) throws IOException {
        SolutionFile file = SolutionFile.forProblems(2);
        file.set(0, single(1, Status.SOLVED), 0);
        assertThrows(IllegalStateException.class, () -> file.problem(1));
        assertThrows(IllegalStateException.class, () -> file.set(0, single(1, Status.SOLVED), 0));
        assertThrows(IllegalStateException.class, () -> file.putPerProblem("c", new double[2]));
        Path out = dir.resolve("solutions.json");
        assertThrows(IllegalStateException.class, () -> file.write(out));
        assertFalse(Files.exists(out));
        try (var listing = Files.list(dir)) {
            assertEquals(0, listing.count());
        }
    }

    static List<String> keys(JsonNode object) {
        List<String> keys = new ArrayList<>();
        Iterator<String> names = object.fieldNames();
        names.forEachRemaining(keys::add);
        return keys;
    }

    static void assertVector(JsonNode node, double... expected) {
        assertTrue(node.isArray(), () -> "not an array: " + node);
        assertEquals(expected.length, node.size(), () -> "length of " + node);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(node.get(i).isNumber(), () -> "not numbers: " + node);
            assertEquals(expected[i], node.get(i).doubleValue(), 0.0);
        }
    }

    static void assertMatrix(JsonNode node, double[][] expected) {
        assertEquals(expected.length, node.size(), () -> "rows of " + node);
        for (int r = 0; r < expected.length; r++) {
            assertVector(node.get(r), expected[r]);
        }
    }
}
