package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffqp.solver.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlca.npy.NpyArray;
import org.openlca.npy.NpyDataType;
import org.openlca.npy.Npz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code diffqp solve} with NumPy files (docs/DESIGN.md §6.6), against fixtures written by NumPy itself
 * (src/test/resources/npz/make_fixtures.py): the same batch as examples/problems/small-batch.json in several
 * layouts and dtypes, a loss gradient, and one file per fault. Solutions written as {@code .npz} are read
 * back through the NPY library.
 */
class NpzInputTest {
    static final Path FIXTURES = Path.of("src/test/resources/npz");
    /** examples/problems/README.md, small-batch.json. */
    private static final double[] SMALL_X = {0.6, 0.32, 0.08, 0, 0.6, 0.4, 0, 0, 1};
    private static final double[] SMALL_OBJECTIVE = {-1.248, -0.7, -2.25};

    @TempDir
    Path dir;

    private static String fixture(String name) {
        Path file = FIXTURES.resolve(name);
        assertTrue(Files.isRegularFile(file), "missing fixture " + file.toAbsolutePath());
        return file.toString();
    }

    private static String example(String name) {
        return ExampleFilesTest.examples().resolve(name).toString();
    }

    /** Solves and returns the written file; the run must succeed. */
    private Path solve(String out, String... args) {
        Path target = dir.resolve(out);
        String[] all = new String[args.length + 3];
        all[0] = "solve";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--out";
        all[args.length + 2] = target.toString();
        CliRun run = CliRun.of(all);
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        return target;
    }

    private static NpyArray<?> entry(Path npz, String name) {
        assertTrue(Npz.entries(npz.toFile()).contains(name + ".npy"), name + " in " + Npz.entries(npz.toFile()));
        return Npz.read(npz.toFile(), name + ".npy");
    }

    private static double[] doubles(Path npz, String name, int... shape) {
        NpyArray<?> a = entry(npz, name);
        assertEquals(NpyDataType.f8, a.dataType(), name);
        assertArrayEquals(shape, a.shape(), name);
        assertFalse(a.hasColumnOrder(), name);
        return a.asDoubleArray().data();
    }

