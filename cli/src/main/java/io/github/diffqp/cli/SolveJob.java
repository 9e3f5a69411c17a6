package io.github.diffqp.cli;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.batching.CostModel;
import io.github.diffqp.batching.PackedBatch;
import io.github.diffqp.batching.Packer;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The work of {@code diffqp solve}: solves a {@link ProblemSet} (and, given ∂ℓ/∂x*, runs the backward)
 * and assembles the {@link SolutionFile} in memory. Nothing here touches the disk, so the caller writes
 * the file only once everything has succeeded.
 */
final class SolveJob {
    /** p, h and b are vectors; the rest are matrices (a one-column G is still a matrix in the file). */

    private SolveJob() {
    }

    /**
     * The outcome of a run.
     *
     * @param file       the solution file, complete, not yet written
     * @param status     every problem's status, in input order
     * @param iterations every problem's iteration count, in input order
     * @param batches    how many batches were solved
     * @param padded     how many problems were padded to share a batch with larger ones
     * @param gradients  the gradient keys written (dQ, dp, ...), empty without a backward
     */
    record Result(SolutionFile file, Status[] status, int[] iterations, int batches, int padded,
                  List<String> gradients) {
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
            SolutionFile file = SolutionFile.forBatch(solution).putGradients(gradients);
            return result(file, solution, 1, keys(gradients));
        }
    }

    /**
     * Solves a list of single problems of possibly different shapes, packed into batches by the batching
     * module's {@link Packer} with the cost model of the backend that runs ({@code options} names it):
     * one batch per shape, and shapes padded into a common batch where that is cheaper. Results (and, with
     * {@code dlDx}, one array per problem, the gradients) are cut back to each problem's own shape and put
     * back in input order.
     */
    static Result solveProblems(List<QpProblem> problems, SolverOptions options, List<double[]> dlDx) {
        int count = problems.size();
        SolutionFile file = SolutionFile.forProblems(count);
        Status[] status = new Status[count];
        int[] iterations = new int[count];
        List<PackedBatch> batches = new Packer(CostModel.forBackend(options.backend())).pack(problems);
        Set<Parameter> withGradient = EnumSet.noneOf(Parameter.class); // problems without G or A have no dG, dA
        int padded = 0;
        for (PackedBatch pb : batches) {
            padded += pb.paddedCount();
            if (dlDx == null) {
                QpSolution solution = QpSolver.solve(pb.batch(), options);
                for (int j = 0; j < pb.size(); j++) {
                    entry(file, pb.index(j), pb.solution(solution, j), problems, status, iterations);
                }
                continue;
            }
            try (LayerForward forward = new QpLayer(options).forward(pb.batch())) {
                QpSolution solution = forward.solution();
                Gradients gradients = forward.backward(pb.dlDx(dlDx));
                for (int j = 0; j < pb.size(); j++) {
                    SolutionFile.Entry entry = entry(file, pb.index(j), pb.solution(solution, j), problems, status,
                            iterations);
                    Map<Parameter, Datum> own = pb.gradients(gradients, j);
                    own.forEach((p, d) -> {
                        if (p.isVector()) {
                            entry.putVector(p.gradientKey(), d.values());
                        } else {
                            entry.putMatrix(p.gradientKey(), d.values(), d.rows(), d.cols());
                        }
                    });
                    withGradient.addAll(own.keySet());
                }
            }
        }
        return new Result(file, status, iterations, batches.size(), padded,
                withGradient.stream().map(Parameter::gradientKey).toList());
    }

    /**
     * Sets entry {@code index} to {@code solution} (that problem alone, in its own shape) and records its
     * status and iteration count.
     */
    private static SolutionFile.Entry entry(SolutionFile file, int index, QpSolution solution, List<QpProblem> problems,
                                            Status[] status, int[] iterations) {
        status[index] = solution.status(0);
        iterations[index] = solution.iterations(0);
        SolutionFile.Entry entry = file.set(index, solution, 0);
        double constant = problems.get(index).objectiveConstant();
        if (constant != 0) {
            // JSON problems have no constant; problems read from other formats (QPS) may, and their
            // users compare objectives with the source's.
            entry.objectiveConstant(constant);
        }
        return entry;
    }

    private static Result result(SolutionFile file, QpSolution solution, int batches, List<String> gradients) {
        Status[] status = new Status[solution.size()];
        int[] iterations = new int[solution.size()];
        for (int i = 0; i < status.length; i++) {
            status[i] = solution.status(i);
            iterations[i] = solution.iterations(i);
        }
        return new Result(file, status, iterations, batches, 0, gradients);
    }
    /** The parameters that have a gradient (absent data have none), in file order. */
    private static List<Parameter> present(Gradients gradients) {
        return EnumSet.allOf(Parameter.class).stream().filter(gradients::has).toList();
    }

    private static List<String> keys(Gradients gradients) {
        return present(gradients).stream().map(Parameter::gradientKey).toList();
    }
}
