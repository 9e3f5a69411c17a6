package io.github.diffqp.cli;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading well-formed problems files: shared vs batched, absent blocks, both forms, round trips. */
class ProblemFileTest {

    /** Single quotes keep the JSON in tests readable. */
    static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    @Test
    void sharedAndBatchedAreToldApartByDepth() {
        QpBatch batch = ProblemFile.parse(json("""
                {'Q': [[2, 1], [1, 3]],
                 'p': [[1, 2], [3, 4], [5, 6]],
                 'G': [[[1, 0]], [[0, 1]], [[1, 1]]],
                 'h': [7],
                 'A': [[1, -1]],
                 'b': [[0.5], [1.5], [-2.5e-3]]}
                """)).batch();
        assertEquals(3, batch.size());
        assertEquals(2, batch.n());
        assertEquals(1, batch.m());
        assertEquals(1, batch.q());
        assertShape(batch.Q(), true, 2, 2, new double[] {2, 1, 1, 3});
        assertShape(batch.p(), false, 2, 1, new double[] {1, 2, 3, 4, 5, 6});
        assertShape(batch.G(), false, 1, 2, new double[] {1, 0, 0, 1, 1, 1});
        assertShape(batch.h(), true, 1, 1, new double[] {7});
        assertShape(batch.A(), true, 1, 2, new double[] {1, -1});
        assertShape(batch.b(), false, 1, 1, new double[] {0.5, 1.5, -2.5e-3});
    }

    @Test
    void allSharedIsABatchOfOne() {
        ProblemFile file = ProblemFile.parse(json("{'Q': [[1]], 'p': [2], 'G': [[1]], 'h': [3]}"));
        assertTrue(file.isBatch());
        assertEquals(1, file.size());
        assertTrue(file.batch().p().isShared());
        assertThrows(IllegalStateException.class, file::problems);
    }

    @Test
    void absentBlocksAndAnAbsentQ() {
        QpBatch onlyObjective = ProblemFile.parse(json("{'Q': [[1, 0], [0, 1]], 'p': [[1, 1], [2, 2]]}")).batch();
        assertEquals(0, onlyObjective.m());
        assertEquals(0, onlyObjective.q());
        assertNull(onlyObjective.G());
        assertNull(onlyObjective.h());
        assertNull(onlyObjective.A());
        assertNull(onlyObjective.b());

        QpBatch lp = ProblemFile.parse(json("{'p': [1, 2], 'A': [[1, 1]], 'b': [1]}")).batch();
        assertShape(lp.Q(), true, 2, 2, new double[4]); // QpBatch's zero Q
        assertNull(lp.G());
        assertEquals(1, lp.q());
    }

    @Test
    void nullCountsAsAbsent() {
        QpBatch batch = ProblemFile.parse(json("{'Q': null, 'p': [1], 'G': null, 'h': null, 'A': null, 'b': null}")).batch();
        assertNull(batch.G());
        assertNull(batch.A());
    }

    @Test
    void pairsWithZeroRowsCountAsAbsent() {
        QpBatch shared = ProblemFile.parse(json("{'p': [1, 2], 'G': [], 'h': [], 'A': [], 'b': []}")).batch();
        assertNull(shared.G());
        assertNull(shared.A());
        assertEquals(1, shared.size());

        // numpy's tolist() of shapes (2, 0, 2) and (2, 0): the batch size must survive the drop.
        QpBatch batched = ProblemFile.parse(json("{'p': [1, 2], 'G': [[], []], 'h': [[], []]}")).batch();
        assertNull(batched.G());
        assertEquals(2, batched.size());
    }

    @Test
    void emptyShapesElsewhere() {
        // B problems of three variables where G has zero columns is impossible, so [[]] is one problem, no rows.
        QpBatch batch = ProblemFile.parse(json("{'p': [[1, 2, 3]], 'G': [[]], 'h': [[]]}")).batch();
        assertEquals(1, batch.size());
        assertNull(batch.G());
    }

    @Test
    void arrayOfProblemsOfDifferentShapes() {
        ProblemFile file = ProblemFile.parse(json("""
                [{'Q': [[4]], 'p': [1], 'G': [[1], [-1]], 'h': [1, 1]},
                 {'p': [1, 2, 3], 'A': [[1, 1, 1]], 'b': [1]}]
                """));
        assertFalse(file.isBatch());
        assertEquals(2, file.size());
        assertThrows(IllegalStateException.class, file::batch);
        QpProblem first = file.problems().get(0);
        assertEquals(1, first.n());
        assertArrayEquals(new double[] {4}, first.Q());
        assertArrayEquals(new double[] {1}, first.p());
        assertArrayEquals(new double[] {1, -1}, first.G());
        assertArrayEquals(new double[] {1, 1}, first.h());
        assertEquals(0, first.q());
        assertEquals(0.0, first.objectiveConstant());
        QpProblem second = file.problems().get(1);
        assertEquals(3, second.n());
        assertArrayEquals(new double[9], second.Q());
        assertArrayEquals(new double[] {1, 2, 3}, second.p());
        assertEquals(0, second.m());
        assertArrayEquals(new double[] {1, 1, 1}, second.A());
        assertArrayEquals(new double[] {1}, second.b());
    }

