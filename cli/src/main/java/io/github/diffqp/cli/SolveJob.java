package io.github.diffqp.cli;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The work of {@code diffqp solve}: solves a {@link ProblemSet} (and, given ∂ℓ/∂x*, runs the backward)
 * and assembles the {@link SolutionFile} in memory. Nothing here touches the disk, so the caller writes
 * the file only once everything has succeeded.
 */
final class SolveJob {
    /** p, h and b are vectors; the rest are matrices (a one-column G is still a matrix in the file). */
    private static final Set<Parameter> VECTORS = EnumSet.of(Parameter.P, Parameter.H, Parameter.B);

    private SolveJob() {
    }

    /**
     * The outcome of a run.
     *
     * @param file       the solution file, complete, not yet written
     * @param status     every problem's status, in input order
     * @param iterations every problem's iteration count, in input order
     * @param batches    how many batches were solved
     * @param gradients  the gradient keys written (dQ, dp, ...), empty without a backward
     */
    record Result(SolutionFile file, Status[] status, int[] iterations, int batches, List<String> gradients) {
    }

    /**
     * Solves a batch; with {@code dlDx} (B×n, or null for none) also the backward. Gradients of shared
     * data are the batch sums and have no batch axis in the file.
     */
    static Result solveBatch(QpBatch batch, SolverOptions options, double[] dlDx) {
        if (dlDx == null) {
            QpSolution solution = QpSolver.solve(batch, options);
            return result(SolutionFile.forBatch(solution), solution, 1, List.of());
        }
        try (LayerForward forward = new QpLayer(options).forward(batch)) {
            QpSolution solution = forward.solution();
            Gradients gradients = forward.backward(dlDx);
            SolutionFile file = SolutionFile.forBatch(solution);
            for (Parameter p : present(gradients)) {
                Datum d = gradients.get(p);
                int batchAxis = d.isShared() ? 0 : d.batchSize();
                if (VECTORS.contains(p)) {
                    file.putVector(p.gradientKey(), d.values(), batchAxis, d.rows());
                } else {
                    file.putMatrix(p.gradientKey(), d.values(), batchAxis, d.rows(), d.cols());
                }
            }
            return result(file, solution, 1, keys(gradients));
        }
    }

    /**
     * Solves a list of single problems of possibly different shapes: one batch per shape, results put back
     * in input order. With {@code dlDx} (one array per problem, or null for none) also the backward.
     */
    static Result solveProblems(List<QpProblem> problems, SolverOptions options, List<double[]> dlDx) {
        int count = problems.size();
        SolutionFile file = SolutionFile.forProblems(count);
        Status[] status = new Status[count];
        int[] iterations = new int[count];
        List<ShapeGroups.Group> groups = ShapeGroups.of(problems);
        Set<Parameter> withGradient = EnumSet.noneOf(Parameter.class); // groups without G or A have no dG, dA
        for (ShapeGroups.Group group : groups) {
            QpBatch batch = QpBatch.stack(group.members(problems));
            int[] index = group.indices();
            if (dlDx == null) {
                QpSolution solution = QpSolver.solve(batch, options);
                for (int j = 0; j < index.length; j++) {
                    entry(file, index[j], solution, j, problems);
                }
                record(solution, index, status, iterations);
                continue;
            }
            try (LayerForward forward = new QpLayer(options).forward(batch)) {
                QpSolution solution = forward.solution();
                Gradients gradients = forward.backward(stackRows(dlDx, index, batch.n()));
                for (int j = 0; j < index.length; j++) {
                    SolutionFile.Entry entry = entry(file, index[j], solution, j, problems);
                    for (Parameter p : present(gradients)) {
                        Datum d = gradients.get(p);
                        if (VECTORS.contains(p)) {
                            entry.putVector(p.gradientKey(), d.problem(j));
                        } else {
                            entry.putMatrix(p.gradientKey(), d.problem(j), d.rows(), d.cols());
                        }
                    }
                }
                record(solution, index, status, iterations);
                withGradient.addAll(present(gradients));
            }
        }
        return new Result(file, status, iterations, groups.size(),
                withGradient.stream().map(Parameter::gradientKey).toList());
    }

    private static SolutionFile.Entry entry(SolutionFile file, int index, QpSolution solution, int j,
                                            List<QpProblem> problems) {
        SolutionFile.Entry entry = file.set(index, solution, j);
        double constant = problems.get(index).objectiveConstant();
        if (constant != 0) {
            // JSON problems have no constant; problems read from other formats (QPS) may, and their
            // users compare objectives with the source's.
            entry.objectiveConstant(constant);
        }
        return entry;
    }

    /** The rows of {@code perProblem} at {@code index}, stacked row-major as the layer wants them. */
    private static double[] stackRows(List<double[]> perProblem, int[] index, int n) {
        double[] stacked = new double[index.length * n];
        for (int j = 0; j < index.length; j++) {
            System.arraycopy(perProblem.get(index[j]), 0, stacked, j * n, n);
        }
        return stacked;
    }

    private static void record(QpSolution solution, int[] index, Status[] status, int[] iterations) {
        for (int j = 0; j < index.length; j++) {
            status[index[j]] = solution.status(j);
            iterations[index[j]] = solution.iterations(j);
        }
    }

    private static Result result(SolutionFile file, QpSolution solution, int batches, List<String> gradients) {
        int[] all = new int[solution.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        Status[] status = new Status[solution.size()];
        int[] iterations = new int[solution.size()];
        record(solution, all, status, iterations);
        return new Result(file, status, iterations, batches, gradients);
    }

    /** The parameters that have a gradient (absent data have none), in file order. */
    private static List<Parameter> present(Gradients gradients) {
        return EnumSet.allOf(Parameter.class).stream().filter(gradients::has).toList();
    }

    private static List<String> keys(Gradients gradients) {
        return present(gradients).stream().map(Parameter::gradientKey).toList();
    }
}
