package io.github.diffqp.benchmarks;

import io.github.diffqp.solver.QpProblem;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JMH benchmarks of the in-JVM peer, ojAlgo's convex QP solver ({@link OjAlgoSolver}), on the same
 * workloads as {@link DiffQpBenchmark}: the whole batch per operation, one problem after another or spread
 * over the cores. Sizes stay moderate because ojAlgo's active-set method is slow on some problems.
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar OjAlgoBenchmark -p spec=optnet:64
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OjAlgoBenchmark {
    /** The workload: a {@link Cases#parse} spec. */
    @Param({"random:1x16x16x4", "random:256x16x16x4", "random:1x64x64x16", "random:64x64x64x16", "sudoku:1",
            "sudoku:150", "optnet:1", "optnet:64"})
    public String spec;

    private List<QpProblem> problems;

    @Setup(Level.Trial)
    public void setUp() {
        problems = Cases.parse(spec).problems();
    }

    @Benchmark
    public OjAlgoSolver.Answer sequential() {
        return OjAlgoSolver.sequential(problems);
    }

    @Benchmark
    public OjAlgoSolver.Answer parallel() {
        return OjAlgoSolver.parallel(problems);
    }
}
