package io.github.diffqp.cli;

import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The problems files shipped under examples/problems parse to the shapes their README describes. */
class ExampleFilesTest {

    /** Surefire runs in the module directory; walk up to the repository root rather than assume it. */
    static Path examples() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples/problems");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/problems not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void smallBatch() throws IOException {
        ProblemFile file = ProblemFile.read(examples().resolve("small-batch.json"));
        assertTrue(file.isBatch());
        QpBatch batch = file.batch();
        assertEquals(3, batch.size());
        assertEquals(3, batch.n());
        assertEquals(4, batch.m());
        assertEquals(1, batch.q());
        assertTrue(batch.Q().isShared());
        assertFalse(batch.p().isShared());
        assertTrue(batch.G().isShared());
        assertTrue(batch.h().isShared());
        assertTrue(batch.A().isShared());
        assertTrue(batch.b().isShared());
        assertArrayEquals(new double[] {1, 1, 1}, batch.A().values());
        assertArrayEquals(new double[] {0.5, 0.5, -3}, batch.p().problem(2));
    }

    @Test
    void mixedShapes() throws IOException {
        ProblemFile file = ProblemFile.read(examples().resolve("mixed-shapes.json"));
        assertFalse(file.isBatch());
        List<QpProblem> problems = file.problems();
        assertEquals(3, problems.size());
        int[][] shapes = {{2, 0, 0}, {3, 6, 1}, {4, 0, 2}};
        for (int i = 0; i < shapes.length; i++) {
            QpProblem p = problems.get(i);
            assertNotNull(p);
            assertArrayEquals(shapes[i], new int[] {p.n(), p.m(), p.q()}, "problem " + i);
        }
        assertArrayEquals(new double[9], problems.get(1).Q()); // the LP has no Q
    }

    @Test
    void smallBatchReferenceOptimaAreFeasible() throws IOException {
        // The README's optima satisfy every constraint; this catches a typo in either file.
        QpBatch batch = ProblemFile.read(examples().resolve("small-batch.json")).batch();
        double[][] x = {{0.6, 0.32, 0.08}, {0, 0.6, 0.4}, {0, 0, 1}};
        double[] objective = {-1.248, -0.7, -2.25};
        for (int i = 0; i < 3; i++) {
            QpProblem p = batch.problem(i);
            for (int r = 0; r < p.m(); r++) {
                double gx = 0;
                for (int c = 0; c < 3; c++) {
                    gx += p.G()[r * 3 + c] * x[i][c];
                }
                assertTrue(gx <= p.h()[r] + 1e-12, "problem " + i + " row " + r);
            }
            assertEquals(1.0, x[i][0] + x[i][1] + x[i][2], 1e-12);
            assertEquals(objective[i], p.objective(x[i]), 1e-12);
        }
    }
}
