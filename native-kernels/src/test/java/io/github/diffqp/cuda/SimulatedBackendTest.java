package io.github.diffqp.cuda;

import io.github.diffqp.solver.backend.BackendCapacityException;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchVector;
import io.github.diffqp.testing.BackendContract;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA backend's own code (layouts, library-call arguments, masks, pointer arrays, flags) on a
 * simulated device, against the naive reference backend: runs on every machine.
 */
class SimulatedBackendTest extends BackendContract {
    @Override
    protected Backend create(int batchSize) {
        return new CudaBackend(new SimulatedDevice(), batchSize, "cuda-sim", () -> { });
    }

    @Test
    void closeFreesEveryAllocationAndReleasesTheDevice() {
        SimulatedDevice device = new SimulatedDevice();
        CudaBackend be = new CudaBackend(device, 4, "cuda-sim", () -> { });
        BatchVector v = be.vector(Datum.batchedVector(4, 3, new double[12]));
        be.matrix(5, 5, false);
        be.formNormalMatrix(be.matrix(Datum.shared(2, 2, new double[] {1, 0, 0, 1})),
                be.matrix(Datum.shared(1, 2, new double[] {1, 1})), be.vector(Datum.batchedVector(4, 1,
                        new double[] {1, 2, 3, 4})), be.matrix(2, 2, false));
        be.normInf(v, new double[4]);
        assertTrue(device.allocations() > 0);
        be.close();
        assertEquals(0, device.allocations(), "every device allocation freed");
        assertTrue(device.isClosed(), "handles returned");
        be.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> be.vector(3, false), "closed backend refuses work");
    }

    @Test
    void aSolveWhoseEstimateExceedsTheDeviceIsRefusedBeforeAnyAllocation() {
        SimulatedDevice small = new SimulatedDevice(256L << 20);
        CudaBackend be = new CudaBackend(small, 1000, "cuda-sim", () -> { });
        int before = small.allocations();
        BackendCapacityException e = assertThrows(BackendCapacityException.class,
                () -> be.requireMemory(300L << 20, 1024, "the solve of 1000 problems"));
        assertTrue(e.getMessage().startsWith("batch too large for the GPU: the solve of 1000 problems needs about "
                + "314,572,800 bytes"), e.getMessage());
        assertEquals(before, small.allocations(), "nothing allocated");
        be.requireMemory(1L << 20, 1024, "a small solve"); // fits
        be.close();
    }

    @Test
    void aBatchTooLargeForTheDeviceIsRefusedWithBytesNeededAndFree() {
        SimulatedDevice small = new SimulatedDevice(256L << 20);
        CudaBackend be = new CudaBackend(small, 1000, "cuda-sim", () -> { });
        BackendCapacityException e = assertThrows(BackendCapacityException.class, () -> be.matrix(200, 200, false));
        String m = e.getMessage();
        assertTrue(m.contains("batch too large for the GPU") && m.contains("320,000,000 bytes")
                && m.contains("bytes free"), m);
        be.close();
        assertEquals(0, small.allocations());
    }

    @Test
    void masksCostNoLaunchesWhenNothingIsActive() {
        SimulatedDevice device = new SimulatedDevice();
        CudaBackend be = new CudaBackend(device, 3, "cuda-sim", () -> { });
        BatchVector x = be.vector(3, false), y = be.vector(3, false);
        be.setActive(new boolean[3]);
        int before = device.launches();
        be.axpby(1, x, 1, y);
        be.dot(x, y, new double[3]);
        be.multiply(be.matrix(3, 3, true), false, x, 1, 0, y);
        assertEquals(before, device.launches());
        be.close();
    }
}