    private static double[] flat(JsonNode nested) {
        List<Double> values = new ArrayList<>();
        collect(nested, values);
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(JsonNode node, List<Double> values) {
        if (node.isArray()) {
            node.forEach(child -> collect(child, values));
        } else {
            values.add(node.doubleValue());
        }
    }

    // ---- problems in, solution out ----

    @ParameterizedTest
    @ValueSource(strings = {"small-batch.npz", "small-batch-compressed.npz", "small-batch-variants.npz"})
    void anNpzBatchSolvesLikeItsJsonTwin(String name) throws IOException {
        Path fromJson = solve("json.json", "--in", example("small-batch.json"));
        Path fromNpz = solve("npz.npz", "--in", fixture(name));
        JsonNode json = JsonFiles.MAPPER.readTree(fromJson.toFile());
        // The variants hold the same numbers in other dtypes and layouts (Q repeated per problem, G column-major).
        double tolerance = name.contains("variants") ? 1e-12 : 0;
        double[] x = doubles(fromNpz, "x", 3, 3);
        assertArrayEquals(flat(json.get("x")), x, tolerance);
        assertArrayEquals(SMALL_X, x, 1e-6, "the reference optima of examples/problems/README.md");
        assertArrayEquals(flat(json.get("lambda")), doubles(fromNpz, "lambda", 3, 4), 1e-9);
        assertArrayEquals(flat(json.get("nu")), doubles(fromNpz, "nu", 3, 1), 1e-9);
        assertArrayEquals(SMALL_OBJECTIVE, doubles(fromNpz, "objective", 3), 1e-6);
        assertArrayEquals(flat(json.get("gap")), doubles(fromNpz, "gap", 3), 1e-12);

        NpyArray<?> status = entry(fromNpz, "status");
        assertEquals(NpyDataType.i4, status.dataType());
        int solved = NumpyOutput.STATUS_CODES.indexOf(Status.SOLVED);
        assertArrayEquals(new int[] {solved, solved, solved}, status.asIntArray().data());
        NpyArray<?> iterations = entry(fromNpz, "iterations");
        assertEquals(NpyDataType.i4, iterations.dataType());
        for (int i = 0; i < 3; i++) {
            assertEquals(json.get("iterations").get(i).intValue(), iterations.asIntArray().data()[i]);
        }
        for (String flag : List.of("polished", "degenerate")) {
            NpyArray<?> a = entry(fromNpz, flag);
            assertEquals(NpyDataType.bool, a.dataType(), flag);
            for (int i = 0; i < 3; i++) {
                assertEquals(json.get(flag).get(i).booleanValue(), a.asBooleanArray().data()[i], flag + "[" + i + "]");
            }
        }
    }

    @Test
    void everyStatusHasADocumentedCode() {
        assertEquals(List.of(Status.values()).size(), NumpyOutput.STATUS_CODES.size());
        assertTrue(NumpyOutput.STATUS_CODES.containsAll(List.of(Status.values())));
        assertEquals(List.of("solved", "max_iterations", "primal_infeasible", "dual_infeasible", "numerical_error"),
                NumpyOutput.STATUS_CODES.stream().map(Status::label).toList(), "the mapping README.md documents");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dl_dx.npy", "dl_dx.npz"})
    void numpyGradientsGiveTheJsonGradients(String gradient) throws IOException {
        Path fromJson = solve("json.json", "--in", example("small-batch.json"), "--grad", fixture("dl_dx.json"));
        Path fromNpz = solve("npz.npz", "--in", fixture("small-batch.npz"), "--grad", fixture(gradient));
        JsonNode json = JsonFiles.MAPPER.readTree(fromJson.toFile());
        // Q, G, h, A, b are shared (no batch axis), so their gradients are batch sums without one; p is per problem.
        int[][] shapes = {{3, 3}, {3, 3}, {4, 3}, {4}, {1, 3}, {1}};
        String[] keys = {"dQ", "dp", "dG", "dh", "dA", "db"};
        for (int k = 0; k < keys.length; k++) {
            double[] fromFile = doubles(fromNpz, keys[k], shapes[k]);
            assertArrayEquals(flat(json.get(keys[k])), fromFile, 0, keys[k]);
        }
        // An independent check: problem 2's solution (0, 0, 1) is a vertex fixed by its three active constraints
        // (x₁ ≥ 0, x₂ ≥ 0, x₁ + x₂ + x₃ = 1), so x* does not move with p and dℓ/dp is zero.
        double[] dp = doubles(fromNpz, "dp", 3, 3);
        assertArrayEquals(new double[] {0, 0, 0}, Arrays.copyOfRange(dp, 6, 9), 1e-9);
    }

    @Test
    void aJsonBatchMayHaveAnNpyGradientAndAnNpzSolution() throws IOException {
        Path out = solve("out.npz", "--in", example("small-batch.json"), "--grad", fixture("dl_dx.npy"));
        assertArrayEquals(SMALL_X, doubles(out, "x", 3, 3), 1e-6);
        doubles(out, "dQ", 3, 3);
    }

    @Test
    void aQpsProblemIsWrittenAsAStackOfOne() {
        Path out = solve("hs21.npz", "--in", "../test/src/test/resources/maros-meszaros/HS21.QPS");
        assertArrayEquals(new double[] {2, 0}, doubles(out, "x", 1, 2), 1e-6);
        assertArrayEquals(new double[] {-99.96}, doubles(out, "objective_with_constant", 1), 1e-6);
    }

    @Test
    void problemsOfDifferentShapesAreRefusedAnNpzSolutionBeforeTheSolve() {
        Path out = dir.resolve("mixed.npz");
        CliRun run = CliRun.of("solve", "--in", example("mixed-shapes.json"), "--out", out.toString());
        assertRefused(run, out, "an .npz solution stacks the problems along one axis, but problem 1 has (n, m, q) = (3, 6, 1)");
    }

    // ---- faults ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "missing-p.npz      | missing-p.npz: missing array p (the linear term is required; it fixes n)",
            "wrong-columns.npz  | wrong-columns.npz: G has shape (3, 2, 5) but p says n = 4",
            "complex-q.npz      | complex-q.npz: Q: unsupported data type: <c16; expected float64",
            "bool-g.npz         | bool-g.npz: G has dtype bool; expected float64 (float32 and integer arrays are widened)",
            "unknown-array.npz  | unknown-array.npz: unknown array 'c' (expected Q, p, G, h, A, b)",
            "single-array.npy   | single-array.npy: problems are an .npz archive of arrays named Q, p, G, h, A, b",
            "truncated.npz      | truncated.npz: not an .npz archive (a zip of .npy arrays): zip END header not found"})
    void aFaultyProblemsFileIsOneLineExit2AndNoFile(String name, String message) {
        Path out = dir.resolve("solution.npz");
        assertRefused(CliRun.of("solve", "--in", fixture(name), "--out", out.toString()), out, message);
    }

