package io.github.diffqp.cpu;

import io.github.diffqp.solver.backend.Backends;

/**
 * The CPU backend's dense kernels on plain row-major arrays: one problem's matrix each, written so that
 * HotSpot's C2 compiler keeps the floating-point units busy (docs/DESIGN.md §6.2).
 *
 * <p>Two shapes recur. A loop whose iterations are independent along a contiguous row ({@code y[c] += a·m[c]})
 * is vectorized by C2 (SIMD); there each pass over memory is made to carry several rows' worth of work, so
 * that the loads and stores per multiply–add fall. A dot product ({@code s += m[c]·x[c]}) is not vectorized
 * (C2 keeps a double sum's order) and runs at one add per floating-point latency, a quarter or less of what
 * the core can do; there several independent sums run side by side (several rows at once, or partial sums)
 * so that the adds overlap.
 */
class DenseKernels {
    DenseKernels() {
    }

    /**
     * The kernels to use: {@link VectorKernels} when the JVM has the Vector API ({@code --add-modules
     * jdk.incubator.vector}) with vectors of at least four doubles, these scalar ones otherwise or when the
     * system property {@code diffqp.kernels} is {@code scalar}. The vector class is loaded only after the
     * module is known to be there, so the library runs without it.
     */
    static DenseKernels fastest() {
        if (Backends.vectorApi()) {
            try {
                if (VectorKernels.lanes() >= 4) {
                    return new VectorKernels();
                }
            } catch (LinkageError e) {
                // The module is present but its classes cannot be used here: keep the scalar kernels.
            }
        }
        return new DenseKernels();
    }

    /** What these kernels are, for reports: {@code scalar}, or the vector width. */
    String describe() {
        return "scalar";
    }

    /**
     * The lower triangle of {@code K += Gᵀ·diag(w)·G}, G m×n, K n×n. Entries above the diagonal are left
     * undefined (this implementation does not touch them; {@link VectorKernels}' may): mirror the lower
     * triangle afterwards.
     * Four rows of G per pass over K: the pass's inner loop is vectorized and carries four multiply–adds per
     * element of K loaded and stored, where one row per pass streams the whole of K for each row of G.
     */
    void addWeightedGram(double[] k, double[] g, double[] w, int m, int n) {
        int j = 0;
        for (; j + 3 < m; j += 4) {
            int o0 = j * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
            double w0 = w[j], w1 = w[j + 1], w2 = w[j + 2], w3 = w[j + 3];
            for (int r = 0; r < n; r++) {
                double a0 = w0 * g[o0 + r], a1 = w1 * g[o1 + r], a2 = w2 * g[o2 + r], a3 = w3 * g[o3 + r];
                int kr = r * n;
                for (int c = 0; c <= r; c++) {
                    k[kr + c] += a0 * g[o0 + c] + a1 * g[o1 + c] + a2 * g[o2 + c] + a3 * g[o3 + c];
                }
            }
        }
        for (; j < m; j++) {
            int o = j * n;
            for (int r = 0; r < n; r++) {
                double a = w[j] * g[o + r];
                int kr = r * n;
                for (int c = 0; c <= r; c++) {
                    k[kr + c] += a * g[o + c];
                }
            }
        }
    }

