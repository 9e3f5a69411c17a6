package io.github.diffqp.cuda;

import io.github.diffqp.solver.backend.BackendProvider.Availability;
import org.junit.jupiter.api.Assumptions;

/** The gate of the {@code @Tag("gpu")} tests: skip, with the probe's reason, when CUDA cannot run. */
final class GpuAssumptions {
    private GpuAssumptions() {
    }

    static void assumeCuda() {
        Availability a = new CudaBackendProvider().availability();
        Assumptions.assumeTrue(a.usable(), () -> "no usable CUDA backend here: " + a.reason());
    }
}
