package io.github.diffqp.cli;

import io.github.diffqp.serve.InferClient;
import io.github.diffqp.serve.InferenceServer;
import io.github.diffqp.serve.ServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class ServeAndLoadCommandTest {

    /** A real process: listening on the port it prints, ready, then on SIGTERM drained and exit 0. */
    @Test
    void serveRunsUntilSigtermThenDrainsAndExitsZero() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--port", "0", "--backend", "cpu").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            Matcher m = Pattern.compile("diffqp serve: listening on (http://127\\.0\\.0\\.1:(\\d+)) \\(backend cpu, .*")
                    .matcher(String.valueOf(first));
            assertTrue(m.matches(), first);
            InferClient client = new InferClient(URI.create(m.group(1)));
            assertEquals(200, client.get("/v2/health/ready").status());
            process.toHandle().destroy(); // SIGTERM (Process.destroy would also close the streams read here)
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stopped");
            assertEquals("diffqp serve: drained and stopped", out.readLine());
            assertEquals(0, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void serveRefusesBadSettingsAsUsageErrors() {
        CliRun run = CliRun.of("serve", "--max-batch", "0");
        assertEquals(ExitCodes.USAGE, run.code(), run.toString());
        assertEquals("diffqp: max batch must be at least 1, got 0 (see 'diffqp serve --help')", run.err().strip());
        assertEquals(ExitCodes.USAGE, CliRun.of("serve", "--backend", "tpu").code());
    }

    @Test
    void loadReportsThroughputLatencyAnswersAndBatchSize() throws Exception {
        try (InferenceServer server = InferenceServer.start(ServerSettings.defaults().withPort(0))) {
            CliRun run = CliRun.of("load", "--url", server.uri().toString(), "--clients", "3", "--requests", "10",
                    "--warmup", "2", "--shape", "4,3,1", "--shape", "3,0,1", "--batch", "2");
            assertEquals(ExitCodes.OK, run.code(), run.toString());
            assertTrue(run.out().matches("(?s)requests +30 from 3 clients in .* s: \\d+ requests/s, \\d+ problems/s\\R.*"), run.out());
            assertTrue(run.out().contains("\nanswers     200: 30\n"), run.out());
            assertTrue(run.out().matches("(?s).*\nlatency +p50 .* ms, p90 .*, p99 .*, max .*"), run.out());
            Matcher batches = Pattern.compile("batches +(\\d+) solved, ([0-9.]+) problems a batch").matcher(run.out());
            assertTrue(batches.find(), run.out());
            // 60 problems in the measured run (a request's two may be solved in different batches).
            int count = Integer.parseInt(batches.group(1));
            assertTrue(count >= 1 && count <= 60, run.out());
            assertEquals(60.0 / count, Double.parseDouble(batches.group(2)), 0.051, run.out());
        }
    }

    @Test
    void loadWithoutAServerIsOneLineAndExitOne() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CliRun run = CliRun.of("load", "--url", "http://127.0.0.1:" + port, "--requests", "1");
        assertEquals(ExitCodes.FAILURE, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.err());
        assertTrue(run.err().startsWith("diffqp: cannot reach http://127.0.0.1:" + port), run.err());
        assertEquals(ExitCodes.USAGE, CliRun.of("load", "--shape", "3,2").code());
    }
}
