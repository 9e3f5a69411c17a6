package io.github.diffqp.batching;

import java.util.Locale;

/**
 * An estimate of the time a batch takes to solve, in nanoseconds, by which the {@link Packer} decides
 * whether padding problems to a common shape is cheaper than solving their shapes apart.
 * <pre>
 *   cost(B problems padded to S) = iterations(S) · ( overhead(B) + B · (perProblem + flops(S) / flopRate) )
 *
 *   flops(n, m, q) = n³/3        Cholesky of K
 *                  + m·n²        K = Q + Gᵀ·diag(w)·G
 *                  + q·n²        K⁻¹Aᵀ by triangular solves
 *                  + q²·n        the Schur complement A·K⁻¹·Aᵀ
 *                  + q³/3        its Cholesky
 *
 *   iterations(S)  = 1 when m = 0 (one Newton step solves an equality-constrained QP),
 *                    {@value #IPM_ITERATIONS} otherwise (the typical Mehrotra count: 6 to 12 measured on
 *                    random well-scaled problems)
 *
 *   overhead(B)    = singleOverhead when B = 1, batchOverhead when B ≥ 2 (per batch and iteration)
 * </pre>
 * Every term is per interior-point iteration because a batch iterates until its last problem stops, so a
 * batch's iteration count is that of its hardest member; the model takes it to be the typical count.
 * What the terms capture:
 * <ul>
 *   <li>{@code flops}: the work that grows with the padded shape, the price of padding;</li>
 *   <li>{@code batchOverhead}: what a batch costs whatever its size (kernel launches on an accelerator;
 *       fork–join of every backend operation over the cores on the CPU), the saving of having fewer
 *       batches;</li>
 *   <li>{@code perProblem}: bookkeeping per problem and operation, the same padded or not, so it decides
 *       nothing except through {@code iterations}: padding a problem without inequalities into a batch
 *       with some multiplies its cost by {@value #IPM_ITERATIONS}.</li>
 * </ul>
 * Merging two groups is cheaper when {@code cost(a) + cost(b) > cost(a ∪ b padded to their cover)}:
 * large groups of small, similar problems merge; large problems, very different shapes and (on the CPU)
 * lone problems do not.
 *
 * <pre>{@code
 * CostModel model = CostModel.forBackend("cpu");
 * double nanos = model.batchCost(new Shape(8, 16, 2), 64);
 * }</pre>
 */
public final class CostModel {
    /** The iteration count assumed for problems with inequalities. */
    public static final int IPM_ITERATIONS = 10;

    private final double singleOverhead;
    private final double batchOverhead;
    private final double problemOverhead;
    private final double flopRate;

    private CostModel(double singleOverhead, double batchOverhead, double problemOverhead, double flopRate) {
        if (!(singleOverhead >= 0 && batchOverhead >= 0 && problemOverhead >= 0)
                || !Double.isFinite(singleOverhead + batchOverhead + problemOverhead)) {
            throw new IllegalArgumentException("overheads must be finite and non-negative, got single=" + singleOverhead
                    + " batch=" + batchOverhead + " problem=" + problemOverhead);
        }
        if (!(flopRate > 0 && Double.isFinite(flopRate))) {
            throw new IllegalArgumentException("flop rate must be positive and finite, got " + flopRate);
        }
        this.singleOverhead = singleOverhead;
        this.batchOverhead = batchOverhead;
        this.problemOverhead = problemOverhead;
        this.flopRate = flopRate;
    }

    /**
     * A model with the given constants.
     *
     * @param singleOverhead  ns per iteration of a batch of one problem
     * @param batchOverhead   ns per iteration of a batch of two or more
     * @param problemOverhead ns per iteration and problem, apart from its flops
     * @param flopRate        flops per ns that the backend reaches on such problems
     */
    public static CostModel of(double singleOverhead, double batchOverhead, double problemOverhead, double flopRate) {
        return new CostModel(singleOverhead, batchOverhead, problemOverhead, flopRate);
    }

    /**
     * The EJML backend, measured on a shared 2-core machine (best of repeated solves, n from 3 to 32): about
     * 5 µs per iteration for a lone small problem, 0.5 to 0.9 flop/ns on the dense work, no batch overhead
     * for a batch of one, which runs inline, and about 6 µs per iteration for a larger one, which forks
     * every operation over the cores. Beyond that a problem costs the same in a batch as alone: the
     * fork–join buys no speed-up there. So lone problems stay alone and groups of similar small problems
     * merge, which on MicroBatcherBenchmark's lists of 64 problems with n ≤ 6 took as long as packing by
     * exact shape, to within the noise; both took two to three times as long as solving the 64 one by one
     * on one thread. Batching pays on backends where a batch costs much less than its problems alone.
     */
    public static CostModel cpu() {
        return new CostModel(0, 6_000, 4_000, 0.6);
    }

    /**
     * A launch-bound accelerator: every batch pays ~60 kernel launches of ~5 µs per iteration whatever
     * its size, per-problem bookkeeping is negligible, batched small-matrix work runs at ~50 flop/ns. An
     * estimate from the design, not a measurement (the CUDA backend of native-kernels has not been timed
     * for it): padding pays whenever it saves a batch and the padded flops stay below the launches saved.
     */
    public static CostModel accelerator() {
        return new CostModel(300_000, 300_000, 50, 50);
    }

    /**
     * No overhead at all, so padding, which only adds flops, never pays: problems are grouped by exact
     * shape.
     */
    public static CostModel exactShapes() {
        return new CostModel(0, 0, 0, 1);
    }

    /** {@link #cpu()} for the {@code cpu} backend, {@link #accelerator()} for any other (e.g. {@code cuda}). */
    public static CostModel forBackend(String name) {
        return "cpu".equals(name) ? cpu() : accelerator();
    }

    /** Flops of one interior-point iteration of one problem of shape {@code s} (see the class comment). */
    public static double flops(Shape s) {
        double n = s.n(), m = s.m(), q = s.q();
        return n * n * n / 3 + (m + q) * n * n + q * q * n + q * q * q / 3;
    }

    /** The iteration count assumed for a batch of shape {@code s}. */
    public static int iterations(Shape s) {
        return s.m() == 0 ? 1 : IPM_ITERATIONS;
    }

    /** The estimated time, in ns, of solving {@code size} problems of shape {@code shape} as one batch. */
    public double batchCost(Shape shape, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a batch holds at least one problem, got " + size);
        }
        double overhead = size == 1 ? singleOverhead : batchOverhead;
        return iterations(shape) * (overhead + size * (problemOverhead + flops(shape) / flopRate));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CostModel[single=%.0f ns, batch=%.0f ns, problem=%.0f ns, %.3g flop/ns]",
                singleOverhead, batchOverhead, problemOverhead, flopRate);
    }
}
