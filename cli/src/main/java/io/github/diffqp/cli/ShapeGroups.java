package io.github.diffqp.cli;

import io.github.diffqp.solver.QpProblem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Problems of mixed shapes grouped by shape (n, m, q), so that each group is solved as one batch rather
 * than problem by problem. Groups come in the order their shapes first appear; each remembers the input
 * indices of its members, in input order, so results can be put back in place.
 */
final class ShapeGroups {
    private ShapeGroups() {
    }

    /** The size of a problem: variables, inequality rows, equality rows. */
    record Shape(int n, int m, int q) {
        static Shape of(QpProblem p) {
            return new Shape(p.n(), p.m(), p.q());
        }

        @Override
        public String toString() {
            return "n=" + n + ", m=" + m + ", q=" + q;
        }
    }

    /** The problems of one shape: their indices in the input, ascending. */
    record Group(Shape shape, int[] indices) {
        /** The members, in the group's order (which batch position {@code j} refers to). */
        List<QpProblem> members(List<QpProblem> all) {
            List<QpProblem> list = new ArrayList<>(indices.length);
            for (int i : indices) {
                list.add(all.get(i));
            }
            return list;
        }
    }

    static List<Group> of(List<QpProblem> problems) {
        Map<Shape, List<Integer>> byShape = new LinkedHashMap<>();
        for (int i = 0; i < problems.size(); i++) {
            byShape.computeIfAbsent(Shape.of(problems.get(i)), s -> new ArrayList<>()).add(i);
        }
        List<Group> groups = new ArrayList<>(byShape.size());
        byShape.forEach((shape, indices) -> groups.add(new Group(shape, indices.stream().mapToInt(Integer::intValue).toArray())));
        return groups;
    }
}
