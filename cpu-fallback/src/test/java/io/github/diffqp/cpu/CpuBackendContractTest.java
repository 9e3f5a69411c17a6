package io.github.diffqp.cpu;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.testing.BackendContract;

/**
 * The CPU backend against the naive reference, operation by operation: its blocked kernels, its O(n) paths
 * for diagonal data, and its recording (operations queued with their masks and run problem by problem, on
 * the calling thread for small batches and on the common pool for the contract's larger Newton step).
 */
class CpuBackendContractTest extends BackendContract {
    @Override
    protected Backend create(int batchSize) {
        return new CpuBackend(batchSize);
    }
}
