package io.github.diffqp.spark;

import io.github.diffqp.solver.SolverOptions;

import java.io.Serializable;

/**
 * What the executors need to solve with: the solver's settings that a user may change, and how many rows
 * of a partition are packed and solved together. Travels to the executors with the task (a
 * {@link SolverOptions} is not serializable, so it is rebuilt there).
 *
 * @param backend       {@code auto} (the executor's best: CUDA where a GPU is usable, else the CPU), {@code cpu}
 *                      or {@code cuda}
 * @param tolerance     the solver's relative tolerance
 * @param maxIterations the solver's iteration limit
 * @param rowsPerChunk  rows of a partition read, packed by shape and solved before the next are read; bounds
 *                      an executor's memory whatever the partition's size
 */
public record SolveSettings(String backend, double tolerance, int maxIterations, int rowsPerChunk)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The solver's defaults, 4096 rows per chunk. */
    public static final int DEFAULT_ROWS_PER_CHUNK = 4096;

    public SolveSettings {
        if (rowsPerChunk < 1) {
            throw new IllegalArgumentException("rowsPerChunk must be at least 1, got " + rowsPerChunk);
        }
        options(backend, tolerance, maxIterations); // refuses bad values here, on the driver
    }

    public static SolveSettings defaults() {
        SolverOptions d = SolverOptions.defaults();
        return new SolveSettings(d.backend(), d.tolerance(), d.maxIterations(), DEFAULT_ROWS_PER_CHUNK);
    }

    public SolveSettings withBackend(String value) {
        return new SolveSettings(value, tolerance, maxIterations, rowsPerChunk);
    }

    public SolveSettings withTolerance(double value) {
        return new SolveSettings(backend, value, maxIterations, rowsPerChunk);
    }

    public SolveSettings withMaxIterations(int value) {
        return new SolveSettings(backend, tolerance, value, rowsPerChunk);
    }

    public SolveSettings withRowsPerChunk(int value) {
        return new SolveSettings(backend, tolerance, maxIterations, value);
    }

    /** The solver's options these settings stand for. */
    public SolverOptions options() {
        return options(backend, tolerance, maxIterations);
    }

    private static SolverOptions options(String backend, double tolerance, int maxIterations) {
        return SolverOptions.defaults().withBackend(backend).withTolerance(tolerance).withMaxIterations(maxIterations);
    }
}
