package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code diffqp solve} on an array of problems whose shapes differ a little: the CPU cost model pads them
 * into one batch, and every answer and gradient is still that problem's own, in its own shape.
 */
class SolvePackingTest {
    /** Padded and unpadded solves agree to the solver's accuracy, so solve tightly and compare at 1e-8. */
    private static final String TOLERANCE = "1e-11";
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(Double.parseDouble(TOLERANCE));

    @TempDir
    Path dir;

    /**
     * Three problems with n = 3, m = 4, q = 1 and three with m = 6: min ½xᵀQx + pᵀx over a box (all six
     * bounds, or the four of x₀ and x₁), with x₀ + x₁ + x₂ = 1; p differs per problem so that different
     * bounds are active.
     */
    private static List<QpProblem> problems() {
        double[] Q = {2, 0.5, 0, 0.5, 2, 0.5, 0, 0.5, 2};
        double[] box4 = {1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0};
        double[] box6 = {1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1};
        List<QpProblem> problems = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            boolean six = k % 2 == 1;
            double[] p = {-3 + k, 1 - 0.5 * k, 2 - k};
            double[] h = six ? new double[] {0.8, 0.5, 0.7, 0.5, 0.9, 0.5} : new double[] {0.6, 0.2, 0.7, 0.4};
            problems.add(new QpProblem(3, Q, p, six ? box6 : box4, h, new double[] {1, 1, 1}, new double[] {1}, 0));
        }
        return problems;
    }

    @Test
    void problemsOfSimilarShapesArePaddedIntoOneBatchAndAnsweredInTheirOwnShapes() throws IOException {
        List<QpProblem> problems = problems();
        Path in = Files.writeString(dir.resolve("problems.json"), json(problems));
        Path grad = Files.writeString(dir.resolve("dldx.json"),
                "[{\"dl_dx\": [1, 0, 0]}, {\"dl_dx\": [0, 1, 0]}, {\"dl_dx\": [0, 0, 1]},"
                        + " {\"dl_dx\": [1, -1, 0]}, {\"dl_dx\": [0, 1, -1]}, {\"dl_dx\": [1, 1, 1]}]");
        Path out = dir.resolve("solution.json");
        CliRun run = CliRun.of("solve", "--in", in.toString(), "--out", out.toString(), "--grad", grad.toString(),
                "--backend", "cpu", "--tol", TOLERANCE);
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        assertTrue(run.out().contains("6 in 1 batch by shape, 3 padded"), run.out());
        assertTrue(run.out().contains("solved 6/6"), run.out());

        JsonNode root = JsonFiles.MAPPER.readTree(out.toFile());
        List<double[]> dlDx = GradientFile.readPerProblem(grad, new int[] {3, 3, 3, 3, 3, 3});
        for (int i = 0; i < problems.size(); i++) {
            QpProblem p = problems.get(i);
            JsonNode entry = root.get(i);
            String what = "problem " + i + " (m = " + p.m() + ")";
            QpSolution alone = QpSolver.solve(p.asBatch(), TIGHT);
            assertClose(alone.x(0), entry.get("x"), 1e-8, what + ": x");
            assertClose(alone.lambda(0), entry.get("lambda"), 1e-8, what + ": lambda"); // m entries, not 6
            assertClose(alone.nu(0), entry.get("nu"), 1e-8, what + ": nu");
            assertClose(alone.slack(0), entry.get("slack"), 1e-8, what + ": slack");
            assertEquals(alone.objective(0), entry.get("objective").doubleValue(), 1e-8, what + ": objective");
            try (LayerForward f = new QpLayer(TIGHT).forward(p.asBatch())) {
                Gradients g = f.backward(dlDx.get(i));
                for (Parameter param : Parameter.values()) {
                    JsonNode node = entry.get(param.gradientKey());
                    assertClose(g.get(param).values(), flatten(node), 1e-6, what + ": " + param.gradientKey());
                }
                assertEquals(p.m(), entry.get("dG").size(), what + ": dG has the problem's own m rows");
            }
        }
    }

    private static String json(List<QpProblem> problems) {
        StringJoiner array = new StringJoiner(",\n", "[\n", "\n]\n");
        for (QpProblem p : problems) {
            int n = p.n();
            array.add("{\"Q\": " + matrix(p.Q(), n) + ", \"p\": " + vector(p.p()) + ", \"G\": " + matrix(p.G(), n)
                    + ", \"h\": " + vector(p.h()) + ", \"A\": " + matrix(p.A(), n) + ", \"b\": " + vector(p.b()) + "}");
        }
        return array.toString();
    }

    private static String matrix(double[] values, int cols) {
        StringJoiner rows = new StringJoiner(", ", "[", "]");
        for (int r = 0; r < values.length / cols; r++) {
            double[] row = new double[cols];
            System.arraycopy(values, r * cols, row, 0, cols);
            rows.add(vector(row));
        }
        return rows.toString();
    }

    private static String vector(double[] values) {
        StringJoiner v = new StringJoiner(", ", "[", "]");
        for (double x : values) {
            v.add(Double.toString(x));
        }
        return v.toString();
    }

    /** A nested array of numbers, row-major. */
    private static double[] flatten(JsonNode node) {
        List<Double> values = new ArrayList<>();
        collect(node, values);
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(JsonNode node, List<Double> into) {
        if (node.isNumber()) {
            into.add(node.doubleValue());
        } else {
            node.forEach(child -> collect(child, into));
        }
    }

    private static void assertClose(double[] expected, JsonNode actual, double tolerance, String what) {
        assertClose(expected, flatten(actual), tolerance, what);
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], tolerance * Math.max(1, Math.abs(expected[k])), what + "[" + k + "]");
        }
    }
}
