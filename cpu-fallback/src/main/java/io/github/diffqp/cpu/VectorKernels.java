package io.github.diffqp.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DenseKernels} written with the Vector API ({@code jdk.incubator.vector}), used when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (docs/DESIGN.md §4.2). Why: HotSpot vectorizes only a loop's
 * innermost contiguous loop, with scalar entry and exit loops that, at n = 100 and in triangles, take much of
 * the time, and never a dot product. Here each kernel holds a block of results in vector registers across its
 * whole inner loop, as a BLAS micro-kernel does: K = Q + GᵀWG runs 4 rows × 2 vectors of K at a time, which
 * measured 16–24 GFLOP/s on one AVX-512 core where {@link DenseKernels} reached 2.4.
 *
 * <p>Each kernel computes the same sums as the scalar one, in another order: results agree to rounding.
 */
final class VectorKernels extends DenseKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Doubles per vector: 8 with AVX-512, 4 with AVX2, 2 with NEON or SSE. */
    private static final int L = S.length();

    /** Each thread's scratch for {@link #choleskyLower}'s panel: a factorization per problem and iteration. */
    private static final ThreadLocal<double[]> PANEL = ThreadLocal.withInitial(() -> new double[0]);

    private static double[] panel(int length) {
        double[] p = PANEL.get();
        if (p.length < length) {
            p = new double[length];
            PANEL.set(p);
        }
        return p;
    }

    /** The vector width, for {@link DenseKernels#fastest()} and the benchmark's report. */
    static int lanes() {
        return L;
    }

    @Override
    String describe() {
        return "vector (" + L * 64 + "-bit)";
    }

    /**
     * The lower triangle of {@code K += Gᵀ·diag(w)·G} in register tiles: 4 rows × 2 vectors of K accumulate
     * over all m rows of G and are added to K once. A tile that straddles the diagonal also adds to entries
     * above it, which {@link DenseKernels#addWeightedGram}'s contract leaves undefined (the caller mirrors).
     */
    @Override
    void addWeightedGram(double[] k, double[] g, double[] w, int m, int n) {
        int r = 0;
        for (; r + 3 < n; r += 4) {
            int end = r + 4; // columns 0..r+3 hold the block's lower triangle
            int c = 0;
            for (; c < end && c + 2 * L <= n; c += 2 * L) {
                gramTile4x2(k, g, w, m, n, r, c);
            }
            for (; c < end && c + L <= n; c += L) {
                for (int t = 0; t < 4; t++) {
                    gramTile1x1(k, g, w, m, n, r + t, c);
                }
            }
            for (int t = 0; t < 4; t++) {
                gramScalar(k, g, w, m, n, r + t, c, r + t);
            }
        }
        for (; r < n; r++) {
            int c = 0;
            for (; c <= r && c + L <= n; c += L) {
                gramTile1x1(k, g, w, m, n, r, c);
            }
            gramScalar(k, g, w, m, n, r, c, r);
        }
    }

    /** {@code K[r..r+3][c..c+2L) += Σⱼ wⱼ·G[j][r..r+3]ᵀ·G[j][c..c+2L)}. */
    private static void gramTile4x2(double[] k, double[] g, double[] w, int m, int n, int r, int c) {
        DoubleVector a00 = DoubleVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00,
                a30 = a00, a31 = a00;
        for (int j = 0, o = 0; j < m; j++, o += n) {
            double wj = w[j];
            DoubleVector g0 = DoubleVector.fromArray(S, g, o + c), g1 = DoubleVector.fromArray(S, g, o + c + L);
            DoubleVector b = DoubleVector.broadcast(S, wj * g[o + r]);
            a00 = g0.fma(b, a00);
            a01 = g1.fma(b, a01);
            b = DoubleVector.broadcast(S, wj * g[o + r + 1]);
            a10 = g0.fma(b, a10);
            a11 = g1.fma(b, a11);
            b = DoubleVector.broadcast(S, wj * g[o + r + 2]);
            a20 = g0.fma(b, a20);
            a21 = g1.fma(b, a21);
            b = DoubleVector.broadcast(S, wj * g[o + r + 3]);
            a30 = g0.fma(b, a30);
            a31 = g1.fma(b, a31);
        }
        int o = r * n + c;
        add(k, o, a00);
        add(k, o + L, a01);
        add(k, o + n, a10);
        add(k, o + n + L, a11);
        add(k, o + 2 * n, a20);
        add(k, o + 2 * n + L, a21);
        add(k, o + 3 * n, a30);
        add(k, o + 3 * n + L, a31);
    }

    /** {@code K[r][c..c+L) += Σⱼ wⱼ·G[j][r]·G[j][c..c+L)}. */
    private static void gramTile1x1(double[] k, double[] g, double[] w, int m, int n, int r, int c) {
        DoubleVector acc = DoubleVector.zero(S);
        for (int j = 0, o = 0; j < m; j++, o += n) {
            acc = DoubleVector.fromArray(S, g, o + c).fma(DoubleVector.broadcast(S, w[j] * g[o + r]), acc);
        }
        add(k, r * n + c, acc);
    }

    /** {@code K[r][c..last] += Σⱼ wⱼ·G[j][r]·G[j][c..last]}, entry by entry: the few left at the right edge. */
    private static void gramScalar(double[] k, double[] g, double[] w, int m, int n, int r, int c, int last) {
        for (; c <= last; c++) {
            double s = 0;
            for (int j = 0, o = 0; j < m; j++, o += n) {
                s += w[j] * g[o + r] * g[o + c];
            }
            k[r * n + c] += s;
        }
    }

    private static void add(double[] a, int offset, DoubleVector v) {
        DoubleVector.fromArray(S, a, offset).add(v).intoArray(a, offset);
    }

    /** The four dot products in vector accumulators, one horizontal sum each. */
    @Override
    void dots4(double[] a, int ao, double[] b, int o0, int o1, int o2, int o3, int len, double[] out, int at) {
        int body = len - len % L;
        DoubleVector v0 = DoubleVector.zero(S), v1 = v0, v2 = v0, v3 = v0;
        for (int k = 0; k < body; k += L) {
            DoubleVector ak = DoubleVector.fromArray(S, a, ao + k);
            v0 = DoubleVector.fromArray(S, b, o0 + k).fma(ak, v0);
            v1 = DoubleVector.fromArray(S, b, o1 + k).fma(ak, v1);
            v2 = DoubleVector.fromArray(S, b, o2 + k).fma(ak, v2);
            v3 = DoubleVector.fromArray(S, b, o3 + k).fma(ak, v3);
        }
        dots4From(a, ao, b, o0, o1, o2, o3, body, len, v0.reduceLanes(VectorOperators.ADD),
                v1.reduceLanes(VectorOperators.ADD), v2.reduceLanes(VectorOperators.ADD),
                v3.reduceLanes(VectorOperators.ADD), out, at);
    }

    /** Four rows of M per pass over y, the pass in vectors. */
    @Override
    void multiplyTransposed(double[] mat, int rows, int cols, double[] x, double alpha, double beta, double[] y) {
        if (beta != 1) {
            for (int c = 0; c < cols; c++) {
                y[c] *= beta;
            }
        }
        int body = cols - cols % L;
        int r = 0;
        for (; r + 3 < rows; r += 4) {
            int o0 = r * cols, o1 = o0 + cols, o2 = o1 + cols, o3 = o2 + cols;
            double a0 = alpha * x[r], a1 = alpha * x[r + 1], a2 = alpha * x[r + 2], a3 = alpha * x[r + 3];
            DoubleVector b0 = DoubleVector.broadcast(S, a0), b1 = DoubleVector.broadcast(S, a1);
            DoubleVector b2 = DoubleVector.broadcast(S, a2), b3 = DoubleVector.broadcast(S, a3);
            for (int c = 0; c < body; c += L) {
                DoubleVector v = DoubleVector.fromArray(S, y, c);
                v = DoubleVector.fromArray(S, mat, o0 + c).fma(b0, v);
                v = DoubleVector.fromArray(S, mat, o1 + c).fma(b1, v);
                v = DoubleVector.fromArray(S, mat, o2 + c).fma(b2, v);
                v = DoubleVector.fromArray(S, mat, o3 + c).fma(b3, v);
                v.intoArray(y, c);
            }
            for (int c = body; c < cols; c++) {
                y[c] += a0 * mat[o0 + c] + a1 * mat[o1 + c] + a2 * mat[o2 + c] + a3 * mat[o3 + c];
            }
        }
        for (; r < rows; r++) {
            axpy(alpha * x[r], mat, r * cols, y, 0, cols);
        }
    }

    /** {@code y[yo..yo+len) += a·x[xo..xo+len)}. */
    private static void axpy(double a, double[] x, int xo, double[] y, int yo, int len) {
        DoubleVector b = DoubleVector.broadcast(S, a);
        int c = 0;
        for (; c + L <= len; c += L) {
            DoubleVector.fromArray(S, x, xo + c).fma(b, DoubleVector.fromArray(S, y, yo + c)).intoArray(y, yo + c);
        }
        for (; c < len; c++) {
            y[yo + c] += a * x[xo + c];
        }
    }

    /**
     * Right-looking, four columns (a panel) at a time: the panel's columns are finished in scalar code (they
     * need only the panel's own columns, the earlier panels having been subtracted already), then the
     * trailing triangle loses the panel's rank-4 product, {@code A[i][c] −= Σₜ L[i][p+t]·L[c][p+t]}, row by row
     * in vectors. Why not the scalar kernel's dot products: each needs a horizontal sum, and n²/2 of them
     * cost more than the n³/3 multiply–adds; the update has none. The panel's columns are also written into
     * the rows of a scratch array, so that the update's loads are contiguous.
     */
    @Override
    boolean choleskyLower(double[] a, int n) {
        double[] panel = panel(4 * n);
        for (int p = 0; p < n; p += 4) {
            int width = Math.min(4, n - p);
            // The panel's diagonal block, then its rows below (each a 4-entry forward substitution with the
            // block, by the pivots' reciprocals), copied into the panel's rows for the trailing update.
            for (int j = p; j < p + width; j++) {
                int oj = j * n;
                double d = a[oj + j];
                for (int k = p; k < j; k++) {
                    d -= a[oj + k] * a[oj + k];
                }
                if (!setPivot(a, n, j, d)) { // also zeroes column j above the diagonal: the factor's upper triangle
                    return false;
                }
                double pivot = a[oj + j];
                for (int i = j + 1, oi = (j + 1) * n; i < p + width; i++, oi += n) {
                    double v = a[oi + j];
                    for (int k = p; k < j; k++) {
                        v -= a[oi + k] * a[oj + k];
                    }
                    a[oi + j] = v / pivot;
                }
            }
            int first = p + width;
            if (first == n) {
                break; // the last panel; width is 4 on every other one
            }
            int o0 = p * n + p, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
            double i0 = 1 / a[o0], i1 = 1 / a[o1 + 1], i2 = 1 / a[o2 + 2], i3 = 1 / a[o3 + 3];
            double l10 = a[o1], l20 = a[o2], l21 = a[o2 + 1], l30 = a[o3], l31 = a[o3 + 1], l32 = a[o3 + 2];
            for (int i = first, oi = first * n + p; i < n; i++, oi += n) {
                double x0 = a[oi] * i0;
                double x1 = (a[oi + 1] - x0 * l10) * i1;
                double x2 = (a[oi + 2] - x0 * l20 - x1 * l21) * i2;
                double x3 = (a[oi + 3] - x0 * l30 - x1 * l31 - x2 * l32) * i3;
                a[oi] = x0;
                a[oi + 1] = x1;
                a[oi + 2] = x2;
                a[oi + 3] = x3;
                panel[i] = x0;
                panel[n + i] = x1;
                panel[2 * n + i] = x2;
                panel[3 * n + i] = x3;
            }
            // The trailing triangle, two rows per pass (they share the panel's loads); the second row's last
            // entry, and a last odd row, on their own.
            int i = first;
            for (; i + 1 < n; i += 2) {
                int oi = i * n, on = oi + n;
                subtractRank4TwoRows(a, oi, on, panel, n, p, first, i + 1);
                a[on + i + 1] -= a[on + p] * panel[i + 1] + a[on + p + 1] * panel[n + i + 1]
                        + a[on + p + 2] * panel[2 * n + i + 1] + a[on + p + 3] * panel[3 * n + i + 1];
            }
            if (i < n) {
                int oi = i * n;
                for (int t = 0; t < 4; t++) {
                    axpy(-a[oi + p + t], panel, t * n + first, a, oi + first, i + 1 - first);
                }
            }
        }
        return true;
    }

    /**
     * For the rows at offsets {@code o} and {@code o2}: {@code a[row + c] −= Σₜ a[row + p + t]·panel[t·n + c]} for c
     * in [from, to), t = 0..3 (the rank-4 update by the panel at column p).
     */
    private static void subtractRank4TwoRows(double[] a, int o, int o2, double[] panel, int n, int p, int from,
                                             int to) {
        double l0 = a[o + p], l1 = a[o + p + 1], l2 = a[o + p + 2], l3 = a[o + p + 3];
        double k0 = a[o2 + p], k1 = a[o2 + p + 1], k2 = a[o2 + p + 2], k3 = a[o2 + p + 3];
        DoubleVector b0 = DoubleVector.broadcast(S, -l0), b1 = DoubleVector.broadcast(S, -l1);
        DoubleVector b2 = DoubleVector.broadcast(S, -l2), b3 = DoubleVector.broadcast(S, -l3);
        DoubleVector c0 = DoubleVector.broadcast(S, -k0), c1 = DoubleVector.broadcast(S, -k1);
        DoubleVector c2 = DoubleVector.broadcast(S, -k2), c3 = DoubleVector.broadcast(S, -k3);
        int p1 = n, p2 = 2 * n, p3 = 3 * n;
        int c = from;
        for (; c + L <= to; c += L) {
            DoubleVector q0 = DoubleVector.fromArray(S, panel, c), q1 = DoubleVector.fromArray(S, panel, p1 + c);
            DoubleVector q2 = DoubleVector.fromArray(S, panel, p2 + c), q3 = DoubleVector.fromArray(S, panel, p3 + c);
            DoubleVector v = DoubleVector.fromArray(S, a, o + c);
            DoubleVector u = DoubleVector.fromArray(S, a, o2 + c);
            v = q0.fma(b0, v);
            u = q0.fma(c0, u);
            v = q1.fma(b1, v);
            u = q1.fma(c1, u);
            v = q2.fma(b2, v);
            u = q2.fma(c2, u);
            v = q3.fma(b3, v);
            u = q3.fma(c3, u);
            v.intoArray(a, o + c);
            u.intoArray(a, o2 + c);
        }
        for (; c < to; c++) {
            double q0 = panel[c], q1 = panel[p1 + c], q2 = panel[p2 + c], q3 = panel[p3 + c];
            a[o + c] -= l0 * q0 + l1 * q1 + l2 * q2 + l3 * q3;
            a[o2 + c] -= k0 * q0 + k1 * q1 + k2 * q2 + k3 * q3;
        }
    }

    /** Walks L by rows, each row's update of x in vectors. */
    @Override
    void backSubstituteTransposed(double[] l, int n, double[] x) {
        for (int r = n - 1; r >= 0; r--) {
            int o = r * n;
            double xr = x[r] / l[o + r];
            x[r] = xr;
            axpy(-xr, l, o, x, 0, r);
        }
    }

    @Override
    double dot(double[] a, int ao, double[] b, int bo, int len) {
        if (len < 2 * L) {
            return super.dot(a, ao, b, bo, len);
        }
        DoubleVector v0 = DoubleVector.zero(S), v1 = v0;
        int k = 0;
        for (; k + 2 * L <= len; k += 2 * L) {
            v0 = DoubleVector.fromArray(S, a, ao + k).fma(DoubleVector.fromArray(S, b, bo + k), v0);
            v1 = DoubleVector.fromArray(S, a, ao + k + L).fma(DoubleVector.fromArray(S, b, bo + k + L), v1);
        }
        double s = v0.add(v1).reduceLanes(VectorOperators.ADD);
        for (; k < len; k++) {
            s += a[ao + k] * b[bo + k];
        }
        return s;
    }
}
