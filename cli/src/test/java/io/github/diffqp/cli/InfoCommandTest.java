package io.github.diffqp.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoCommandTest {

    @Test
    void reportsVersionRuntimeBackendsAndTheAutoChoice() {
        CliRun run = CliRun.of("info");
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        String out = run.out();
        assertTrue(out.contains("DiffQP      " + Version.version()), out);
        assertTrue(out.contains(System.getProperty("java.version")), out);
        assertTrue(out.contains("cores       " + Runtime.getRuntime().availableProcessors()), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+cpu\\s+priority \\d+\\s+usable yes\\s+.+")), out);
        // The CPU backend is always there, so auto picks it or a better one; either way it is named.
        assertTrue(out.lines().anyMatch(l -> l.matches("auto\\s+\\w+")), out);
        assertEquals("", run.err());
    }
}
