package io.github.diffqp.benchmarks;

import io.github.diffqp.solver.QpProblem;
import org.ojalgo.matrix.store.R064Store;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.convex.ConvexSolver;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * ojAlgo's convex QP solver (its default active-set method) on DiffQP's problems: the peer that runs in
 * the same JVM. ojAlgo solves one problem at a time and has no gradients; a batch is solved either one
 * problem after another or spread over the cores with a parallel stream (the common fork-join pool, as
 * DiffQP's CPU backend uses).
 *
 * <p>ojAlgo minimizes {@code ½xᵀQx − Cᵀx}, so {@code C = −p}. Building its model is part of the timed
 * work, as building the backend's data is part of DiffQP's.
 */
public final class OjAlgoSolver {
    /** One batch's answers: x stacked B×n, and how many problems ojAlgo reported optimal. */
    public record Answer(double[] x, int optimal) {
    }

    private OjAlgoSolver() {
    }

    /** Solves every problem, in order, on this thread. */
    public static Answer sequential(List<QpProblem> problems) {
        return solveAll(problems, false);
    }

    /** Solves the problems spread over the cores. */
    public static Answer parallel(List<QpProblem> problems) {
        return solveAll(problems, true);
    }

    private static Answer solveAll(List<QpProblem> problems, boolean parallel) {
        int B = problems.size(), n = problems.get(0).n();
        double[] x = new double[B * n];
        boolean[] optimal = new boolean[B];
        IntStream range = IntStream.range(0, B);
        (parallel ? range.parallel() : range).forEach(i -> optimal[i] = solve(problems.get(i), x, i * n));
        int count = 0;
        for (boolean o : optimal) {
            count += o ? 1 : 0;
        }
        return new Answer(x, count);
    }

    /**
     * Solves one problem, writing its x at {@code x[offset..offset+n)}.
     *
     * @return whether ojAlgo reports the answer optimal
     */
    public static boolean solve(QpProblem pr, double[] x, int offset) {
        int n = pr.n();
        double[][] q = new double[n][];
        double[][] c = new double[n][1];
        for (int r = 0; r < n; r++) {
            q[r] = Arrays.copyOfRange(pr.Q(), r * n, (r + 1) * n);
            c[r][0] = -pr.p()[r];
        }
        ConvexSolver.Builder builder = ConvexSolver.newBuilder()
                .objective(R064Store.FACTORY.rows(q), R064Store.FACTORY.rows(c));
        for (int j = 0; j < pr.q(); j++) {
            builder.equality(pr.b()[j], Arrays.copyOfRange(pr.A(), j * n, (j + 1) * n));
        }
        for (int j = 0; j < pr.m(); j++) {
            builder.inequality(pr.h()[j], Arrays.copyOfRange(pr.G(), j * n, (j + 1) * n));
        }
        Optimisation.Result result = builder.build().solve();
        for (int k = 0; k < n; k++) {
            x[offset + k] = result.doubleValue(k);
        }
        return result.getState().isOptimal();
    }
}
