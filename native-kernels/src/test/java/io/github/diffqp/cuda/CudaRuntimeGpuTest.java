package io.github.diffqp.cuda;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchVector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only a GPU shows: the probe's description, memory refusal, use from several threads. */
@Tag("gpu")
class CudaRuntimeGpuTest {
    @BeforeEach
    void requireGpu() {
        GpuAssumptions.assumeCuda();
    }

    @Test
    void describesTheDeviceAndTheLibrariesFound() {
        String reason = new CudaBackendProvider().availability().reason();
        System.out.println("cuda: " + reason);
        assertTrue(reason.contains("compute") && reason.contains("cuBLAS") && reason.contains("cuSOLVER"), reason);
    }

    @Test
    void aBatchLargerThanTheGpuIsRefusedBeforeAllocating() {
        try (Backend be = new CudaBackendProvider().create(100_000)) {
            // 100 000 × 4096 × 4096 doubles: 13 TB.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> be.matrix(4096, 4096, false));
            assertTrue(e.getMessage().contains("batch too large for the GPU") && e.getMessage().contains("bytes free"),
                    e.getMessage());
        }
    }

    @Test
    void aBackendMadeOnOneThreadWorksOnAnother() throws Exception {
        Backend be = new CudaBackendProvider().create(3);
        BatchVector v = be.vector(Datum.batchedVector(3, 2, new double[] {1, 2, 3, 4, 5, 6}));
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            double[] norms = other.submit(() -> {
                double[] out = new double[3];
                be.normInf(v, out);
                return out;
            }).get(60, TimeUnit.SECONDS);
            assertArrayEquals(new double[] {2, 4, 6}, norms);
        } finally {
            other.shutdown();
            be.close();
        }
    }

    @Test
    void manyBackendsOpenAndCloseWithoutLeaking() {
        long before = freeBytes();
        for (int k = 0; k < 50; k++) {
            try (Backend be = new CudaBackendProvider().create(64)) {
                be.matrix(128, 128, false);
            }
        }
        long after = freeBytes();
        assertTrue(before - after < (64L << 20), "free memory dropped by " + (before - after) + " bytes");
    }

    private static long freeBytes() {
        CudaRuntime.get().makeCurrent();
        long[] free = new long[1], total = new long[1];
        jcuda.driver.JCudaDriver.cuMemGetInfo(free, total);
        return free[0];
    }
}
