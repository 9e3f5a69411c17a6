package io.github.diffqp.batching;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.github.diffqp.testing.Agreement.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackerTest {
    /** See PaddingTest: at this tolerance padded and unpadded answers agree well within 1e-8. */
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(1e-11);

    private static QpProblem zeros(int n, int m, int q) {
        return new QpProblem(n, new double[n * n], new double[n], new double[m * n], new double[m], new double[q * n],
                new double[q], 0);
    }

    private static List<Shape> shapes(List<PackedBatch> batches) {
        return batches.stream().map(PackedBatch::shape).toList();
    }

    /**
     * 0·x = 1 has no solution: its status is primal_infeasible alone and when padded into a batch with
     * problems of other shapes (docs/DESIGN.md §2.7), and its neighbours' answers are their own.
     */
    @Test
    void aProblemsStatusIsTheSameAloneAndPacked() {
        QpProblem impossible = new QpProblem(1, new double[] {1}, new double[] {0}, new double[0], new double[0],
                new double[] {0}, new double[] {1}, 0);
        Random rnd = new Random(5);
        List<QpProblem> problems = List.of(impossible, TestProblems.feasible(rnd, new Shape(3, 4, 1)),
                TestProblems.feasible(rnd, new Shape(4, 2, 2)));
        List<QpSolution> packed = new Packer(CostModel.accelerator()).solve(problems, SolverOptions.defaults());
        assertEquals(1, new Packer(CostModel.accelerator()).pack(problems).size(), "one padded batch");
        for (int i = 0; i < problems.size(); i++) {
            QpSolution alone = QpSolver.solve(problems.get(i).asBatch());
            assertEquals(alone.status(0), packed.get(i).status(0), "problem " + i);
            if (i > 0) {
                assertClose(alone.x(0), packed.get(i).x(0), 1e-9, "x of problem " + i);
            }
        }
        assertEquals(io.github.diffqp.solver.Status.PRIMAL_INFEASIBLE, packed.get(0).status(0));
    }

    @Test
    void withoutOverheadProblemsAreGroupedByExactShapeInOrderOfFirstAppearance() {
        List<QpProblem> problems = List.of(zeros(2, 0, 0), zeros(3, 1, 0), zeros(2, 0, 0), zeros(3, 2, 0), zeros(3, 1, 0));
        List<PackedBatch> batches = new Packer(CostModel.exactShapes()).pack(problems);
        assertEquals(List.of(new Shape(2, 0, 0), new Shape(3, 1, 0), new Shape(3, 2, 0)), shapes(batches));
        assertArrayEquals(new int[] {0, 2}, batches.get(0).indices());
        assertArrayEquals(new int[] {1, 4}, batches.get(1).indices());
        assertArrayEquals(new int[] {3}, batches.get(2).indices());
        assertEquals(0, batches.stream().mapToInt(PackedBatch::paddedCount).sum());
        assertTrue(new Packer(CostModel.exactShapes()).pack(List.of()).isEmpty());
    }

    @Test
    void onTheCpuLoneProblemsStayApart() {
        // examples/problems/mixed-shapes.json: a batch of one runs inline, so merging them would cost more.
        List<PackedBatch> batches = new Packer(CostModel.cpu()).pack(List.of(zeros(2, 0, 0), zeros(3, 6, 1), zeros(4, 0, 2)));
        assertEquals(List.of(new Shape(2, 0, 0), new Shape(3, 6, 1), new Shape(4, 0, 2)), shapes(batches));
    }

    @Test
    void onTheCpuGroupsOfSimilarSmallProblemsMergeAndLargeOnesDoNot() {
        List<QpProblem> problems = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            problems.add(zeros(3, 4, 1));
            problems.add(zeros(3, 6, 1));
            problems.add(zeros(40, 80, 10));
            problems.add(zeros(30, 60, 5));
        }
        List<PackedBatch> batches = new Packer(CostModel.cpu()).pack(problems);
        assertEquals(List.of(new Shape(3, 6, 1), new Shape(40, 80, 10), new Shape(30, 60, 5)), shapes(batches));
        assertEquals(8, batches.get(0).size());
        assertEquals(4, batches.get(0).paddedCount());
        assertTrue(batches.get(0).isPadded(0));
        assertFalse(batches.get(0).isPadded(1));
        assertEquals(new Shape(3, 4, 1), batches.get(0).memberShape(0));
        assertArrayEquals(new int[] {0, 1, 4, 5, 8, 9, 12, 13}, batches.get(0).indices());
    }

    @Test
    void aLaunchBoundBackendPacksSmallProblemsOfAnyShapeTogether() {
        List<PackedBatch> batches = new Packer(CostModel.accelerator())
                .pack(List.of(zeros(2, 0, 0), zeros(3, 6, 1), zeros(4, 0, 2)));
        assertEquals(List.of(new Shape(4, 6, 2)), shapes(batches));
        assertEquals(3, batches.get(0).paddedCount());
    }

    @Test
    void mergingIntoABatchWithInequalitiesCostsTheIterationsOfAnInteriorPointSolve() {
        CostModel cpu = CostModel.cpu();
        assertEquals(1, CostModel.iterations(new Shape(4, 0, 2)));
        assertEquals(CostModel.IPM_ITERATIONS, CostModel.iterations(new Shape(4, 1, 2)));
        assertEquals(27 / 3.0 + 4 * 9 + 4 * 3 + 8 / 3.0, CostModel.flops(new Shape(3, 2, 2)), 1e-12);
        assertTrue(cpu.batchCost(new Shape(4, 1, 0), 2) > 10 * cpu.batchCost(new Shape(4, 0, 0), 2));
    }

    @Test
    void packedSolutionsAgreeWithSolvingEachProblemAlone() {
        Random rnd = new Random(21);
        List<Shape> mix = List.of(new Shape(3, 4, 1), new Shape(3, 6, 1), new Shape(4, 5, 0), new Shape(5, 0, 2));
        List<QpProblem> problems = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            Shape s = mix.get(k % mix.size());
            problems.add(k % 7 == 3 && s.m() >= 2 ? TestProblems.infeasible(rnd, s) : TestProblems.feasible(rnd, s));
        }
        for (CostModel model : List.of(CostModel.cpu(), CostModel.accelerator(), CostModel.exactShapes())) {
            Packer packer = new Packer(model);
            List<QpSolution> packed = packer.solve(problems, TIGHT);
            for (int i = 0; i < problems.size(); i++) {
                TestProblems.assertAgree(QpSolver.solve(problems.get(i).asBatch(), TIGHT), packed.get(i), 1e-8,
                        "problem " + i + " with " + model);
            }
        }
        assertEquals(1, new Packer(CostModel.accelerator()).pack(problems).size(), "the accelerator model pads");
    }

    @Test
    void packedGradientsAgreeWithEachProblemsOwn() {
        Random rnd = new Random(22);
        List<QpProblem> problems = List.of(TestProblems.feasible(rnd, new Shape(3, 4, 1)),
                TestProblems.feasible(rnd, new Shape(4, 0, 0)), TestProblems.feasible(rnd, new Shape(2, 5, 2)));
        List<double[]> dlDx = problems.stream().map(p -> TestProblems.gaussian(rnd, p.n())).toList();
        List<PackedBatch> batches = new Packer(CostModel.accelerator()).pack(problems);
        assertEquals(1, batches.size());
        PackedBatch pb = batches.get(0);
        try (LayerForward f = new QpLayer(TIGHT).forward(pb.batch())) {
            Gradients all = f.backward(pb.dlDx(dlDx));
            for (int j = 0; j < pb.size(); j++) {
                QpProblem own = problems.get(pb.index(j));
                Map<Parameter, Datum> got = pb.gradients(all, j);
                try (LayerForward alone = new QpLayer(TIGHT).forward(own.asBatch())) {
                    Gradients expected = alone.backward(dlDx.get(pb.index(j)));
                    List<Parameter> present = Arrays.stream(Parameter.values()).filter(expected::has).toList();
                    assertEquals(present, List.copyOf(got.keySet()), "problem " + pb.index(j));
                    for (Parameter p : present) {
                        assertClose(expected.get(p).values(), got.get(p).values(), 1e-6,
                                "d" + p.symbol() + " of problem " + pb.index(j));
                    }
                }
            }
        }
    }

    @Test
    void manyDistinctShapesArePackedQuicklyAndEachProblemExactlyOnce() {
        Random rnd = new Random(23);
        List<QpProblem> problems = new ArrayList<>();
        for (int k = 0; k < 600; k++) {
            problems.add(zeros(1 + rnd.nextInt(20), rnd.nextInt(20), rnd.nextInt(3)));
        }
        List<PackedBatch> batches = new Packer(CostModel.accelerator()).pack(problems);
        boolean[] seen = new boolean[problems.size()];
        int previousFirst = -1;
        for (PackedBatch pb : batches) {
            assertTrue(pb.index(0) > previousFirst, "batches in order of their first member");
            previousFirst = pb.index(0);
            for (int j = 0; j < pb.size(); j++) {
                assertFalse(seen[pb.index(j)], "problem " + pb.index(j) + " packed twice");
                seen[pb.index(j)] = true;
                assertTrue(pb.memberShape(j).fitsIn(pb.shape()));
                assertTrue(j == 0 || pb.index(j) > pb.index(j - 1), "members in input order");
            }
        }
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i], "problem " + i + " not packed");
        }
    }
}
