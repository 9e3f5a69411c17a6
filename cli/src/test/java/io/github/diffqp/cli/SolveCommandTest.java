package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code diffqp solve} end to end, in-process, on the example files and on broken ones. */
class SolveCommandTest {
    private static final double REFERENCE_TOLERANCE = 1e-6;

    /** examples/problems/README.md, small-batch.json. */
    private static final double[][] SMALL_X = {{0.6, 0.32, 0.08}, {0, 0.6, 0.4}, {0, 0, 1}};
    private static final double[] SMALL_OBJECTIVE = {-1.248, -0.7, -2.25};
    private static final double[] SMALL_NU = {-0.62, 0.4, 1.5};

    /** examples/problems/README.md, mixed-shapes.json. */
    private static final double[][] MIXED_X = {{1, 2}, {0, 0.5, 1}, {16 / 23.0, 16 / 23.0, 8 / 23.0, 6 / 23.0}};
    private static final double[] MIXED_OBJECTIVE = {-5, -2.5, 24 / 23.0};

    @TempDir
    Path dir;

    private static Path example(String name) {
        return ExampleFilesTest.examples().resolve(name);
    }

    private static JsonNode readJson(Path file) throws IOException {
        return JsonFiles.MAPPER.readTree(file.toFile());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    // ---- solving ----

    @Test
    void smallBatchMatchesTheReferenceOptima() throws IOException {
        Path out = dir.resolve("solution.json");
        CliRun run = CliRun.of("solve", "--in", example("small-batch.json").toString(), "--out", out.toString());
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        JsonNode root = readJson(out);
        assertEquals(SolutionFile.STANDARD_KEYS, keys(root)); // no gradients without --grad
        for (int i = 0; i < 3; i++) {
            assertVector(SMALL_X[i], root.get("x").get(i), REFERENCE_TOLERANCE, "x of problem " + i);
            assertEquals(SMALL_OBJECTIVE[i], root.get("objective").get(i).doubleValue(), REFERENCE_TOLERANCE);
            assertEquals(SMALL_NU[i], root.get("nu").get(i).get(0).doubleValue(), REFERENCE_TOLERANCE);
            assertEquals("solved", root.get("status").get(i).textValue());
        }
        assertTrue(run.out().contains("solved 3/3"), run.out());
        assertTrue(run.out().contains("backend     cpu"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("iterations\\s+min \\d+, median \\d+(\\.5)?, max \\d+")),
                run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("time\\s+\\d+\\.\\d+ (ms|s)")), run.out());
        assertEquals("", run.err());
    }

    @Test
    void mixedShapesAreSolvedByShapeAndWrittenInFileOrder() throws IOException {
        Path out = dir.resolve("solution.json");
        CliRun run = CliRun.of("solve", "--in", example("mixed-shapes.json").toString(), "--out", out.toString(),
                "--backend", "cpu");
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        JsonNode root = readJson(out);
        assertTrue(root.isArray());
        assertEquals(3, root.size());
        int[][] shapes = {{2, 0, 0}, {3, 6, 1}, {4, 0, 2}};
        for (int i = 0; i < 3; i++) {
            JsonNode entry = root.get(i);
            assertVector(MIXED_X[i], entry.get("x"), REFERENCE_TOLERANCE, "x of problem " + i);
            assertEquals(MIXED_OBJECTIVE[i], entry.get("objective").doubleValue(), REFERENCE_TOLERANCE);
            assertEquals("solved", entry.get("status").textValue());
            assertEquals(shapes[i][1], entry.get("lambda").size());
            assertEquals(shapes[i][2], entry.get("nu").size());
        }
        assertTrue(run.out().contains("3 in 3 batches by shape"), run.out());
        assertTrue(run.out().contains("solved 3/3"), run.out());
    }

    @Test
    void unsolvedProblemsStillWriteTheFileAndExitZero() throws IOException {
        Path out = dir.resolve("solution.json");
        // Without --no-polish, one iteration is enough here: polishing finds each problem's exact solution.
        CliRun run = CliRun.of("solve", "--in", example("small-batch.json").toString(), "--out", out.toString(),
                "--max-iter", "1", "--no-polish");
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        JsonNode status = readJson(out).get("status");
        for (JsonNode s : status) {
            assertEquals("max_iterations", s.textValue());
        }
        assertTrue(run.out().contains("solved 0/3, max_iterations 3"), run.out());
    }

    // ---- gradients ----

