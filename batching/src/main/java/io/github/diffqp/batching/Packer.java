package io.github.diffqp.batching;

import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Packs problems of mixed shapes into batches. Problems of one shape always share a batch; groups of
 * different shapes are merged, padded to the smallest shape that {@linkplain Shape#cover covers} them,
 * while the {@link CostModel} says a merge is cheaper than keeping them apart.
 *
 * <p>The search is greedy: start from one group per exact shape and repeatedly make the merge that saves
 * the most, until none saves anything. With more than 128 distinct shapes the groups are first sorted by
 * their per-problem flops and searched in runs of 128 neighbours, which keeps the search O(G·128²) for G
 * shapes rather than O(G³); merges that pay are between shapes of similar cost anyway.
 *
 * <p>Batches come in the order of their first member in the input; members in input order.
 *
 * <pre>{@code
 * List<PackedBatch> batches = new Packer(CostModel.forBackend("cpu")).pack(problems);
 * List<QpSolution> solutions = new Packer(CostModel.cpu()).solve(problems, SolverOptions.defaults());
 * }</pre>
 */
public final class Packer {
    /** The most groups searched together for merges (the class comment says why). */
    private static final int SEARCH_WIDTH = 128;

    private final CostModel cost;

    public Packer(CostModel cost) {
        this.cost = Objects.requireNonNull(cost, "cost");
    }

    public CostModel costModel() {
        return cost;
    }

    /** The batches for {@code problems}; empty for an empty list. */
    public List<PackedBatch> pack(List<QpProblem> problems) {
        List<Shape> shapes = problems.stream().map(Shape::of).toList();
        List<PackedBatch> batches = new ArrayList<>();
        for (Group g : plan(shapes)) {
            batches.add(new PackedBatch(g.cover(), g.indices(), problems));
        }
        return batches;
    }

    /**
     * Solves every problem, packed as {@link #pack} packs them: one solution of size one per problem, in
     * its own shape and in input order.
     */
    public List<QpSolution> solve(List<QpProblem> problems, SolverOptions options) {
        QpSolution[] out = new QpSolution[problems.size()];
        for (PackedBatch pb : pack(problems)) {
            QpSolution solved = QpSolver.solve(pb.batch(), options);
            for (int j = 0; j < pb.size(); j++) {
                out[pb.index(j)] = pb.solution(solved, j);
            }
        }
        return Arrays.asList(out);
    }

    /** The groups for problems of these shapes, in order of their first member. */
    List<Group> plan(List<Shape> shapes) {
        List<Group> groups = exactGroups(shapes);
        if (groups.size() > SEARCH_WIDTH) {
            groups.sort(Comparator.comparingDouble(g -> CostModel.flops(g.cover())));
            List<Group> merged = new ArrayList<>();
            for (int from = 0; from < groups.size(); from += SEARCH_WIDTH) {
                merged.addAll(mergeWhilePaying(new ArrayList<>(groups.subList(from, Math.min(groups.size(),
                        from + SEARCH_WIDTH)))));
            }
            groups = merged;
        } else {
            groups = mergeWhilePaying(groups);
        }
        groups.sort(Comparator.comparingInt(g -> g.indices()[0]));
        return groups;
    }

    /** One group per shape, in order of first appearance. */
    private List<Group> exactGroups(List<Shape> shapes) {
        Map<Shape, List<Integer>> byShape = new LinkedHashMap<>();
        for (int i = 0; i < shapes.size(); i++) {
            byShape.computeIfAbsent(shapes.get(i), s -> new ArrayList<>()).add(i);
        }
        List<Group> groups = new ArrayList<>(byShape.size());
        byShape.forEach((shape, indices) -> groups.add(new Group(shape,
                indices.stream().mapToInt(Integer::intValue).toArray())));
        return groups;
    }

    /** Greedy: the merge that saves most, until none saves anything. */
    private List<Group> mergeWhilePaying(List<Group> groups) {
        while (groups.size() > 1) {
            double bestSaving = 0;
            int bestA = -1, bestB = -1;
            for (int a = 0; a < groups.size(); a++) {
                Group ga = groups.get(a);
                for (int b = a + 1; b < groups.size(); b++) {
                    Group gb = groups.get(b);
                    double apart = cost(ga.cover, ga.size()) + cost(gb.cover, gb.size());
                    double saving = apart - cost(ga.coverWith(gb), ga.size() + gb.size());
                    // A relative margin, so that rounding never makes a merge of equal cost look cheaper.
                    if (saving > bestSaving && saving > 1e-9 * apart) {
                        bestSaving = saving;
                        bestA = a;
                        bestB = b;
                    }
                }
            }
            if (bestA < 0) {
                break;
            }
            groups.set(bestA, groups.get(bestA).merge(groups.get(bestB)));
            groups.remove(bestB);
        }
        return groups;
    }

    private double cost(Shape shape, int size) {
        return cost.batchCost(shape, size);
    }

    /**
     * Problems that will share a batch, and the shape they are padded to. The cover of two groups is the
     * cover of their covers (a cover's {@code n − q} is its members' largest {@code n − q}), so a merge
     * need not look at the members' shapes again.
     *
     * @param indices ascending
     */
    record Group(Shape cover, int[] indices) {
        int size() {
            return indices.length;
        }

        Shape coverWith(Group o) {
            return Shape.cover(List.of(cover, o.cover));
        }

        Group merge(Group o) {
            int[] all = new int[indices.length + o.indices.length];
            int i = 0, j = 0, k = 0;
            while (i < indices.length || j < o.indices.length) {
                all[k++] = j == o.indices.length || (i < indices.length && indices[i] < o.indices[j])
                        ? indices[i++] : o.indices[j++];
            }
            return new Group(coverWith(o), all);
        }
    }
}
