package io.github.diffqp.cuda;

import io.github.diffqp.backward.SolveAgreementContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * Whole solves and backwards on the GPU against the naive reference backend: solutions and all six
 * gradients to 1e-6 relative, for per-problem and shared data, LPs and infeasible problems.
 */
@Tag("gpu")
class CudaSolveAgreementGpuTest extends SolveAgreementContract {
    @BeforeEach
    void requireGpu() {
        GpuAssumptions.assumeCuda();
    }

    @Override
    protected String backend() {
        return CudaBackendProvider.NAME;
    }
}
