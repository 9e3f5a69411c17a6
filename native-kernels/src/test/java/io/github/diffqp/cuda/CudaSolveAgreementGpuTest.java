package io.github.diffqp.cuda;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * Whole solves and backwards on the GPU against the CPU: solutions and all six gradients to 1e-6
 * relative, for per-problem and shared data, LPs and infeasible problems.
 */
@Tag("gpu")
class CudaSolveAgreementGpuTest extends SolveAgreementContract {
    @BeforeEach
    void requireGpu() {
        GpuAssumptions.assumeCuda();
    }

    @Override
    String backend() {
        return CudaBackendProvider.NAME;
    }
}