    @Test
    void anNpyRenamedToNpzIsToldApart() throws IOException {
        Path in = Files.copy(FIXTURES.resolve("single-array.npy"), dir.resolve("problems.npz"));
        Path out = dir.resolve("solution.npz");
        assertRefused(CliRun.of("solve", "--in", in.toString(), "--out", out.toString()), out,
                "this is an .npy file (one array); an .npz archive of named arrays is needed here (numpy.savez)");
    }

    @Test
    void aGradientOfTheWrongShapeOrWithNaNIsRefused() throws IOException {
        Path out = dir.resolve("solution.npz");
        // single-array.npy is (3, 3) like small-batch's x, so it is a gradient for it; one of mixed-shapes.json's n differ.
        assertRefused(CliRun.of("solve", "--in", example("mixed-shapes.json"), "--grad", fixture("single-array.npy"),
                "--out", dir.resolve("s.json").toString()), dir.resolve("s.json"), "single-array.npy: the problems differ in n [2, 3, 4], which one array cannot hold");
        assertRefused(CliRun.of("solve", "--in", fixture("small-batch.npz"), "--grad", fixture("missing-p.npz"),
                "--out", out.toString()), out, "missing-p.npz: unknown array 'Q' (expected dl_dx)");
        Path wide = dir.resolve("wide.npy");
        byte[] npy = Files.readAllBytes(FIXTURES.resolve("dl_dx.npy"));
        // The same header with shape (3, 3) → (9,) would need a re-padded header; corrupt the data instead: a NaN.
        for (int k = npy.length - 8; k < npy.length - 1; k++) {
            npy[k] = (byte) 0xff;
        }
        npy[npy.length - 1] = (byte) 0x7f;
        Files.write(wide, npy);
        assertRefused(CliRun.of("solve", "--in", fixture("small-batch.npz"), "--grad", wide.toString(),
                "--out", out.toString()), out, "wide.npy: dl_dx holds NaN at flat index 8; every value must be finite");
    }

    /**
     * Regression (InputFuzzTest, gradient .npz): a zip whose end record claims a comment longer than the file
     * made java.util.zip throw a bare EOFException, not a ZipException, which left the reader unhandled.
     */
    @Test
    void aZipEndRecordCutShortIsAFormatError() throws IOException {
        byte[] zip = Files.readAllBytes(FIXTURES.resolve("dl_dx.npz"));
        zip[zip.length - 2] = 0;
        zip[zip.length - 1] = (byte) 0x80; // comment length 32768, no comment
        Path grad = Files.write(dir.resolve("cut.npz"), zip);
        Path out = dir.resolve("solution.npz");
        assertRefused(CliRun.of("solve", "--in", fixture("small-batch.npz"), "--grad", grad.toString(),
                "--out", out.toString()), out, "cut.npz: not an .npz archive (a zip of .npy arrays): it ends early");
    }

    private static void assertRefused(CliRun run, Path out, String message) {
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.toString());
        assertTrue(run.err().startsWith("diffqp: "), run.err());
        assertTrue(run.err().contains(message), "expected «" + message + "» in " + run.err());
        assertFalse(Files.exists(out), "nothing written");
    }
}