    /** Copies the lower triangle of the n×n matrix onto the upper. */
    static void mirrorLower(double[] k, int n) {
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < r; c++) {
                k[c * n + r] = k[r * n + c];
            }
        }
    }

    /** {@code y = alpha·M·x + beta·y}, M rows×cols: four rows' dot products at once ({@link #dots4}). */
    void multiply(double[] mat, int rows, int cols, double[] x, double alpha, double beta, double[] y) {
        int r = 0;
        for (; r + 3 < rows; r += 4) {
            int o0 = r * cols;
            double y0 = y[r], y1 = y[r + 1], y2 = y[r + 2], y3 = y[r + 3];
            dots4(x, 0, mat, o0, o0 + cols, o0 + 2 * cols, o0 + 3 * cols, cols, y, r);
            y[r] = alpha * y[r] + beta * y0;
            y[r + 1] = alpha * y[r + 1] + beta * y1;
            y[r + 2] = alpha * y[r + 2] + beta * y2;
            y[r + 3] = alpha * y[r + 3] + beta * y3;
        }
        for (; r < rows; r++) {
            y[r] = alpha * dot(mat, r * cols, x, 0, cols) + beta * y[r];
        }
    }

    /**
     * {@code out[at + t] = a[ao..ao+len)·b[oₜ..oₜ+len)} for t = 0..3: four dot products sharing the loads of a,
     * as four independent sums.
     */
    void dots4(double[] a, int ao, double[] b, int o0, int o1, int o2, int o3, int len, double[] out, int at) {
        dots4From(a, ao, b, o0, o1, o2, o3, 0, len, 0, 0, 0, 0, out, at);
    }

    /** {@link #dots4} over entries k in [from, len), the four sums starting at s0..s3. */
    static void dots4From(double[] a, int ao, double[] b, int o0, int o1, int o2, int o3, int from, int len,
                          double s0, double s1, double s2, double s3, double[] out, int at) {
        for (int k = from; k < len; k++) {
            double ak = a[ao + k];
            s0 += ak * b[o0 + k];
            s1 += ak * b[o1 + k];
            s2 += ak * b[o2 + k];
            s3 += ak * b[o3 + k];
        }
        out[at] = s0;
        out[at + 1] = s1;
        out[at + 2] = s2;
        out[at + 3] = s3;
    }

    /** {@code y = alpha·Mᵀ·x + beta·y}, M rows×cols: four rows of M per (vectorized) pass over y. */
    void multiplyTransposed(double[] mat, int rows, int cols, double[] x, double alpha, double beta,
                                   double[] y) {
        if (beta != 1) {
            for (int c = 0; c < cols; c++) {
                y[c] *= beta;
            }
        }
        int r = 0;
        for (; r + 3 < rows; r += 4) {
            int o0 = r * cols, o1 = o0 + cols, o2 = o1 + cols, o3 = o2 + cols;
            double a0 = alpha * x[r], a1 = alpha * x[r + 1], a2 = alpha * x[r + 2], a3 = alpha * x[r + 3];
            for (int c = 0; c < cols; c++) {
                y[c] += a0 * mat[o0 + c] + a1 * mat[o1 + c] + a2 * mat[o2 + c] + a3 * mat[o3 + c];
            }
        }
        for (; r < rows; r++) {
            double a = alpha * x[r];
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                y[c] += a * mat[o + c];
            }
        }
    }

    /**
     * Replaces the lower triangle of the symmetric positive definite n×n matrix by its Cholesky factor L
     * (A = L·Lᵀ), row by row: {@code L[i][j] = (A[i][j] − L[i][0:j]·L[j][0:j]) / L[j][j]}. Four entries of
     * a row are computed together, their dot products sharing the loads of {@code L[i][·]} and running as
     * four independent sums. The upper triangle is set to zero, as a factor's is.
     *
     * @return false when a pivot is not a positive finite number: A is not numerically positive definite
     */
    boolean choleskyLower(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            int oi = i * n;
            int j = 0;
            for (; j + 3 < i; j += 4) {
                int o0 = j * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int k = 0; k < j; k++) {
                    double lik = a[oi + k];
                    s0 += lik * a[o0 + k];
                    s1 += lik * a[o1 + k];
                    s2 += lik * a[o2 + k];
                    s3 += lik * a[o3 + k];
                }
                // The triangle the common prefix left out: L[j+t][j..j+t-1].
                double l0 = (a[oi + j] - s0) / a[o0 + j];
                s1 += l0 * a[o1 + j];
                s2 += l0 * a[o2 + j];
                s3 += l0 * a[o3 + j];
                double l1 = (a[oi + j + 1] - s1) / a[o1 + j + 1];
                s2 += l1 * a[o2 + j + 1];
                s3 += l1 * a[o3 + j + 1];
                double l2 = (a[oi + j + 2] - s2) / a[o2 + j + 2];
                s3 += l2 * a[o3 + j + 2];
                double l3 = (a[oi + j + 3] - s3) / a[o3 + j + 3];
                a[oi + j] = l0;
                a[oi + j + 1] = l1;
                a[oi + j + 2] = l2;
                a[oi + j + 3] = l3;
            }
            for (; j < i; j++) {
                int oj = j * n;
                a[oi + j] = (a[oi + j] - dot(a, oi, a, oj, j)) / a[oj + j];
            }
            if (!setPivot(a, n, i, a[oi + i] - dot(a, oi, a, oi, i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Row i's pivot: {@code L[i][i] = √d} and column i above it zeroed (the factor's upper triangle); false
     * when d is not a positive finite number.
     */
    static boolean setPivot(double[] a, int n, int i, double d) {
        if (!(d > 0) || d == Double.POSITIVE_INFINITY) {
            return false;
        }
        a[i * n + i] = Math.sqrt(d);
        for (int r = 0; r < i; r++) {
            a[r * n + i] = 0;
        }
        return true;
    }

    /**
     * {@code S = Z·Zᵀ}, Z rows×cols, S rows×rows: the lower triangle four dot products at a time (row r with
     * rows c..c+3, {@link #dots4}), mirrored, so S is exactly symmetric.
     */
    void gramOfRows(double[] z, int rows, int cols, double[] s) {
        for (int r = 0; r < rows; r++) {
            int or = r * cols, sr = r * rows;
            int c = 0;
            for (; c + 3 <= r; c += 4) {
                int o0 = c * cols;
                dots4(z, or, z, o0, o0 + cols, o0 + 2 * cols, o0 + 3 * cols, cols, s, sr + c);
            }
            for (; c <= r; c++) {
                s[sr + c] = dot(z, or, z, c * cols, cols);
            }
        }
        mirrorLower(s, rows);
    }

    /** {@code x[off..off+n) ← L⁻¹·x[off..off+n)}, L lower triangular row-major. */
    void forwardSubstitute(double[] l, int n, double[] x, int off) {
        for (int r = 0; r < n; r++) {
            int o = r * n;
            x[off + r] = (x[off + r] - dot(l, o, x, off, r)) / l[o + r];
        }
    }

    /** {@code x ← L⁻ᵀ·x}; walking L by rows keeps memory access contiguous (a vectorized update per row). */
    void backSubstituteTransposed(double[] l, int n, double[] x) {
        for (int r = n - 1; r >= 0; r--) {
            int o = r * n;
            double xr = x[r] / l[o + r];
            x[r] = xr;
            for (int c = 0; c < r; c++) {
                x[c] -= l[o + c] * xr;
            }
        }
    }

    /** {@code a[ao..ao+len)·b[bo..bo+len)} as four interleaved partial sums (independent adds). */
    double dot(double[] a, int ao, double[] b, int bo, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            s0 += a[ao + k] * b[bo + k];
            s1 += a[ao + k + 1] * b[bo + k + 1];
            s2 += a[ao + k + 2] * b[bo + k + 2];
            s3 += a[ao + k + 3] * b[bo + k + 3];
        }
        for (; k < len; k++) {
            s0 += a[ao + k] * b[bo + k];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
