package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffqp.solver.QpBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code diffqp bench} end to end on the tiny set, with one timed run per row: outputs, not speed. */
class BenchCommandTest {
    /** The fewest runs: these tests check what is written, not how fast anything is. */
    private static final String[] FAST = {"--warmup", "0", "--repeats", "1", "--max-seconds", "0.01"};

    private static CliRun bench(String... args) {
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(List.of(FAST));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void tinySetWritesMarkdownJsonChartAndExport(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("bench.md"), json = dir.resolve("bench.json"), png = dir.resolve("bench.png");
        Path export = dir.resolve("cases");
        CliRun run = bench("--cases", "tiny", "--markdown", md.toString(), "--json", json.toString(),
                "--chart", png.toString(), "--export", export.toString());
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        assertTrue(run.out().contains("sudoku-b2") && run.out().contains("ojalgo"), run.out());
        assertTrue(run.out().contains("max rel Δgrad"), "the table is printed: " + run.out());

        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        assertEquals(4, rows.size(), "two cases × (diffqp, ojalgo)");
        for (JsonNode row : rows) {
            for (String key : List.of("case", "solver", "backend", "seconds_per_batch", "ratio_to_diffqp", "max_abs_dx",
                    "max_rel_dgrad")) {
                assertTrue(row.has(key), key + " in " + row);
            }
            assertTrue(row.get("seconds_per_batch").asDouble() > 0, row.toString());
        }
        JsonNode oj = rows.get(1);
        assertEquals("ojalgo", oj.get("solver").asText());
        assertTrue(oj.get("max_abs_dx").asDouble() < 1e-5, "x agrees: " + oj);
        assertTrue(oj.get("max_rel_dgrad").isNull(), "ojAlgo has no gradients");
        assertTrue(rows.get(0).get("max_rel_dgrad").asDouble() < 1e-2, "DiffQP's gradient check: " + rows.get(0));

        String markdown = Files.readString(md);
        assertTrue(markdown.contains("| case |") && markdown.contains("| random-b2-n6-m5-q2 |"), markdown);
        assertTrue(markdown.contains("Command: `diffqp bench --warmup 0"), markdown);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);

        JsonNode manifest = new ObjectMapper().readTree(export.resolve(BenchExport.MANIFEST).toFile());
        assertEquals(2, manifest.get("cases").size());
        JsonNode sudoku = manifest.get("cases").get(1);
        assertEquals("sudoku-b2", sudoku.get("case").asText());
        assertEquals("[\"Q\",\"G\",\"h\",\"A\",\"b\"]", sudoku.get("shared").toString());
        assertTrue(sudoku.get("diffqp_forward_seconds").asDouble() > 0);
        ProblemFile problems = ProblemFile.read(export.resolve(sudoku.get("problems").asText()));
        QpBatch batch = problems.batch();
        assertEquals(2, batch.size());
        assertTrue(batch.A().isShared(), "shared data stay shared in the export");
        double[] dlDx = GradientFile.read(export.resolve(sudoku.get("dl_dx").asText()), 2, 64);
        assertEquals(128, dlDx.length);
        JsonNode solution = new ObjectMapper().readTree(export.resolve(sudoku.get("diffqp").asText()).toFile());
        for (String key : List.of("x", "lambda", "nu", "dQ", "dp", "dG", "dh", "dA", "db")) {
            assertTrue(solution.has(key), key);
        }
        assertEquals(40, solution.get("dA").size(), "a shared datum's gradient has no batch axis");
        assertEquals(2, solution.get("dp").size());
    }

    @Test
    void singleCasesWithoutOjalgo() {
        CliRun run = bench("--case", "random:2x4x3x1", "--case", "random:1x3x2x0", "--no-ojalgo", "--no-grad-check");
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        assertTrue(run.out().contains("random-b2-n4-m3-q1") && run.out().contains("random-b1-n3-m2-q0"), run.out());
        assertFalse(run.out().contains("cpu, 1 thread"), "no ojAlgo rows: " + run.out());
    }

    @Test
    void badUsageIsRefusedBeforeAnyRun(@TempDir Path dir) {
        String[][] bad = {
                {"--case", "random:1x2"},
                {"--cases", "enormous"},
                {"--cases", "tiny", "--case", "sudoku:1"},
                {"--repeats", "0"},
                {"--ojalgo-max", "0"},
                {"--markdown", dir.resolve("no/such/dir/x.md").toString()},
                {"--json", dir.toString()},
                {"--export", dir.resolve("a/b").toString()}};
        for (String[] args : bad) {
            CliRun run = bench(args);
            assertEquals(ExitCodes.USAGE, run.code(), String.join(" ", args) + "\n" + run);
            assertEquals(1, run.errLines(), run.err());
            assertTrue(run.err().startsWith("diffqp: "), run.err());
            assertFalse(run.out().contains("machine"), "refused before the run: " + run.out());
        }
    }

    @Test
    void unknownBackendIsAUsageError() {
        CliRun run = bench("--cases", "tiny", "--backend", "abacus");
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertTrue(run.err().contains("abacus"), run.err());
    }

    @Test
    void helpNamesTheOutputsAndThePeersScript() {
        CliRun run = CliRun.of("bench", "--help");
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        for (String s : List.of("Usage: diffqp bench", "--quick", "--markdown", "--chart", "--json", "--export",
                "run_peers.py")) {
            assertTrue(run.out().contains(s), s + " in\n" + run.out());
        }
        assertTrue(CliRun.of("--help").out().contains("bench"), "listed by diffqp --help");
    }
}
