package io.github.diffqp.cuda;

import io.github.diffqp.solver.backend.Backend;
import org.junit.jupiter.api.Tag;

/** The operation contract on the real GPU: kernels, cuBLAS and cuSOLVER against the CPU backend. */
@Tag("gpu")
class CudaBackendGpuTest extends BackendContract {
    /** Called from the contract's {@code @BeforeEach}: without CUDA every test is skipped with the reason. */
    @Override
    Backend create(int batchSize) {
        GpuAssumptions.assumeCuda();
        return new CudaBackendProvider().create(batchSize);
    }

    /** GPU arithmetic contracts a·b + c into FMAs and cuBLAS blocks its sums: a looser bound. */
    @Override
    double tolerance() {
        return 1e-9;
    }
}
