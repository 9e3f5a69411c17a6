package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code diffqp solve --in problem.qps}: one QPS problem, its objective reported with the constant. */
class QpsInputTest {
    /** The Maros–Meszaros files live in the test module; their absence is a failure, not a skip. */
    private static final Path MAROS_MESZAROS = Path.of("../test/src/test/resources/maros-meszaros");

    @TempDir
    Path dir;

    @Test
    void hs21IsSolvedWithItsObjectiveConstant() throws IOException {
        // min 0.01 x1² + x2² − 100  s.t. 10 x1 − x2 ≥ 10, 2 ≤ x1 ≤ 50, −50 ≤ x2 ≤ 50:  x* = (2, 0), f* = −99.96
        Path in = MAROS_MESZAROS.resolve("HS21.QPS");
        assertTrue(Files.isRegularFile(in), "missing " + in.toAbsolutePath());
        Path out = dir.resolve("hs21.json");
        CliRun run = CliRun.of("solve", "--in", in.toString(), "--out", out.toString());
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        JsonNode root = JsonFiles.MAPPER.readTree(out.toFile());
        assertTrue(root.isArray(), "one problem per QPS file, written as a list of one");
        assertEquals(1, root.size());
        JsonNode sol = root.get(0);
        assertEquals("solved", sol.get("status").textValue());
        double withConstant = sol.get("objective_with_constant").doubleValue();
        assertEquals(-99.96, withConstant, 1e-6 * 99.96);
        assertEquals(withConstant + 100, sol.get("objective").doubleValue(), 1e-9, "c0 = −100");
        assertEquals(2, sol.get("x").get(0).doubleValue(), 1e-6);
        assertEquals(0, sol.get("x").get(1).doubleValue(), 1e-6);
        assertTrue(run.out().contains("solved 1/1"), run.out());
    }

    @Test
    void theExtensionIsMatchedInAnyCase() throws IOException {
        Path in = Files.copy(MAROS_MESZAROS.resolve("HS35.QPS"), dir.resolve("hs35.qps"));
        Path out = dir.resolve("hs35.json");
        CliRun run = CliRun.of("solve", "--in", in.toString(), "--out", out.toString());
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        JsonNode sol = JsonFiles.MAPPER.readTree(out.toFile()).get(0);
        assertEquals(1.0 / 9, sol.get("objective_with_constant").doubleValue(), 1e-6);
    }

    @Test
    void aMalformedQpsFileIsAUsageErrorNamingTheLineAndWritesNothing() throws IOException {
        Path in = Files.writeString(dir.resolve("broken.qps"), """
                NAME          BROKEN
                ROWS
                 N  obj
                 L  c1
                COLUMNS
                    x1        obj       1.0          c1        one
                ENDATA
                """);
        Path out = dir.resolve("broken.json");
        CliRun run = CliRun.of("solve", "--in", in.toString(), "--out", out.toString());
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.toString());
        assertTrue(run.err().startsWith("diffqp: "), run.err());
        assertTrue(run.err().contains("broken.qps:6:"), run.err());
        assertTrue(run.err().contains("bad number 'one'"), run.err());
        assertFalse(Files.exists(out));
    }
}
