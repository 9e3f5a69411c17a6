package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchVector;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Ruiz equilibration of a batch, computed once on the host before upload. The interior-point method
 * solves the scaled problem
 * <pre>
 *   minimize ½ x̂ᵀQ̂x̂ + p̂ᵀx̂  s.t.  Ĝx̂ ≤ ĥ,  Âx̂ = b̂        Q̂ = DQD,  p̂ = Dp,  Ĝ = EGD,  ĥ = Eh,
 *                                                      Â = FAD,  b̂ = Fb
 * </pre>
 * with positive diagonal D (n), E (m), F (q): the KKT matrix {@code [Q Gᵀ Aᵀ; G 0 0; A 0 0]} scaled by
 * {@code diag(D, E, F)} on both sides. Its solution maps back exactly:
 * {@code x = D·x̂, s = E⁻¹·ŝ, λ = E·λ̂, ν = F·ν̂}.
 *
 * <p>Why: the Maros–Meszaros problems (and real layers) mix entries from 1e-4 to 1e4 and bounds up to
 * 1e6; on such data the reduced KKT matrix is needlessly ill-conditioned, steps stall and the
 * regularization is large relative to whole blocks. Ruiz's method scales the KKT matrix's rows and
 * columns until each has infinity norm near 1. (The objective is not scaled as well, as OSQP does: tried,
 * it did not help the Maros–Meszaros set and cost a third more iterations on the Sudoku layer.)
 *
 * <p><b>Which data decide the factors.</b> A problem's factors are a function of its own matrices Q, G, A
 * alone: not of p, h, b (two batches with the same matrices scale alike, whatever their per-problem
 * vectors), and never of another problem's data, nor of whether a datum is stored shared or per problem.
 * So a problem is solved the same, to the last bit, alone or in any batch. When all problems' factors
 * agree (always so when Q, G and A are all shared) they are kept once and shared data stays shared.
 * Only when they differ (shared and per-problem matrices mixed, the per-problem ones differing) is a
 * shared matrix scaled into one copy per problem; a shared vector likewise, which is cheap.
 *
 * <p>The factors are a continuous function of the data (a fixed number of passes, no rounding of the
 * factors): the solution's dependence on the data is then as smooth as the solver's own, which
 * finite-difference checks of the gradients need.
 */
final class Equilibration {
    /** Ruiz passes; each costs O(n² + mn + qn). */
    private static final int PASSES = 20;
    /** Bounds on one pass's factor, so that a nearly empty row or column is not blown up. */
    private static final double MIN_STEP = 1e-4, MAX_STEP = 1e4;

    private final int B;
    /** D (n), E (m), F (q), each one copy (common) or B copies (per problem), stacked. */
    private final Factors d, e, f;

    /** One of the factor vectors: {@code copies} (1 or B) stacked vectors of {@code length}. */
    private record Factors(int copies, int length, double[] values) {
        static Factors ones(int copies, int length) {
            double[] v = new double[copies * length];
            Arrays.fill(v, 1);
            return new Factors(copies, length, v);
        }

        double get(int problem, int k) {
            return values[(copies == 1 ? 0 : problem) * length + k];
        }

        void set(int problem, double[] v) {
            System.arraycopy(v, 0, values, problem * length, length);
        }

        /** One common copy when every problem's factors are the same (shared data then stays shared). */
        Factors collapsed() {
            for (int k = length; k < values.length; k++) {
                if (values[k] != values[k % length]) {
                    return this;
                }
            }
            return new Factors(1, length, Arrays.copyOf(values, length));
        }
    }

    private Equilibration(int B, Factors d, Factors e, Factors f) {
        this.B = B;
        this.d = d;
        this.e = e;
        this.f = f;
    }

    /** Computes the factors for {@code batch} (its data are only read). */
    static Equilibration of(QpBatch batch) {
        int B = batch.size(), n = batch.n(), m = batch.m(), q = batch.q();
        boolean allShared = batch.Q().isShared() && (m == 0 || batch.G().isShared())
                && (q == 0 || batch.A().isShared());
        int copies = allShared ? 1 : B;
        Factors d = Factors.ones(copies, n), e = Factors.ones(copies, m), f = Factors.ones(copies, q);
        // Each problem's factors from its own matrices; independent, so spread over the cores.
        IntStream.range(0, copies).parallel().forEach(i -> {
            double[][] dfe = ruiz(n, abs(batch.Q(), i), abs(batch.G(), i), abs(batch.A(), i));
            d.set(i, dfe[0]);
            e.set(i, dfe[1]);
            f.set(i, dfe[2]);
        });
        return new Equilibration(B, d.collapsed(), e.collapsed(), f.collapsed());
    }

    /** |entries| of copy {@code i} of the datum; null for an absent datum. */
    private static double[] abs(Datum datum, int i) {
        if (datum == null) {
            return null;
        }
        double[] out = datum.problem(i);
        for (int k = 0; k < out.length; k++) {
            out[k] = Math.abs(out[k]);
        }
        return out;
    }