    @Test
    void gradientsHaveTheShapesOfTheirInputsAndMatchFiniteDifferences() throws IOException {
        double[] dlDx = {1, -2, 0.5, 0.3, 1, -1, 2, 0.7, -0.4}; // B = 3, n = 3
        Path grad = write("dldx.json", "{\"dl_dx\": [[1, -2, 0.5], [0.3, 1, -1], [2, 0.7, -0.4]]}");
        Path out = dir.resolve("solution.json");
        CliRun run = CliRun.of("solve", "--in", example("small-batch.json").toString(), "--out", out.toString(),
                "--grad", grad.toString(), "--tol", "1e-12", "--max-iter", "200");
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        assertTrue(run.out().contains("gradients   dQ dp dG dh dA db"), run.out());
        JsonNode root = readJson(out);

        // small-batch.json: Q, G, h, A, b shared (no batch axis), p per problem.
        assertShape(root.get("dQ"), 3, 3);
        assertShape(root.get("dp"), 3, 3);
        assertShape(root.get("dG"), 4, 3);
        assertShape(root.get("dh"), 4);
        assertShape(root.get("dA"), 1, 3);
        assertShape(root.get("db"), 1);

        QpBatch batch = ProblemFile.read(example("small-batch.json")).batch();
        SolverOptions tight = SolverOptions.defaults().withTolerance(1e-12).withMaxIterations(200);
        double step = 1e-6;

        // A per-problem datum: p of problem 0, entry 1 (x₁ is interior there, so the derivative is not zero).
        double fdP = centralDifference(batch, dlDx, tight, step, b -> withP(b, 0 * 3 + 1, step),
                b -> withP(b, 0 * 3 + 1, -step));
        double dp = root.get("dp").get(0).get(1).doubleValue();
        assertTrue(Math.abs(dp) > 1e-3, "a trivial derivative would prove nothing: " + dp);
        assertEquals(fdP, dp, 1e-8 * Math.max(1, Math.abs(dp)), "dp[0][1]");

        // A shared datum: h[3] (x₀ ≤ 0.6) moves every problem; its gradient is the batch sum.
        double fdH = centralDifference(batch, dlDx, tight, step, b -> withH(b, 3, step), b -> withH(b, 3, -step));
        double dh = root.get("dh").get(3).doubleValue();
        assertTrue(Math.abs(dh) > 1e-3, "a trivial derivative would prove nothing: " + dh);
        assertEquals(fdH, dh, 1e-8 * Math.max(1, Math.abs(dh)), "dh[3]");
    }

    @Test
    void mixedShapesGetPerProblemGradientsOfTheDataTheyHave() throws IOException {
        Path grad = write("dldx.json", "[{\"dl_dx\": [1, 1]}, {\"dl_dx\": [1, 0, -1]}, {\"dl_dx\": [0, 0, 0, 1]}]");
        Path out = dir.resolve("solution.json");
        CliRun run = CliRun.of("solve", "--in", example("mixed-shapes.json").toString(), "--out", out.toString(),
                "--grad", grad.toString());
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        JsonNode root = readJson(out);

        JsonNode unconstrained = root.get(0); // n = 2, no G, no A: dQ and dp only
        assertShape(unconstrained.get("dQ"), 2, 2);
        assertShape(unconstrained.get("dp"), 2);
        assertFalse(unconstrained.has("dG") || unconstrained.has("dh") || unconstrained.has("dA")
                || unconstrained.has("db"), unconstrained.toString());
        // Unconstrained: x = −Q⁻¹p, so dℓ/dp = −Q⁻¹g = −g/2.
        assertVector(new double[] {-0.5, -0.5}, unconstrained.get("dp"), 1e-9, "dp of problem 0");

        JsonNode lp = root.get(1); // n = 3, m = 6, q = 1
        assertShape(lp.get("dQ"), 3, 3);
        assertShape(lp.get("dp"), 3);
        assertShape(lp.get("dG"), 6, 3);
        assertShape(lp.get("dh"), 6);
        assertShape(lp.get("dA"), 1, 3);
        assertShape(lp.get("db"), 1);

        JsonNode equality = root.get(2); // n = 4, q = 2, no G
        assertShape(equality.get("dA"), 2, 4);
        assertShape(equality.get("db"), 2);
        assertFalse(equality.has("dG") || equality.has("dh"), equality.toString());
    }

    // ---- refusals ----

