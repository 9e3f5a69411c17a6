package io.github.diffqp.cpu;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BackendProvider;

/** The always-present CPU backend, EJML on the host; chosen by {@code auto} when no GPU backend can run. */
public final class CpuBackendProvider implements BackendProvider {
    public static final String NAME = "cpu";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        String kernels = CpuBackend.KERNELS.describe();
        int cores = Runtime.getRuntime().availableProcessors();
        return Availability.yes("EJML on " + cores + (cores == 1 ? " core, " : " cores, ") + kernels
                + " kernels" + (kernels.equals("scalar") ? " (java --add-modules jdk.incubator.vector for vector ones)" : ""));
    }

    @Override
    public Backend create(int batchSize) {
        return new CpuBackend(batchSize);
    }
}
