package io.github.diffqp.cuda;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.testing.BackendContract;
import org.junit.jupiter.api.Tag;

/** The operation contract on the real GPU: kernels, cuBLAS and cuSOLVER against the naive reference backend. */
@Tag("gpu")
class CudaBackendGpuTest extends BackendContract {
    /** Called from the contract's {@code @BeforeEach}: without CUDA every test is skipped with the reason. */
    @Override
    protected Backend create(int batchSize) {
        GpuAssumptions.assumeCuda();
        return new CudaBackendProvider().create(batchSize);
    }

    /** GPU arithmetic contracts a·b + c into FMAs and cuBLAS blocks its sums: a looser bound. */
    @Override
    protected double tolerance() {
        return 1e-9;
    }
}
