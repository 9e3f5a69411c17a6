package io.github.diffqp.benchmarks;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * JMH benchmarks of DiffQP's forward and backward on the comparison's workloads ({@link Cases}): the whole
 * batch per operation. Not run by the build; run them from the shaded jar:
 * <pre>
 *   mvn -pl benchmarks -am package -DskipTests
 *   java -jar benchmarks/target/benchmarks.jar DiffQpBenchmark            # all
 *   java -jar benchmarks/target/benchmarks.jar DiffQpBenchmark.backward -p spec=sudoku:64 -prof gc
 * </pre>
 * {@code spec} takes any case spec ({@code random:BxNxMxQ}, {@code sudoku:B}, {@code optnet:B}); {@code
 * backend} any backend name.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DiffQpBenchmark {
    /** The workload: a {@link Cases#parse} spec. */
    @Param({"random:1x16x16x4", "random:256x16x16x4", "random:1x64x64x16", "random:64x64x64x16", "sudoku:1",
            "sudoku:150", "optnet:1", "optnet:64", "optnet:128"})
    public String spec;

    /** The DiffQP backend. */
    @Param("cpu")
    public String backend;

    private BenchCase benchCase;
    private SolverOptions options;
    private QpLayer layer;
    /** Solved once per trial, so that {@link #backward} times the backward alone. */
    private LayerForward solved;

    @Setup(Level.Trial)
    public void setUp() {
        benchCase = Cases.parse(spec);
        options = SolverOptions.defaults().withBackend(backend);
        layer = new QpLayer(options);
        solved = layer.forward(benchCase.batch());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        solved.close();
    }

    /** The forward alone, as {@link QpSolver#solve} (nothing kept for a backward). */
    @Benchmark
    public QpSolution forward() {
        return QpSolver.solve(benchCase.batch(), options);
    }

    /** The layer's forward, keeping the factorization, then the backward: one training step's solver work. */
    @Benchmark
    public Gradients forwardBackward() {
        try (LayerForward f = layer.forward(benchCase.batch())) {
            return f.backward(benchCase.dlDx());
        }
    }

    /** The backward alone, on a forward made once (the backward reuses its factorization and can repeat). */
    @Benchmark
    public Gradients backward() {
        return solved.backward(benchCase.dlDx());
    }
}
