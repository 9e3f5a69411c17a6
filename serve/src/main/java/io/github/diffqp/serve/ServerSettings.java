package io.github.diffqp.serve;

import io.github.diffqp.solver.SolverOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link InferenceServer}, named after Triton's dynamic-batching knobs where one exists.
 * Immutable; change a setting with a {@code with...} method.
 *
 * @param host            the address to bind (default 127.0.0.1: only this machine)
 * @param port            the port (default 8000, as Triton; 0 picks a free one)
 * @param maxBatch        the most problems solved in one batch (Triton's max_batch_size)
 * @param maxQueueDelay   how long the oldest queued problem waits for others (Triton's max_queue_delay_microseconds;
 *                        zero: a free solver takes whatever is queued at once)
 * @param maxQueue        the most problems accepted and not yet answered; a request that would exceed it gets 503
 * @param defaultTimeout  a request's timeout unless its {@code timeout_ms} parameter says otherwise; past it, 504
 * @param maxRequestBytes the largest request body accepted; larger ones get 413
 * @param solverThreads   threads solving batches (and gradients) at once
 * @param options         solver settings; a request's {@code tolerance} and {@code max_iterations} override them
 */
public record ServerSettings(String host, int port, int maxBatch, Duration maxQueueDelay, int maxQueue,
                             Duration defaultTimeout, long maxRequestBytes, int solverThreads, SolverOptions options) {
    public ServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        require(port >= 0 && port <= 65535, "port must be in 0..65535, got " + port);
        require(maxBatch >= 1, "max batch must be at least 1, got " + maxBatch);
        require(!maxQueueDelay.isNegative(), "max queue delay must not be negative, got " + maxQueueDelay);
        require(maxQueue >= 1, "max queue must be at least 1, got " + maxQueue);
        require(defaultTimeout.toMillis() >= 1, "timeout must be at least 1 ms, got " + defaultTimeout);
        require(maxRequestBytes >= 1024, "max request size must be at least 1024 bytes, got " + maxRequestBytes);
        require(solverThreads >= 1, "solver threads must be at least 1, got " + solverThreads);
    }

    /** 127.0.0.1:8000, batches of up to 64, no queue delay, 1024 queued problems, 30 s timeout, 64 MiB bodies, 1 solver thread. */
    public static ServerSettings defaults() {
        return new ServerSettings("127.0.0.1", 8000, 64, Duration.ZERO, 1024, Duration.ofSeconds(30), 64L << 20, 1,
                SolverOptions.defaults());
    }

    public ServerSettings withHost(String value) {
        return new ServerSettings(value, port, maxBatch, maxQueueDelay, maxQueue, defaultTimeout, maxRequestBytes, solverThreads, options);
    }

    public ServerSettings withPort(int value) {
        return new ServerSettings(host, value, maxBatch, maxQueueDelay, maxQueue, defaultTimeout, maxRequestBytes, solverThreads, options);
    }

    public ServerSettings withMaxBatch(int value) {
        return new ServerSettings(host, port, value, maxQueueDelay, maxQueue, defaultTimeout, maxRequestBytes, solverThreads, options);
    }

    public ServerSettings withMaxQueueDelay(Duration value) {
        return new ServerSettings(host, port, maxBatch, value, maxQueue, defaultTimeout, maxRequestBytes, solverThreads, options);
    }

    public ServerSettings withMaxQueue(int value) {
        return new ServerSettings(host, port, maxBatch, maxQueueDelay, value, defaultTimeout, maxRequestBytes, solverThreads, options);
    }

    public ServerSettings withDefaultTimeout(Duration value) {
        return new ServerSettings(host, port, maxBatch, maxQueueDelay, maxQueue, value, maxRequestBytes, solverThreads, options);
    }

    public ServerSettings withMaxRequestBytes(long value) {
        return new ServerSettings(host, port, maxBatch, maxQueueDelay, maxQueue, defaultTimeout, value, solverThreads, options);
    }

    public ServerSettings withSolverThreads(int value) {
        return new ServerSettings(host, port, maxBatch, maxQueueDelay, maxQueue, defaultTimeout, maxRequestBytes, value, options);
    }

    public ServerSettings withOptions(SolverOptions value) {
        return new ServerSettings(host, port, maxBatch, maxQueueDelay, maxQueue, defaultTimeout, maxRequestBytes, solverThreads, value);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
