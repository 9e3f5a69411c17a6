package io.github.diffqp.cuda;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BackendProvider;

/**
 * Tests only: {@code cuda-sim}, the real {@link CudaBackend} on a {@link SimulatedDevice}, so that whole
 * solves and backwards run through the CUDA backend's code on a machine without a GPU. Its negative
 * priority keeps {@code auto} from ever choosing it.
 */
public final class SimulatedCudaProvider implements BackendProvider {
    static final String NAME = "cuda-sim";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public Availability availability() {
        return Availability.yes("CudaBackend on a simulated device (tests only)");
    }

    @Override
    public Backend create(int batchSize) {
        return new CudaBackend(new SimulatedDevice(), batchSize, NAME, () -> { });
    }
}
