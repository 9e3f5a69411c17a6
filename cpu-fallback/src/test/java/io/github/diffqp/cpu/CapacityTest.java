package io.github.diffqp.cpu;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.backend.BackendCapacityException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batch that cannot fit in the heap is refused, with the bytes needed and free, before any work. */
class CapacityTest {
    @Test
    void aBatchBeyondTheHeapIsRefusedBeforeAnyWork() {
        int n = 500, batchSize = 1_000_000; // shared data of 2 MB, but K alone would be 2 TB
        double[] identity = new double[n * n];
        for (int i = 0; i < n; i++) {
            identity[i * n + i] = 1;
        }
        QpBatch batch = QpBatch.builder().size(batchSize).Q(Datum.shared(n, n, identity))
                .p(Datum.sharedVector(new double[n])).build();
        BackendCapacityException e = assertThrows(BackendCapacityException.class, () -> QpSolver.solve(batch));
        String m = e.getMessage();
        assertTrue(m.startsWith("the solve of 1000000 problems (n = 500, m = 0, q = 0) needs ")
                && m.contains("TiB of memory, but the Java heap has ") && m.contains("-Xmx"), m);
    }

    @Test
    void sizesAreWrittenInBinaryUnits() {
        assertEquals("512 bytes", BackendCapacityException.size(512));
        assertEquals("3.0 GiB", BackendCapacityException.size(3L << 30));
        assertEquals("1.5 TiB", BackendCapacityException.size((long) (1.5 * (1L << 40))));
    }
}
