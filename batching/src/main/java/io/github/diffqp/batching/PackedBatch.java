package io.github.diffqp.batching;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Some problems of a list, {@linkplain Padding padded} to one {@link Shape} and stacked into one
 * {@link QpBatch}, with what it takes to hand each its own results: member {@code j} of the batch is
 * problem {@link #index(int) index(j)} of the list that was packed, and its solution and gradients are cut
 * back to its own shape.
 *
 * <pre>{@code
 * for (PackedBatch pb : new Packer(CostModel.cpu()).pack(problems)) {
 *     QpSolution solved = QpSolver.solve(pb.batch(), options);
 *     for (int j = 0; j < pb.size(); j++) {
 *         results[pb.index(j)] = pb.solution(solved, j);   // in problem index(j)'s own shape
 *     }
 * }
 * }</pre>
 */
public final class PackedBatch {
    private final Shape shape;
    private final int[] indices;
    private final Shape[] own;
    private final QpBatch batch;
    private final int padded;

    /**
     * @param shape   the common shape; every member must fit in it
     * @param indices the members' positions in {@code all}
     */
    PackedBatch(Shape shape, int[] indices, List<QpProblem> all) {
        this.shape = shape;
        this.indices = indices.clone();
        this.own = new Shape[indices.length];
        List<QpProblem> members = new ArrayList<>(indices.length);
        int count = 0;
        for (int j = 0; j < indices.length; j++) {
            QpProblem problem = all.get(indices[j]);
            own[j] = Shape.of(problem);
            if (!own[j].equals(shape)) {
                count++;
            }
            members.add(Padding.pad(problem, shape));
        }
        this.padded = count;
        this.batch = QpBatch.stack(members);
    }

    /** The common shape of the batch. */
    public Shape shape() {
        return shape;
    }

    /** The number of members. */
    public int size() {
        return indices.length;
    }

    /** The position of member {@code j} in the list that was packed. */
    public int index(int j) {
        return indices[j];
    }

    /** The positions of all members in the list that was packed, ascending (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    /** Member {@code j}'s own shape. */
    public Shape memberShape(int j) {
        return own[j];
    }

    /** Whether member {@code j} was padded (its own shape is smaller than the batch's). */
    public boolean isPadded(int j) {
        return !own[j].equals(shape);
    }

    /** How many members were padded. */
    public int paddedCount() {
        return padded;
    }

    /** The members, padded and stacked, every datum per problem. */
    public QpBatch batch() {
        return batch;
    }

    /** Member {@code j}'s solution in its own shape, from the solution of {@link #batch()}. */
    public QpSolution solution(QpSolution batchSolution, int j) {
        requireBatchSized(batchSolution.size());
        return Padding.cut(batchSolution, j, own[j]);
    }

    /**
     * The members' ∂ℓ/∂x*, stacked {@code size × n} in the batch's shape as the layer's backward takes it,
     * zero on added variables.
     *
     * @param perProblem one array per problem of the list that was packed, in its order, each as long as
     *                   that problem's n
     */
    public double[] dlDx(List<double[]> perProblem) {
        int n = shape.n();
        double[] stacked = new double[indices.length * n];
        for (int j = 0; j < indices.length; j++) {
            double[] g = perProblem.get(indices[j]);
            if (g.length != own[j].n()) {
                throw new IllegalArgumentException("dl_dx of problem " + indices[j] + ": " + g.length
                        + " values, expected n = " + own[j].n());
            }
            System.arraycopy(Padding.padVector(g, n), 0, stacked, j * n, n);
        }
        return stacked;
    }

    /**
     * Member {@code j}'s gradients in its own shape, each a datum of batch size one, from the backward of
     * {@link #batch()}: those that {@code gradients} holds and member {@code j} has data for (no dG, dh
     * when its m = 0; no dA, db when its q = 0), in {@link Parameter} order.
     */
    public Map<Parameter, Datum> gradients(Gradients gradients, int j) {
        Map<Parameter, Datum> out = new EnumMap<>(Parameter.class);
        for (Parameter p : Parameter.values()) {
            Datum d = Padding.cut(p, gradients.get(p), j, own[j]);
            if (d != null) {
                out.put(p, d);
            }
        }
        return out;
    }

    private void requireBatchSized(int size) {
        if (size != indices.length) {
            throw new IllegalArgumentException("a solution of " + size + " problems for a batch of " + indices.length);
        }
    }
}