    /**
     * Ruiz passes on the KKT matrix made of |Q| (n×n) and |G|, |A| (row-major, null when absent):
     * {D, E, F}, E or F empty for an absent block.
     */
    private static double[][] ruiz(int n, double[] Q, double[] G, double[] A) {
        int m = G == null ? 0 : G.length / Math.max(n, 1), q = A == null ? 0 : A.length / Math.max(n, 1);
        double[] d = new double[n], e = new double[m], f = new double[q];
        Arrays.fill(d, 1);
        Arrays.fill(e, 1);
        Arrays.fill(f, 1);
        double[] colNorm = new double[n], gNorm = new double[m], aNorm = new double[q];
        for (int pass = 0; pass < PASSES; pass++) {
            Arrays.fill(colNorm, 0);
            Arrays.fill(gNorm, 0);
            Arrays.fill(aNorm, 0);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    colNorm[j] = Math.max(colNorm[j], Q[i * n + j] * d[i] * d[j]);
                }
            }
            blockNorms(G, m, n, d, e, colNorm, gNorm);
            blockNorms(A, q, n, d, f, colNorm, aNorm);
            rescale(d, colNorm);
            rescale(e, gNorm);
            rescale(f, aNorm);
        }
        return new double[][] {d, e, f};
    }

    /** Row and column norms of the scaled block {@code diag(rowScale)·|M|·diag(d)}, folded into the outputs. */
    private static void blockNorms(double[] M, int rows, int n, double[] d, double[] rowScale, double[] colNorm,
                                   double[] rowNorm) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                double v = M[r * n + j] * rowScale[r] * d[j];
                colNorm[j] = Math.max(colNorm[j], v);
                rowNorm[r] = Math.max(rowNorm[r], v);
            }
        }
    }

    /** One Ruiz step: divide by the square root of the norm; an empty row or column is left alone. */
    private static void rescale(double[] scale, double[] norms) {
        for (int k = 0; k < scale.length; k++) {
            if (norms[k] > 0) {
                scale[k] *= Math.max(MIN_STEP, Math.min(MAX_STEP, 1 / Math.sqrt(norms[k])));
            }
        }
    }

    // ---- the scaled data

    /** Q̂ = DQD, each entry as {@code (dᵢ·dⱼ)·Qᵢⱼ} so that a symmetric Q gives an exactly symmetric Q̂. */
    Datum scaleQ(Datum Q) {
        return scale(Q, (i, r, k) -> (d.get(i, r) * d.get(i, k)), d, d);
    }

    /** p̂ = Dp. */
    Datum scaleP(Datum p) {
        return scale(p, (i, r, k) -> d.get(i, r), d, d);
    }

    /** Ĝ = EGD. */
    Datum scaleG(Datum G) {
        return scale(G, (i, r, k) -> e.get(i, r) * d.get(i, k), e, d);
    }

    /** ĥ = Eh. */
    Datum scaleH(Datum h) {
        return scale(h, (i, r, k) -> e.get(i, r), e, e);
    }

    /** Â = FAD. */
    Datum scaleA(Datum A) {
        return scale(A, (i, r, k) -> f.get(i, r) * d.get(i, k), f, d);
    }

    /** b̂ = Fb. */
    Datum scaleB(Datum b) {
        return scale(b, (i, r, k) -> f.get(i, r), f, f);
    }

    private interface Factor {
        /** The factor of entry (r, k) of problem i. */
        double of(int i, int r, int k);
    }

    /**
     * Every entry times its factor. The result is shared when the datum is and both factor vectors it is
     * scaled by are common; otherwise one copy per problem, except for a shared datum of zeros (an LP's
     * default Q), which scales to itself.
     */
    private Datum scale(Datum in, Factor factor, Factors rowFactors, Factors columnFactors) {
        if (in == null || in.isShared() && Arrays.stream(in.values()).allMatch(v -> v == 0)) {
            return in;
        }
        int rows = in.rows(), cols = in.cols(), stride = in.stride();
        boolean shared = in.isShared() && rowFactors.copies() == 1 && columnFactors.copies() == 1;
        int copies = shared ? 1 : B;
        double[] v = in.values(), out = new double[copies * stride];
        for (int i = 0; i < copies; i++) {
            int from = in.offset(i), to = i * stride;
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) {
                    out[to + r * cols + k] = factor.of(i, r, k) * v[from + r * cols + k];
                }
            }
        }
        return shared ? Datum.shared(rows, cols, out) : Datum.batched(B, rows, cols, out);
    }

    // ---- the factors on a backend

    /**
     * The factors and their inverses as backend vectors (shared where common; null where a block is
     * empty), the maps between the original and the scaled problem. Into original units: x and its
     * directions by D; the x-space dual vectors Qx, p, Gᵀz + Aᵀy and r_d by D⁻¹; λ by E, and Gx, h, s, r_p
     * by E⁻¹; ν by F, and Ax, b, r_e by F⁻¹. A right-hand side of the KKT system in original units goes
     * into scaled ones by D, E, F (its blocks are dual to x, λ, ν).
     */
    record Vectors(BatchVector d, BatchVector dInverse, BatchVector e, BatchVector eInverse, BatchVector f,
                   BatchVector fInverse) {
    }

    Vectors upload(Backend backend) {
        return new Vectors(vector(backend, d, false), vector(backend, d, true), vector(backend, e, false),
                vector(backend, e, true), vector(backend, f, false), vector(backend, f, true));
    }

    private BatchVector vector(Backend backend, Factors factors, boolean inverse) {
        if (factors.length() == 0) {
            return null;
        }
        double[] v = factors.values().clone();
        if (inverse) {
            for (int k = 0; k < v.length; k++) {
                v[k] = 1 / v[k];
            }
        }
        return backend.vector(factors.copies() == 1 ? Datum.sharedVector(v)
                : Datum.batchedVector(B, factors.length(), v));
    }
}