    @Test
    void batchRoundTripKeepsEveryValueAndFlag() {
        QpBatch original = QpBatch.builder()
                .Q(Datum.batched(2, 3, 3, new double[] {2, 0.5, 0, 0.5, 1, 0, 0, 0, 1.5, 1, 0, 0, 0, 1, 0, 0, 0, 1}))
                .p(Datum.sharedVector(new double[] {-1.25, 1e-12, 3.0e7}))
                .G(Datum.shared(2, 3, new double[] {1, 2, 3, -4, -5, -6}))
                .h(Datum.batchedVector(2, 2, new double[] {0.1, 0.2, 0.3, 0.4}))
                .A(Datum.batched(2, 1, 3, new double[] {1, 1, 1, 0, 1, 0}))
                .b(Datum.sharedVector(new double[] {Math.PI}))
                .build();
        QpBatch back = ProblemFile.parse(JsonPrinter.toString(ProblemFile.toTree(original))).batch();
        assertSameBatch(original, back);
    }

    @Test
    void batchRoundTripThroughAFile(@TempDir Path dir) throws IOException {
        QpBatch original = QpBatch.builder()
                .p(Datum.batchedVector(3, 2, new double[] {1, 2, 3, 4, 5, 6}))
                .A(Datum.shared(1, 2, new double[] {1, 1})).b(Datum.sharedVector(new double[] {1}))
                .build();
        Path file = dir.resolve("problems.json");
        ProblemFile.write(original, file);
        assertSameBatch(original, ProblemFile.read(file).batch());
    }

    @Test
    void listRoundTrip(@TempDir Path dir) throws IOException {
        List<QpProblem> original = List.of(
                new QpProblem(2, new double[] {1, 0, 0, 1}, new double[] {1, -1}, new double[] {1, 1}, new double[] {2},
                        new double[0], new double[0], 0),
                new QpProblem(1, new double[] {3}, new double[] {0.5}, new double[0], new double[0], new double[] {2},
                        new double[] {4}, 0));
        Path file = dir.resolve("list.json");
        ProblemFile.write(original, file);
        List<QpProblem> back = ProblemFile.read(file).problems();
        assertEquals(original.size(), back.size());
        for (int i = 0; i < original.size(); i++) {
            QpProblem a = original.get(i), b = back.get(i);
            assertEquals(a.n(), b.n());
            assertArrayEquals(a.Q(), b.Q());
            assertArrayEquals(a.p(), b.p());
            assertArrayEquals(a.G(), b.G());
            assertArrayEquals(a.h(), b.h());
            assertArrayEquals(a.A(), b.A());
            assertArrayEquals(a.b(), b.b());
        }
    }

    @Test
    void writtenFileLooksAsDocumented(@TempDir Path dir) throws IOException {
        QpBatch batch = QpBatch.builder().Q(Datum.shared(1, 1, new double[] {1}))
                .p(Datum.batchedVector(2, 1, new double[] {1, 2})).build();
        Path file = dir.resolve("p.json");
        ProblemFile.write(batch, file);
        assertEquals("""
                {
                  "Q": [
                    [1.0]
                  ],
                  "p": [
                    [1.0],
                    [2.0]
                  ]
                }
                """, Files.readString(file));
    }

    static void assertSameBatch(QpBatch expected, QpBatch actual) {
        assertEquals(expected.size(), actual.size());
        assertEquals(expected.n(), actual.n());
        assertEquals(expected.m(), actual.m());
        assertEquals(expected.q(), actual.q());
        Datum[] e = {expected.Q(), expected.p(), expected.G(), expected.h(), expected.A(), expected.b()};
        Datum[] a = {actual.Q(), actual.p(), actual.G(), actual.h(), actual.A(), actual.b()};
        for (int k = 0; k < e.length; k++) {
            if (e[k] == null) {
                assertNull(a[k], ProblemFile.KEYS.get(k));
            } else {
                assertShape(a[k], e[k].isShared(), e[k].rows(), e[k].cols(), e[k].values());
                assertEquals(e[k].batchSize(), a[k].batchSize(), ProblemFile.KEYS.get(k));
            }
        }
    }

    static void assertShape(Datum d, boolean shared, int rows, int cols, double[] values) {
        assertEquals(shared, d.isShared(), "shared");
        assertEquals(rows, d.rows(), "rows");
        assertEquals(cols, d.cols(), "cols");
        assertArrayEquals(values, d.values(), 0.0);
    }
}
