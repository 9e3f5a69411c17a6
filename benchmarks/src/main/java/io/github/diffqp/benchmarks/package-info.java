/**
 * Benchmarks of DiffQP and the side-by-side comparison with peer solvers (docs/DESIGN.md §5.1, §8.3).
 *
 * <ul>
 *   <li>{@link io.github.diffqp.benchmarks.Cases}: the workloads (random QPs, the Sudoku layer's shape,
 *       OptNet's timing workload), reproducible from a seed.</li>
 *   <li>{@link io.github.diffqp.benchmarks.DiffQpBenchmark}, {@link io.github.diffqp.benchmarks.OjAlgoBenchmark}:
 *       JMH benchmarks, run from {@code benchmarks/target/benchmarks.jar}, never by the build's tests.</li>
 *   <li>{@link io.github.diffqp.benchmarks.Comparison}: DiffQP against ojAlgo on the same problems, with the
 *       agreement of the answers and a finite-difference check of DiffQP's gradients
 *       ({@link io.github.diffqp.benchmarks.DirectionalCheck}); {@link io.github.diffqp.benchmarks.Report} and
 *       {@link io.github.diffqp.benchmarks.Chart} write it out. {@code diffqp bench} is its command line.</li>
 * </ul>
 * Peers outside the JVM (qpth, qpax, cvxpylayers) are run by {@code benchmarks/peers/run_peers.py} on the
 * problem files {@code diffqp bench --export DIR} writes.
 */
package io.github.diffqp.benchmarks;
