package io.github.diffqp.cli;

import io.github.diffqp.serve.InferenceServer;
import io.github.diffqp.serve.ServerSettings;
import io.github.diffqp.solver.SolverOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code diffqp serve}: the Open Inference Protocol server of the {@code serve} module (docs/DESIGN.md §6.6) on
 * the command line. It runs until SIGTERM (or Ctrl-C), then drains, ready turning false, accepted requests
 * finishing, new ones refused with 503, and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {
                "Serve the models qp and qp-grad over HTTP with the Open Inference Protocol (KServe V2, as Triton's "
                        + "HTTP API); concurrent requests are solved together in batches. Metrics at /metrics.",
                "Runs until SIGTERM or Ctrl-C, then drains (accepted requests finish, new ones get 503) and exits 0."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:stopped by SIGTERM or Ctrl-C after draining",
                "1:the address cannot be bound",
                "2:bad usage",
                "3:the backend cannot run here"})
final class ServeCommand implements Callable<Integer> {
    private static final ServerSettings DEFAULTS = ServerSettings.defaults();

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address to bind (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface)")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8000",
            description = "port (default: ${DEFAULT-VALUE}, as Triton; 0 picks a free one and prints it)")
    int port;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "64",
            description = "most problems solved in one batch (default: ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--max-queue-delay-us", paramLabel = "US", defaultValue = "0",
            description = "how long the oldest queued problem waits for others, in microseconds (default: "
                    + "${DEFAULT-VALUE}: a free solver takes whatever is queued at once)")
    long maxQueueDelayMicros;

    @Option(names = "--max-queue", paramLabel = "N", defaultValue = "1024",
            description = "most problems accepted and not yet answered; past it requests get 503 (default: ${DEFAULT-VALUE})")
    int maxQueue;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "30000",
            description = "a request's timeout unless its timeout_ms parameter says otherwise; past it, 504 "
                    + "(default: ${DEFAULT-VALUE})")
    long timeoutMillis;

    @Option(names = "--max-request-bytes", paramLabel = "BYTES", defaultValue = "67108864",
            description = "largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}, 64 MiB)")
    long maxRequestBytes;

    @Option(names = "--solver-threads", paramLabel = "N", defaultValue = "1",
            description = "batches solved at once (default: ${DEFAULT-VALUE}; the backend already uses every core)")
    int solverThreads;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}: the best usable one)")
    String backend;

    @Option(names = "--tol", paramLabel = "TOL", defaultValue = SolveCommand.DEFAULT_TOLERANCE,
            description = "default relative tolerance; a request's tolerance parameter overrides it (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = SolveCommand.DEFAULT_MAX_ITERATIONS,
            description = "default iteration limit; a request's max_iterations parameter overrides it (default: ${DEFAULT-VALUE})")
    int maxIterations;

    @Override
    public Integer call() throws InterruptedException {
        ServerSettings settings = settings();
        InferenceServer server;
        try {
            server = InferenceServer.start(settings);
        } catch (IOException e) {
            throw CliException.failure("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("diffqp serve: listening on %s (backend %s, max batch %d, max queue delay %d us, max queue %d)%n",
                server.uri(), server.backend(), maxBatch, maxQueueDelayMicros, maxQueue);
        out.flush();
        // SIGTERM and Ctrl-C run the shutdown hooks: drain there, then end the process with 0, since the JVM
        // would otherwise report the signal (143) although everything accepted was answered.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.drain(settings.defaultTimeout());
            out.println("diffqp serve: drained and stopped");
            out.flush();
            Runtime.getRuntime().halt(ExitCodes.OK);
        }, "diffqp-serve-drain"));
        server.join();
        return ExitCodes.OK;
    }

    private ServerSettings settings() {
        // The backend first, so that an unusable one is exit code 3 with its reason.
        String resolved = SolveCommand.backend(backend).name();
        try {
            SolverOptions options = SolverOptions.defaults().withTolerance(tolerance).withMaxIterations(maxIterations)
                    .withBackend(resolved);
            return DEFAULTS.withHost(host).withPort(port).withMaxBatch(maxBatch)
                    .withMaxQueueDelay(Duration.ofNanos(Math.multiplyExact(maxQueueDelayMicros, 1000)))
                    .withMaxQueue(maxQueue).withDefaultTimeout(Duration.ofMillis(timeoutMillis))
                    .withMaxRequestBytes(maxRequestBytes).withSolverThreads(solverThreads).withOptions(options);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
