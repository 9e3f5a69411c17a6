package io.github.diffqp.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    @Test
    void helpListsTheCommandsAndExitCodes() {
        CliRun run = CliRun.of("--help");
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        assertTrue(run.out().contains("Usage: diffqp"), run.out());
        assertTrue(run.out().contains("info"), run.out());
        assertTrue(run.out().contains("solve"), run.out());
        assertTrue(run.out().contains("Exit codes:"), run.out());
    }

    @Test
    void versionComesFromTheBuild() {
        CliRun run = CliRun.of("--version");
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        // Maven filters version.properties, so the project's version shows, not a placeholder.
        assertTrue(run.out().matches("(?s)DiffQP \\d+\\.\\d+\\.\\d+\\S*\\R.*"), run.out());
        assertEquals(Version.version(), run.out().lines().findFirst().orElseThrow().substring("DiffQP ".length()));
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"info", "solve", "sudoku", "bench", "serve", "load"}) {
            // A stray % in a description makes picocli warn on the process's stderr and print it raw.
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            PrintStream original = System.err;
            CliRun run;
            try {
                System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
                run = CliRun.of(command, "--help");
            } finally {
                System.setErr(original);
            }
            assertEquals(ExitCodes.OK, run.code(), run.toString());
            assertTrue(run.out().contains("Usage: diffqp " + command), run.out());
            assertEquals("", stderr.toString(StandardCharsets.UTF_8), command + " --help");
        }
    }

    @Test
    void noCommandIsAUsageErrorOnOneLine() {
        CliRun run = CliRun.of();
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.err());
        assertTrue(run.err().startsWith("diffqp: missing command"), run.err());
    }

    @Test
    void unknownCommandIsAUsageErrorOnOneLine() {
        CliRun run = CliRun.of("frobnicate");
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.err());
        assertTrue(run.err().startsWith("diffqp: ") && run.err().contains("frobnicate"), run.err());
    }
}
