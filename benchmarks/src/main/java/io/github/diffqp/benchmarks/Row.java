package io.github.diffqp.benchmarks;

/**
 * One line of the comparison table: one solver on one backend on one case. A number that does not apply
 * is NaN (written {@code null} in JSON, a dash in tables): ojAlgo has no backward and no gradients, and
 * the reference DiffQP row has no difference to itself.
 *
 * @param caseName           the case's name, e.g. {@code optnet-b64}
 * @param batch              B
 * @param n                  variables
 * @param m                  inequalities
 * @param q                  equalities
 * @param solver             {@code diffqp} or {@code ojalgo}
 * @param backend            where it ran, e.g. {@code cpu} or {@code cpu, 2 threads}
 * @param secondsPerBatch    median seconds of a forward solve of the whole batch
 * @param backwardSeconds    median seconds of DiffQP's backward for the whole batch (after its forward)
 * @param ratioToDiffqp      secondsPerBatch over that of the case's reference DiffQP row (the first backend)
 * @param ratioToFastest     secondsPerBatch over the case's smallest
 * @param allocatedMb        median MiB allocated (all threads) by one forward of the whole batch (scaled like
 *                           the time when fewer problems were timed): an upper bound on heap growth
 * @param backwardAllocatedMb median MiB allocated by one backward
 * @param solved             problems reported solved (DiffQP: status solved; ojAlgo: state optimal), of
 *                           {@code problemsTimed}
 * @param maxIterations      DiffQP's largest iteration count over the batch (NaN for ojAlgo)
 * @param maxAbsDx           max |x − x_ref| against the reference DiffQP row, over the problems solved
 * @param gflops             DiffQP's forward in GFLOP/s by {@code CostModel}'s flop model: per problem, its
 *                           iterations times the flops of forming and factoring the KKT system once
 *                           ({@code CostModel.flops}); the solves, refinement and polishing are not counted,
 *                           so this is a lower bound of the work done. NaN for ojAlgo (another algorithm)
 * @param peakShare          gflops over the machine's measured peak ({@link PeakFlops}: one thread for a batch
 *                           of one, every core otherwise); NaN where it does not apply (ojAlgo, a GPU backend)
 * @param maxRelDgrad        DiffQP: its {@link DirectionalCheck} against finite differences (worst datum);
 *                           a second DiffQP backend: max over data of ‖Δgrad‖∞/‖grad_ref‖∞ against the
 *                           reference row; ojAlgo: NaN
 * @param runs               timed runs behind the medians
 * @param problemsTimed      problems the timed runs solved: B, or for ojAlgo on a batch above its cap the
 *                           first ones, its time then scaled by B / problemsTimed to a batch
 */
public record Row(String caseName, int batch, int n, int m, int q, String solver, String backend,
                  double secondsPerBatch, double backwardSeconds, double ratioToDiffqp, double ratioToFastest,
                  double allocatedMb, double backwardAllocatedMb, int solved, double maxIterations, double maxAbsDx,
                  double maxRelDgrad, int runs, int problemsTimed, double gflops, double peakShare) {

    /** This row with its two ratios set. */
    public Row withRatios(double toDiffqp, double toFastest) {
        return new Row(caseName, batch, n, m, q, solver, backend, secondsPerBatch, backwardSeconds, toDiffqp, toFastest,
                allocatedMb, backwardAllocatedMb, solved, maxIterations, maxAbsDx, maxRelDgrad, runs, problemsTimed, gflops, peakShare);
    }
}
