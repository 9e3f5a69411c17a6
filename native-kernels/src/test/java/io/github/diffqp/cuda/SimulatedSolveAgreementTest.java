package io.github.diffqp.cuda;

/** Whole solves and backwards through the CUDA backend's code on the simulated device, against the CPU. */
class SimulatedSolveAgreementTest extends SolveAgreementContract {
    @Override
    String backend() {
        return SimulatedCudaProvider.NAME;
    }
}
