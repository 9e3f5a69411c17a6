package io.github.diffqp.cuda;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BackendProvider;

/**
 * The CUDA backend's provider ({@code cuda}): preferred by {@code auto} over the CPU when a usable NVIDIA
 * GPU, its driver and the cuBLAS/cuSOLVER libraries are present. {@link #availability()} probes once per
 * process, in order (JCuda's driver natives load, {@code cuInit}, a device of compute capability 7.5+,
 * its primary context, DiffQP's kernels load, cuBLAS and cuSOLVER load, directly or through the CUDA 13
 * compatibility path) and reports the first step that fails in one line. It never throws.
 */
public final class CudaBackendProvider implements BackendProvider {
    public static final String NAME = "cuda";

    @Override
    public String name() {
        return NAME;
    }

    /** Above the CPU backend's 0. */
    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        try {
            return CudaRuntime.probe();
        } catch (Throwable t) {
            // probe() catches everything itself; this guards the promise never to throw.
            return Availability.no("CUDA probe failed: " + t);
        }
    }

    /**
     * A CUDA backend for batches of {@code batchSize} problems.
     *
     * @throws io.github.diffqp.solver.backend.BackendUnavailableException when CUDA cannot run here (with the reason)
     */
    @Override
    public Backend create(int batchSize) {
        CudaRuntime runtime = CudaRuntime.get();
        JCudaDevice device = new JCudaDevice(runtime);
        try {
            return new CudaBackend(device, batchSize, NAME, runtime::makeCurrent);
        } catch (RuntimeException | Error e) {
            device.close();
            throw e;
        }
    }
}
