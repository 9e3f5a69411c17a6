package io.github.diffqp.backward;

import io.github.diffqp.cpu.CpuBackendProvider;

/** Whole solves and backwards on the CPU backend against the naive reference backend. */
class CpuSolveAgreementTest extends SolveAgreementContract {
    @Override
    protected String backend() {
        return CpuBackendProvider.NAME;
    }
}
