package io.github.diffqp.cli;

import io.github.diffqp.solver.QpProblem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ShapeGroupsTest {

    private static QpProblem problem(int n, int m) {
        return new QpProblem(n, new double[n * n], new double[n], new double[m * n], new double[m], new double[0],
                new double[0], 0);
    }

    @Test
    void groupsByShapeInOrderOfFirstAppearanceKeepingInputIndices() {
        List<QpProblem> problems = List.of(problem(2, 0), problem(3, 1), problem(2, 0), problem(3, 2), problem(3, 1));
        List<ShapeGroups.Group> groups = ShapeGroups.of(problems);
        assertEquals(3, groups.size());
        assertEquals(new ShapeGroups.Shape(2, 0, 0), groups.get(0).shape());
        assertArrayEquals(new int[] {0, 2}, groups.get(0).indices());
        assertEquals(new ShapeGroups.Shape(3, 1, 0), groups.get(1).shape());
        assertArrayEquals(new int[] {1, 4}, groups.get(1).indices());
        assertArrayEquals(new int[] {3}, groups.get(2).indices());
        assertEquals(List.of(problems.get(1), problems.get(4)), groups.get(1).members(problems));
    }
}
