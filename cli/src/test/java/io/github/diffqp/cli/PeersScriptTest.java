package io.github.diffqp.cli;

import io.github.diffqp.benchmarks.BenchCase;
import io.github.diffqp.benchmarks.Cases;
import io.github.diffqp.solver.SolverOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code benchmarks/peers/run_peers.py} on an export: whatever is installed, it exits 0 and says which
 * peers it ran and which it skipped. Skipped where there is no python3.
 */
class PeersScriptTest {
    private static final Path SCRIPT = Path.of("..", "benchmarks", "peers", "run_peers.py");

    @TempDir
    static Path dir;

    @BeforeAll
    static void exportTinyCases() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(SCRIPT), "no " + SCRIPT + " (not run from the cli module)");
        Assumptions.assumeTrue(python3Runs(), "python3 is not installed");
        List<BenchCase> cases = List.of(Cases.parse("random:2x5x4x1"), Cases.parse("sudoku:2"));
        BenchExport.write(dir.resolve("cases"), cases, List.of(), SolverOptions.defaults().withBackend("cpu"),
                "test", "test");
    }

    @Test
    void exitsZeroAndReportsEveryPeer() throws Exception {
        Output out = python(List.of(SCRIPT.toString(), dir.resolve("cases").toString(), "--repeats", "1",
                "--warmup", "0", "--max-seconds", "5"));
        assertEquals(0, out.code, out.text);
        for (String peer : List.of("qpth", "qpax", "cvxpylayers")) {
            assertTrue(out.text.contains(peer), peer + " in\n" + out.text);
        }
        // Here, typically, none is installed; where one is, it runs and the table shows it.
        assertTrue(out.text.contains("not installed") || out.text.contains("max rel dgrad")
                || out.text.contains("numpy"), out.text);
        assertTrue(out.text.contains("cases       2"), out.text);
    }

    @Test
    void withoutNumpyItSaysSoAndExitsZero() throws Exception {
        // -S leaves site-packages off the path: numpy (and every peer) is then missing, as on a bare python.
        Output out = python(List.of("-S", SCRIPT.toString(), dir.resolve("cases").toString()));
        assertEquals(0, out.code, out.text);
        assertTrue(out.text.contains("numpy") || out.text.contains("not installed"), out.text);
        assertTrue(out.text.contains("skipped"), out.text);
    }

    @Test
    void aDirectoryWithoutManifestIsAUsageError(@TempDir Path empty) throws Exception {
        Output out = python(List.of(SCRIPT.toString(), empty.toString()));
        assertEquals(2, out.code, out.text);
        assertTrue(out.text.contains("manifest.json"), out.text);
    }

    private record Output(int code, String text) {
    }

    private static Output python(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Read before waiting, so that a full pipe cannot stall the script.
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("run_peers.py did not finish:\n" + text);
        }
        return new Output(p.exitValue(), text);
    }

    private static boolean python3Runs() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
