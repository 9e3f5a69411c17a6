package io.github.diffqp.cuda;

import io.github.diffqp.backward.SolveAgreementContract;

/**
 * Whole solves and backwards through the CUDA backend's code on the simulated device, against the naive
 * reference backend.
 */
class SimulatedSolveAgreementTest extends SolveAgreementContract {
    @Override
    protected String backend() {
        return SimulatedCudaProvider.NAME;
    }
}
