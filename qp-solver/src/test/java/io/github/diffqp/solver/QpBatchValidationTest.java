package io.github.diffqp.solver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every check of {@link QpBatch.Builder#build()}: the message names the datum and the problem. */
class QpBatchValidationTest {
    private static final Datum Q2 = Datum.shared(2, 2, new double[] {1, 0, 0, 1});
    private static final Datum P2 = Datum.sharedVector(new double[] {1, 1});

    private static InvalidProblemException refused(Executable e, String datum, int problem, String message) {
        InvalidProblemException ex = assertThrows(InvalidProblemException.class, e);
        assertEquals(datum, ex.datum());
        assertEquals(problem, ex.problem());
        assertEquals(message, ex.getMessage());
        return ex;
    }

    @Test
    void missingP() {
        refused(() -> QpBatch.builder().Q(Q2).build(), "p", -1, "p: the linear term p is required (it fixes n)");
    }

    @Test
    void noVariables() {
        refused(() -> QpBatch.builder().p(Datum.sharedVector(new double[0])).build(), "p", -1,
                "p: no variables (n = 0): a problem needs at least one");
        refused(() -> QpBatch.builder().p(Datum.batchedVector(2, 0, new double[0])).G(Datum.shared(1, 0, new double[0]))
                .h(Datum.sharedVector(new double[] {1})).build(), "p", -1,
                "p: no variables (n = 0): a problem needs at least one");
    }

    @Test
    void wrongShapes() {
        refused(() -> QpBatch.builder().Q(Datum.shared(3, 3, new double[9])).p(P2).build(), "Q", -1,
                "Q: shape is 3×3, expected 2×2 (n = 2, the length of p)");
        refused(() -> QpBatch.builder().Q(Q2).p(P2).G(Datum.shared(1, 3, new double[3]))
                .h(Datum.sharedVector(new double[1])).build(), "G", -1, "G: shape is 1×3, expected 1×2 (n = 2, the length of p)");
        refused(() -> QpBatch.builder().Q(Q2).p(P2).G(Datum.shared(1, 2, new double[2]))
                .h(Datum.sharedVector(new double[2])).build(), "h", -1, "h: shape is 2×1, expected 1×1 (a vector of m = 1, the rows of G)");
        refused(() -> QpBatch.builder().Q(Q2).p(P2).A(Datum.shared(1, 2, new double[2]))
                .b(Datum.sharedVector(new double[3])).build(), "b", -1, "b: shape is 3×1, expected 1×1 (a vector of q = 1, the rows of A)");
    }

    /** Like the example (an indefinite Q on a box, once "solved" at a non-optimal point): refused. */
    @Test
    void nonconvexQIsRefusedNamingTheProblem() {
        double[] indefinite = {-1, 1.2, 0.3, 1.2, -0.5, 0.8, 0.3, 0.8, -0.3};
        double[] box = {1, 0, 0, 0, 1, 0, 0, 0, 1, -1, 0, 0, 0, -1, 0, 0, 0, -1};
        double[] ones = {1, 1, 1, 1, 1, 1};
        InvalidProblemException shared = assertThrows(InvalidProblemException.class, () -> QpBatch.builder()
                .Q(Datum.shared(3, 3, indefinite)).p(Datum.sharedVector(new double[3]))
                .G(Datum.shared(6, 3, box)).h(Datum.sharedVector(ones)).build());
        assertEquals("Q", shared.datum());
        assertEquals(-1, shared.problem());
        assertTrue(shared.getMessage().startsWith("Q: not positive semidefinite"), shared.getMessage());
        // Per problem: the first nonconvex one is named; a negative diagonal entry of a diagonal Q is caught too.
        double[] qs = new double[3 * 4];
        qs[0] = qs[3] = 1;                    // problem 0: identity, convex
        qs[4] = 1; qs[7] = -1e-3;             // problem 1: diag(1, −1e-3)
        qs[8] = 2; qs[9] = qs[10] = 3; qs[11] = 2; // problem 2: eigenvalues 5 and −1
        InvalidProblemException batched = assertThrows(InvalidProblemException.class, () -> QpBatch.builder()
                .Q(Datum.batched(3, 2, 2, qs)).p(P2).build());
        assertEquals(1, batched.problem());
        assertTrue(batched.getMessage().contains("breaks down at row 1"), batched.getMessage());
    }

    /** Positive semidefinite Q that are singular or carry rounding (a computed Gram matrix) are accepted. */
    @Test
    void semidefiniteQIsAccepted() {
        java.util.Random rnd = new java.util.Random(7);
        int n = 40, rank = 10;
        double[] g = new double[rank * n];
        for (int k = 0; k < g.length; k++) {
            g[k] = rnd.nextGaussian() * 1e3;
        }
        double[] gram = new double[n * n]; // GᵀG of rank 10: 30 zero eigenvalues, each off by rounding
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double sum = 0;
                for (int k = 0; k < rank; k++) {
                    sum += g[k * n + r] * g[k * n + c];
                }
                gram[r * n + c] = sum;
            }
        }
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < r; c++) {
                gram[r * n + c] = gram[c * n + r]; // exactly symmetric, as the builder requires
            }
        }
        QpBatch.builder().Q(Datum.shared(n, n, gram)).p(Datum.sharedVector(new double[n])).build();
        QpBatch.builder().p(P2).build(); // an LP: Q = 0
        QpBatch.builder().Q(Datum.shared(2, 2, new double[] {1, 1, 1, 1})).p(P2).build(); // rank one
    }

    /** n beyond a dense solver's reach is refused before anything of size n² is allocated. */
    @Test
    void tooManyVariablesAreRefusedBeforeAllocating() {
        int n = QpBatch.MAX_VARIABLES + 1;
        refused(() -> QpBatch.builder().p(Datum.sharedVector(new double[n])).build(), "p", -1,
                "p: n = 46341 variables is more than DiffQP can hold: its solver is dense and an n×n matrix of"
                        + " more than 2³¹ entries fits no Java array (n ≤ 46340)");
    }

    @Test
    void pairsGoTogether() {
        refused(() -> QpBatch.builder().Q(Q2).p(P2).h(Datum.sharedVector(new double[1])).build(), "G", -1,
                "G: G and h go together: h is given without G");
        refused(() -> QpBatch.builder().Q(Q2).p(P2).A(Datum.shared(1, 2, new double[2])).build(), "b", -1,
                "b: A and b go together: A is given without b");
    }

    @Test
    void mismatchedBatchSizes() {
        refused(() -> QpBatch.builder().Q(Datum.batched(3, 2, 2, new double[12]))
                        .p(Datum.batchedVector(4, 2, new double[8])).build(), "p", -1,
                "p: holds 4 problems but Q holds 3");
        refused(() -> QpBatch.builder().size(2).Q(Q2).p(Datum.batchedVector(4, 2, new double[8])).build(), "p", -1,
                "p: holds 4 problems but the declared batch size holds 2");
    }

    @Test
    void nonFiniteValuesNameTheProblemAndEntry() {
        double[] ps = {1, 2, 3, Double.NaN, 5, 6};
        refused(() -> QpBatch.builder().Q(Q2).p(Datum.batchedVector(3, 2, ps)).build(), "p", 1,
                "p of problem 1: value p[1] is NaN");
        double[] gs = new double[2 * 2 * 2];
        gs[7] = Double.POSITIVE_INFINITY;
        refused(() -> QpBatch.builder().Q(Q2).p(P2).G(Datum.batched(2, 2, 2, gs))
                .h(Datum.sharedVector(new double[2])).build(), "G", 1, "G of problem 1: value G[1][1] is Infinity");
        refused(() -> QpBatch.builder().Q(Datum.shared(2, 2, new double[] {1, Double.NaN, 0, 1})).p(P2).build(), "Q",
                -1, "Q: shared value Q[0][1] is NaN");
    }

    @Test
    void asymmetricQ() {
        double[] qs = {1, 0, 0, 1, 1, 0.5, 0.4, 1};
        refused(() -> QpBatch.builder().Q(Datum.batched(2, 2, 2, qs)).p(P2).build(), "Q", 1,
                "Q of problem 1: not symmetric: Q[0][1] = 0.5 but Q[1][0] = 0.4");
        // Within the tolerance: accepted.
        QpBatch.builder().Q(Datum.shared(2, 2, new double[] {1, 0.5, 0.5 + 1e-12, 1})).p(P2).build();
    }

    @Test
    void stackingRefusesMixedShapes() {
        QpProblem a = new QpProblem(1, new double[] {1}, new double[] {0}, new double[0], new double[0], new double[0],
                new double[0], 0);
        QpProblem b = new QpProblem(2, new double[] {1, 0, 0, 1}, new double[] {0, 0}, new double[0], new double[0],
                new double[0], new double[0], 0);
        refused(() -> QpBatch.stack(List.of(a, a, b)), "batch", 2,
                "batch of problem 2: shape (n=2, m=0, q=0) differs from problem 0's (n=1, m=0, q=0)");
    }

    @Test
    void objectiveConstantTravelsWithTheProblems() {
        QpProblem a = new QpProblem(1, new double[] {1}, new double[] {0}, new double[0], new double[0], new double[0],
                new double[0], -2.5);
        QpProblem b = new QpProblem(1, new double[] {1}, new double[] {1}, new double[0], new double[0], new double[0],
                new double[0], 7);
        QpBatch stacked = QpBatch.stack(List.of(a, b));
        assertEquals(-2.5, stacked.objectiveConstant(0));
        assertEquals(7, stacked.objectiveConstant(1));
        assertEquals(7, stacked.problem(1).objectiveConstant());
        assertEquals(-2.5, a.asBatch().objectiveConstant(0));
        assertEquals(0, QpBatch.builder().Q(Q2).p(P2).build().objectiveConstant(0));
        refused(() -> QpBatch.builder().Q(Q2).p(P2).objectiveConstant(Datum.sharedVector(new double[2])).build(), "c0",
                -1, "c0: shape is 2×1, expected 1×1 (one constant per problem)");
        refused(() -> QpBatch.builder().Q(Q2).p(Datum.batchedVector(3, 2, new double[6]))
                        .objectiveConstant(Datum.batchedVector(2, 1, new double[2])).build(), "c0", -1,
                "c0: holds 2 problems but p holds 3");
        refused(() -> QpBatch.builder().Q(Q2).p(P2).objectiveConstant(Datum.sharedVector(new double[] {Double.NaN}))
                .build(), "c0", -1, "c0: shared value c0[0] is NaN");
    }

    @Test
    void datumChecksItsLength() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Datum.batched(2, 2, 2, new double[7]));
        assertEquals("expected 8 values for 2 × 2×2, got 7", ex.getMessage());
    }

    @Test
    void sharedDataAreNotCopied() {
        double[] q = {2, 0, 0, 2};
        QpBatch batch = QpBatch.builder().Q(Datum.shared(2, 2, q)).p(Datum.batchedVector(5, 2, new double[10])).build();
        assertEquals(5, batch.size());
        assertEquals(q, batch.Q().values());
    }
}
