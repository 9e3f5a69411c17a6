package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchVector;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Ruiz equilibration of a batch, computed once on the host before upload. The interior-point method
 * solves the scaled problem
 * <pre>
 *   minimize ½ x̂ᵀQ̂x̂ + p̂ᵀx̂  s.t.  Ĝx̂ ≤ ĥ,  Âx̂ = b̂        Q̂ = c·DQD,  p̂ = c·Dp,  Ĝ = EGD,  ĥ = Eh,
 *                                                      Â = FAD,  b̂ = Fb
 * </pre>
 * with positive diagonal D (n), E (m), F (q) and a cost factor c > 0 per problem: the KKT matrix
 * {@code [Q Gᵀ Aᵀ; G 0 0; A 0 0]} scaled by {@code diag(D, E, F)} on both sides, its objective rows also by
 * c. Its solution maps back exactly: {@code x = D·x̂, s = E⁻¹·ŝ, λ = E·λ̂/c, ν = F·ν̂/c}.
 *
 * <p>Why: the Maros–Meszaros problems (and real layers) mix entries from 1e-4 to 1e4 and bounds up to
 * 1e6; on such data the reduced KKT matrix is needlessly ill-conditioned, steps stall and the
 * regularization is large relative to whole blocks. Ruiz's method scales the KKT matrix's rows and
 * columns until each has infinity norm near 1; Q enters it at unit size, and c then brings the objective's
 * data (Q̂, p̂) to unit size, so that x does not depend on the objective's scale (docs/DESIGN.md §2.8).
 *
 * <p><b>Which data decide the factors.</b> A problem's factors D, E, F are a function of its own matrices Q,
 * G, A alone, and c of its own Q and p: never of another problem's data, nor of whether a datum is stored shared or per problem.
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
    private static final int PASSES = 10;
    /** Bounds on one pass's factor, so that a nearly empty row or column is not blown up. */
    private static final double MIN_STEP = 1e-4, MAX_STEP = 1e4;

    private final int B;
    /** D (n), E (m), F (q), each one copy (common) or B copies (per problem), stacked. */
    private final Factors d, e, f;
    /** The cost factor c (length 1 per copy): the objective is solved as c·(½x̂ᵀQ̂x̂ + p̂ᵀx̂). */
    private final Factors c;

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

    private Equilibration(int B, Factors d, Factors e, Factors f, Factors c) {
        this.B = B;
        this.d = d;
        this.e = e;
        this.f = f;
        this.c = c;
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
        Factors dc = d.collapsed();
        boolean objectiveShared = batch.p().isShared() && batch.Q().isShared() && dc.copies() == 1;
        Factors c = Factors.ones(objectiveShared ? 1 : B, 1);
        IntStream.range(0, c.copies()).parallel().forEach(i -> c.set(i, new double[] {costFactor(batch, dc, i)}));
        return new Equilibration(B, dc, e.collapsed(), f.collapsed(), c.collapsed());
    }

    /**
     * c = 1 / max(max|DQD|, ‖Dp‖∞) for problem i (1 when the objective is zero): the scaled objective's
     * data then have unit size, whatever the size of the caller's. Why: an interior point's start, its
     * static regularization and the unit floors of its tests are all absolute, so an objective of size
     * 1e-12 would otherwise look like no objective at all (docs/DESIGN.md §2.8). A function of the problem's
     * own Q and p, so a problem is still scaled the same alone or in any batch.
     */
    private static double costFactor(QpBatch batch, Factors d, int i) {
        int n = batch.n();
        Datum Q = batch.Q(), p = batch.p();
        double size = 0;
        int oq = Q.offset(i), op = p.offset(i);
        double[] qv = Q.values(), pv = p.values();
        for (int r = 0; r < n; r++) {
            double dr = d.get(i, r);
            size = Math.max(size, Math.abs(dr * pv[op + r]));
            for (int k = 0; k < n; k++) {
                size = Math.max(size, Math.abs(dr * d.get(i, k) * qv[oq + r * n + k]));
            }
        }
        return size > 0 && Double.isFinite(1 / size) ? 1 / size : 1;
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
        // Q enters at unit size: the cost factor c (see costFactor) rescales the objective afterwards, so the
        // factors must not depend on the objective's size, or x would depend on it (docs/DESIGN.md §2.8).
        double qMax = Arrays.stream(Q).max().orElse(0);
        if (qMax > 0) {
            for (int k = 0; k < Q.length; k++) {
                Q[k] /= qMax;
            }
        }
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
            // |DQD| is symmetric: its column norms are its row norms.
            RuizNorms.FASTEST.blockNorms(Q, n, n, d, d, colNorm, null);
            RuizNorms.FASTEST.blockNorms(G, m, n, d, e, colNorm, gNorm);
            RuizNorms.FASTEST.blockNorms(A, q, n, d, f, colNorm, aNorm);
            rescale(d, colNorm);
            rescale(e, gNorm);
            rescale(f, aNorm);
        }
        return new double[][] {d, e, f};
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

    /** Q̂ = c·DQD, each entry as {@code (c·dᵢ·dⱼ)·Qᵢⱼ} so that a symmetric Q gives an exactly symmetric Q̂. */
    Datum scaleQ(Datum Q) {
        return scale(Q, (i, r, k) -> (c.get(i, 0) * d.get(i, r) * d.get(i, k)), d, c);
    }

    /** p̂ = c·Dp. */
    Datum scaleP(Datum p) {
        return scale(p, (i, r, k) -> c.get(i, 0) * d.get(i, r), d, c);
    }

    /** The cost factor c of each problem (see {@link #costFactor}). */
    double[] costFactors() {
        double[] out = new double[B];
        for (int i = 0; i < B; i++) {
            out[i] = c.get(i, 0);
        }
        return out;
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
        // c is one more factor of Q and p: columnFactors stands for it there (see scaleQ, scaleP).
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
     * The maps between the scaled problem and the original one, as backend vectors (shared where common;
     * null where a block is empty), each named for what it maps into original units:
     * <ul>
     *   <li>{@code x = D·x̂} (x and its directions), and x-space dual vectors (Qx, p, Gᵀλ + Aᵀν, r_d):
     *   {@code D⁻¹/c};</li>
     *   <li>constraint values (Gx, h, s, r_p): {@code E⁻¹}; λ: {@code E/c};</li>
     *   <li>equality values (Ax, b, r_e): {@code F⁻¹}; ν: {@code F/c}.</li>
     * </ul>
     * A right-hand side (r_x, r_u, r_y) of the KKT system in original units goes into scaled ones by
     * {@code c·D, E, F}, and the solution comes back by {@code D, E/c, F/c}, like x, λ, ν (docs/DESIGN.md §2.8).
     */
    record Vectors(BatchVector x, BatchVector xDual, BatchVector rhsX, BatchVector slack, BatchVector lambda,
                   BatchVector rhsU, BatchVector equality, BatchVector nu, BatchVector rhsY) {
    }

    Vectors upload(Backend backend) {
        return new Vectors(vector(backend, d, 1, 0), vector(backend, d, -1, -1), vector(backend, d, 1, 1),
                vector(backend, e, -1, 0), vector(backend, e, 1, -1), vector(backend, e, 1, 0),
                vector(backend, f, -1, 0), vector(backend, f, 1, -1), vector(backend, f, 1, 0));
    }

    /** The vector {@code factorsᵃ · cᵇ} (a, b = ±1 or 0), one copy when both are common. */
    private BatchVector vector(Backend backend, Factors factors, int a, int b) {
        if (factors.length() == 0) {
            return null;
        }
        int len = factors.length();
        boolean common = factors.copies() == 1 && (b == 0 || c.copies() == 1);
        double[] v = new double[(common ? 1 : B) * len];
        for (int i = 0; i < (common ? 1 : B); i++) {
            double cost = b == 0 ? 1 : b > 0 ? c.get(i, 0) : 1 / c.get(i, 0);
            for (int k = 0; k < len; k++) {
                double fk = factors.get(i, k);
                v[i * len + k] = (a > 0 ? fk : 1 / fk) * cost;
            }
        }
        return backend.vector(common ? Datum.sharedVector(v) : Datum.batchedVector(B, len, v));
    }
}
