package io.github.diffqp.cuda;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.testing.BackendContract;

/**
 * The operation contract with the batched library calls split into pieces of two problems, as batches
 * above {@link CudaBackend#LIBRARY_BATCH_LIMIT} are: the offsets into pointer arrays and infos.
 */
class SimulatedSplitBatchTest extends BackendContract {
    @Override
    protected Backend create(int batchSize) {
        return new CudaBackend(new SimulatedDevice(), batchSize, "cuda-sim", () -> { }, 2);
    }
}
