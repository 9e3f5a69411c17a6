package io.github.diffqp.spark;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.batching.CostModel;
import io.github.diffqp.batching.PackedBatch;
import io.github.diffqp.batching.Packer;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.backend.Backends;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * The work of one Spark task: the rows of a partition, read in chunks, each chunk's problems packed by
 * shape (the batching module's {@link Packer}, with the cost model of the backend that runs) and solved
 * batched, answers handed back in row order. A malformed row is answered {@code invalid} without a solve;
 * a batch that the solver or the backward refuses (a gradient that overflows, say) is solved again one
 * problem at a time, so only the row at fault is answered {@code invalid} (docs/DESIGN.md §5.5).
 */
final class PartitionSolver {
    private PartitionSolver() {
    }

    /**
     * The answers of {@code rows}, in their order; with {@code backward}, every well-formed row's
     * {@link RowProblem#dlDx()} is set and the gradients are taken.
     */
    static List<RowResult> solve(List<RowProblem> rows, SolverOptions options, boolean backward) {
        ExecutorGpu.bindTaskGpu();
        RowResult[] out = new RowResult[rows.size()];
        List<QpProblem> problems = new ArrayList<>(rows.size());
        List<double[]> dlDx = new ArrayList<>(rows.size());
        List<Integer> rowOf = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            RowProblem row = rows.get(i);
            if (row.fault() != null) {
                out[i] = RowResult.invalid(row.fault());
            } else {
                problems.add(row.problem());
                dlDx.add(row.dlDx());
                rowOf.add(i);
            }
        }
        if (!problems.isEmpty()) {
            CostModel cost = CostModel.forBackend(Backends.select(options.backend()).name());
            for (PackedBatch pb : new Packer(cost).pack(problems)) {
                List<RowResult> answers = solveBatch(pb, problems, backward ? dlDx : null, options);
                for (int j = 0; j < pb.size(); j++) {
                    out[rowOf.get(pb.index(j))] = answers.get(j);
                }
            }
        }
        return List.of(out);
    }

    /** The answers of one packed batch, member by member; refused batches are split into lone problems. */
    private static List<RowResult> solveBatch(PackedBatch pb, List<QpProblem> problems, List<double[]> dlDx,
                                              SolverOptions options) {
        try {
            return solvePacked(pb, dlDx, options);
        } catch (IllegalArgumentException refused) {
            List<RowResult> answers = new ArrayList<>(pb.size());
            for (int j = 0; j < pb.size(); j++) {
                int index = pb.index(j);
                List<QpProblem> alone = List.of(problems.get(index));
                List<double[]> itsDlDx = dlDx == null ? null : List.of(dlDx.get(index));
                try {
                    answers.add(solvePacked(new Packer(CostModel.exactShapes()).pack(alone).get(0), itsDlDx, options)
                            .get(0));
                } catch (IllegalArgumentException e) {
                    answers.add(RowResult.invalid(e.getMessage()));
                }
            }
            return answers;
        }
    }

    private static List<RowResult> solvePacked(PackedBatch pb, List<double[]> dlDx, SolverOptions options) {
        List<RowResult> answers = new ArrayList<>(pb.size());
        if (dlDx == null) {
            QpSolution solution = QpSolver.solve(pb.batch(), options);
            for (int j = 0; j < pb.size(); j++) {
                answers.add(RowResult.of(pb.solution(solution, j), null));
            }
            return answers;
        }
        try (LayerForward forward = new QpLayer(options).forward(pb.batch())) {
            QpSolution solution = forward.solution();
            Gradients gradients = forward.backward(pb.dlDx(dlDx));
            for (int j = 0; j < pb.size(); j++) {
                Map<Parameter, Datum> own = pb.gradients(gradients, j);
                answers.add(RowResult.of(pb.solution(solution, j), own));
            }
        }
        return answers;
    }

    /**
     * {@code rows} transformed {@code chunk} at a time: at most one chunk's inputs and outputs are held at
     * once, and outputs come in input order.
     */
    static <I, O> Iterator<O> inChunks(Iterator<I> rows, int chunk, Function<List<I>, List<O>> work) {
        return new Iterator<>() {
            private Iterator<O> current = List.<O>of().iterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && rows.hasNext()) {
                    List<I> in = new ArrayList<>(chunk);
                    while (in.size() < chunk && rows.hasNext()) {
                        in.add(rows.next());
                    }
                    current = work.apply(in).iterator();
                }
                return current.hasNext();
            }

            @Override
            public O next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