    @Test
    void malformedProblemsFileExitsTwoWithThePathAndWritesNothing() throws IOException {
        Path in = write("bad.json", "{\"p\": [[1, 2], [3, \"x\"]]}");
        Path out = dir.resolve("solution.json");
        CliRun run = CliRun.of("solve", "--in", in.toString(), "--out", out.toString());
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.err());
        assertTrue(run.err().startsWith("diffqp: "), run.err());
        assertTrue(run.err().contains("bad.json"), run.err());
        assertTrue(run.err().contains("$.p[1][1]"), run.err());
        assertFalse(run.err().contains("Exception"), "no stack trace, no class names: " + run.err());
        assertFalse(Files.exists(out));
        assertEquals("", run.out());
    }

    @Test
    void invalidProblemExitsTwoAndLeavesAnOldSolutionUntouched() throws IOException {
        Path in = write("asym.json", "{\"Q\": [[1, 2], [0, 1]], \"p\": [1, 1]}");
        Path out = write("solution.json", "old");
        CliRun run = CliRun.of("solve", "--in", in.toString(), "--out", out.toString());
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.err());
        assertTrue(run.err().contains("not symmetric"), run.err());
        assertEquals("old", Files.readString(out));
    }

    @Test
    void malformedGradientFileExitsTwoBeforeSolvingAndWritesNothing() throws IOException {
        Path grad = write("dldx.json", "{\"dl_dx\": [[1, 2, 3], [1, 2], [1, 2, 3]]}");
        Path out = dir.resolve("solution.json");
        CliRun run = CliRun.of("solve", "--in", example("small-batch.json").toString(), "--out", out.toString(),
                "--grad", grad.toString());
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.err());
        assertTrue(run.err().contains("$.dl_dx[1]"), run.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void missingInputFileExitsTwo() {
        Path out = dir.resolve("solution.json");
        CliRun run = CliRun.of("solve", "--in", dir.resolve("absent.json").toString(), "--out", out.toString());
        assertRefused(run, out, "no such file");
        assertTrue(run.err().contains("absent.json"), run.err());
    }

    @Test
    void unknownBackendIsAUsageErrorListingTheNames() {
        Path out = dir.resolve("solution.json");
        CliRun run = solveExampleOn("tpu", out);
        assertRefused(run, out, "diffqp: unknown backend 'tpu'");
        assertTrue(run.err().contains("cpu"), "the known backends are listed: " + run.err());
    }

    @Test
    void anOutputThatIsAnInputIsRefusedBeforeAnyWork() throws IOException {
        Path problems = Files.copy(example("small-batch.json"), dir.resolve("problems.json"));
        String before = Files.readString(problems);
        CliRun sameName = CliRun.of("solve", "--in", problems.toString(), "--out", problems.toString());
        assertEquals(ExitCodes.USAGE, sameName.code(), sameName.toString());
        assertTrue(sameName.err().contains("would be overwritten"), sameName.err());
        CliRun otherSpelling = CliRun.of("solve", "--in", problems.toString(), "--out",
                dir.resolve(".").resolve("problems.json").toString());
        assertEquals(ExitCodes.USAGE, otherSpelling.code(), otherSpelling.toString());
        Path grad = Files.writeString(dir.resolve("grad.json"), "{\"dl_dx\": [[1, 0], [0, 1], [1, 1]]}");
        CliRun gradient = CliRun.of("solve", "--in", problems.toString(), "--grad", grad.toString(), "--out",
                grad.toString());
        assertEquals(ExitCodes.USAGE, gradient.code(), gradient.toString());
        assertEquals(before, Files.readString(problems));
    }

    /** dl_dx of 1e308 against x = 1e10: dQ overflows; refused (exit 2, naming it), never written as "NaN". */
    @Test
    void overflowingGradientsAreRefusedAndNothingIsWritten() throws IOException {
        Path problems = Files.writeString(dir.resolve("big.json"), "{\"Q\": [[1]], \"p\": [[-1], [-1e10]]}");
        Path grad = Files.writeString(dir.resolve("grad.json"), "{\"dl_dx\": [[1], [1e308]]}");
        Path out = dir.resolve("solution.json");
        assertRefused(CliRun.of("solve", "--in", problems.toString(), "--grad", grad.toString(), "--out",
                out.toString()), out, "dQ (summed over the batch) is");
    }

    @Test
    void backendNamesAreAcceptedInAnyCase() {
        Path out = dir.resolve("solution.json");
        CliRun run = solveExampleOn("CPU", out);
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        assertTrue(Files.exists(out));
    }

    /** Bad usage: exit 2, one line on stderr containing {@code fragment}, and no solution file. */
    private static void assertRefused(CliRun run, Path out, String fragment) {
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.err());
        assertTrue(run.err().contains(fragment), run.err());
        assertFalse(Files.exists(out));
    }

    /** {@code diffqp solve} of the small example batch on the named backend. */
    private static CliRun solveExampleOn(String backend, Path out) {
        return CliRun.of("solve", "--in", example("small-batch.json").toString(), "--out", out.toString(),
                "--backend", backend);
    }

    @ParameterizedTest
    @CsvSource({
            "--tol, 0, --tol must be in (0, 1)",
            "--tol, 1, --tol must be in (0, 1)",
            "--tol, -1e-8, --tol must be in (0, 1)",
            "--tol, NaN, --tol must be in (0, 1)",
            "--tol, abc, '--tol'",
            "--max-iter, 0, --max-iter must be at least 1",
            "--max-iter, 2.5, '--max-iter'"})
    void badOptionsExitTwoWithAClearLine(String option, String value, String expected) {
        Path out = dir.resolve("solution.json");
        CliRun run = CliRun.of("solve", "--in", example("small-batch.json").toString(), "--out", out.toString(),
                option, value);
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.err());
        assertTrue(run.err().startsWith("diffqp: ") && run.err().contains(expected), run.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void missingRequiredOptionsExitTwo() {
        CliRun run = CliRun.of("solve", "--in", example("small-batch.json").toString());
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.err());
        assertTrue(run.err().contains("--out"), run.err());
    }

    @Test
    void outputInAMissingDirectoryIsRefusedBeforeSolving() {
        Path out = dir.resolve("no/such/dir/solution.json");
        CliRun run = CliRun.of("solve", "--in", example("small-batch.json").toString(), "--out", out.toString());
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertTrue(run.err().contains("does not exist"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void helpDefaultsAreTheLibraryDefaults() {
        SolverOptions defaults = SolverOptions.defaults();
        assertEquals(defaults.tolerance(), Double.parseDouble(SolveCommand.DEFAULT_TOLERANCE));
        assertEquals(defaults.maxIterations(), Integer.parseInt(SolveCommand.DEFAULT_MAX_ITERATIONS));
    }

    // ---- helpers ----

    /** (ℓ(θ + h) − ℓ(θ − h)) / 2h with ℓ = Σᵢ gᵢᵀ x*ᵢ, solved by the library. */
    private static double centralDifference(QpBatch batch, double[] dlDx, SolverOptions options, double step,
                                            UnaryOperator<QpBatch> plus, UnaryOperator<QpBatch> minus) {
        return (loss(plus.apply(batch), dlDx, options) - loss(minus.apply(batch), dlDx, options)) / (2 * step);
    }

    private static double loss(QpBatch batch, double[] dlDx, SolverOptions options) {
        QpSolution solution = QpSolver.solve(batch, options);
        assertTrue(solution.allSolved());
        double sum = 0;
        for (int k = 0; k < dlDx.length; k++) {
            sum += dlDx[k] * solution.x()[k];
        }
        return sum;
    }

    private static QpBatch withP(QpBatch b, int index, double delta) {
        double[] p = b.p().values().clone();
        p[index] += delta;
        return rebuild(b, Datum.batchedVector(b.size(), b.n(), p), b.h());
    }

    private static QpBatch withH(QpBatch b, int index, double delta) {
        double[] h = b.h().values().clone();
        h[index] += delta;
        return rebuild(b, b.p(), Datum.sharedVector(h));
    }

    private static QpBatch rebuild(QpBatch b, Datum p, Datum h) {
        return QpBatch.builder().Q(b.Q()).p(p).G(b.G()).h(h).A(b.A()).b(b.b()).build();
    }

    private static List<String> keys(JsonNode object) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return keys;
    }

    private static void assertVector(double[] expected, JsonNode actual, double tolerance, String what) {
        assertEquals(expected.length, actual.size(), what);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual.get(k).doubleValue(), tolerance, what + "[" + k + "]");
        }
    }

    /** A nested array of exactly these dimensions, numbers at the bottom. */
    private static void assertShape(JsonNode node, int... dims) {
        assertShape(node, dims, 0);
    }

    private static void assertShape(JsonNode node, int[] dims, int level) {
        if (level == dims.length) {
            assertTrue(node.isNumber(), "expected a number, got " + node);
            return;
        }
        assertTrue(node != null && node.isArray(), "expected an array at level " + level + ", got " + node);
        assertEquals(dims[level], node.size(), "length at level " + level + " of " + node);
        for (JsonNode child : node) {
            assertShape(child, dims, level + 1);
        }
    }
}
