package io.github.diffqp.cpu;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BackendCapacityException;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.chol.CholeskyDecompositionInner_DDRM;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The CPU backend: one EJML matrix (or plain array) per problem, the batch spread over the cores for
 * the cubic and quadratic operations, plain loops for the element-wise ones. Shared data are one
 * object read by every problem.
 *
 * <p>Nothing is allocated per operation apart from the parallel stream's own bookkeeping; EJML's
 * Cholesky keeps per-thread scratch, so it lives in a {@link ThreadLocal}.
 */
final class CpuBackend implements Backend {
    private final int batch;
    private final boolean[] active;
    private final ThreadLocal<CholeskyDecompositionInner_DDRM> cholesky =
            ThreadLocal.withInitial(() -> new CholeskyDecompositionInner_DDRM(true));

    CpuBackend(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
        }
        this.batch = batch;
        this.active = new boolean[batch];
        Arrays.fill(active, true);
    }

    /**
     * One row-major matrix per problem, or one shared. {@code diagonal} marks a square matrix known to be
     * zero off its diagonal (every copy): then products, K, its factor and solves take O(n) paths. Layers
     * like OptNet's Sudoku (Q = 0.1·I, G = −I) make K diagonal, and the Schur complement the only dense work.
     */
    static final class Mat implements BatchMatrix {
        final DMatrixRMaj[] m;
        final int rows, cols;
        boolean diagonal;

        Mat(DMatrixRMaj[] m, int rows, int cols) {
            this.m = m;
            this.rows = rows;
            this.cols = cols;
        }

        DMatrixRMaj of(int problem) {
            return m.length == 1 ? m[0] : m[problem];
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int cols() {
            return cols;
        }

        @Override
        public boolean isShared() {
            return m.length == 1;
        }
    }

    /** One array per problem, or one shared. */
    static final class Vec implements BatchVector {
        final double[][] v;
        final int length;

        Vec(double[][] v, int length) {
            this.v = v;
            this.length = length;
        }

        double[] of(int problem) {
            return v.length == 1 ? v[0] : v[problem];
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public boolean isShared() {
            return v.length == 1;
        }
    }

    @Override
    public String name() {
        return CpuBackendProvider.NAME;
    }

    @Override
    public int batchSize() {
        return batch;
    }

    // ---- data

    /** The backend's buffers live on the heap beside the host's: both must fit there together. */
    @Override
    public void requireMemory(long backendBytes, long hostBytes, String what) {
        BackendCapacityException.requireHeap(backendBytes + hostBytes, what);
    }

    @Override
    public BatchMatrix matrix(Datum d) {
        DMatrixRMaj[] m = new DMatrixRMaj[d.copies()];
        for (int i = 0; i < m.length; i++) {
            m[i] = new DMatrixRMaj(d.rows(), d.cols());
            System.arraycopy(d.values(), d.offset(i), m[i].data, 0, d.stride());
        }
        Mat mat = new Mat(m, d.rows(), d.cols());
        mat.diagonal = isDiagonal(mat);
        return mat;
    }

    private static boolean isDiagonal(Mat a) {
        if (a.rows != a.cols) {
            return false;
        }
        for (DMatrixRMaj mi : a.m) {
            for (int r = 0; r < a.rows; r++) {
                for (int c = 0; c < a.cols; c++) {
                    if (r != c && mi.data[r * a.cols + c] != 0) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Override
    public BatchMatrix matrix(int rows, int cols, boolean shared) {
        DMatrixRMaj[] m = new DMatrixRMaj[shared ? 1 : batch];
        for (int i = 0; i < m.length; i++) {
            m[i] = new DMatrixRMaj(rows, cols);
        }
        return new Mat(m, rows, cols);
    }

    @Override
    public BatchVector vector(Datum d) {
        if (d.cols() != 1) {
            throw new IllegalArgumentException("a vector datum has one column, got " + d);
        }
        double[][] v = new double[d.copies()][];
        for (int i = 0; i < v.length; i++) {
            v[i] = Arrays.copyOfRange(d.values(), d.offset(i), d.offset(i) + d.rows());
        }
        return new Vec(v, d.rows());
    }

    @Override
    public BatchVector vector(int length, boolean shared) {
        return new Vec(new double[shared ? 1 : batch][length], length);
    }

    @Override
    public void read(BatchVector v, double[] out) {
        Vec a = (Vec) v;
        for (int i = 0; i < a.v.length; i++) {
            System.arraycopy(a.v[i], 0, out, i * a.length, a.length);
        }
    }

    @Override
    public void read(BatchMatrix mat, double[] out) {
        Mat a = (Mat) mat;
        int stride = a.rows * a.cols;
        for (int i = 0; i < a.m.length; i++) {
            System.arraycopy(a.m[i].data, 0, out, i * stride, stride);
        }
    }

    @Override
    public void write(double[] in, BatchVector v) {
        Vec a = (Vec) v;
        for (int i = 0; i < a.v.length; i++) {
            System.arraycopy(in, i * a.length, a.v[i], 0, a.length);
        }
    }

    @Override
    public void setActive(boolean[] mask) {
        System.arraycopy(mask, 0, active, 0, batch);
    }

    /** Runs {@code body} for every active problem, spread over the cores when there is more than one. */
    private void forEachActive(IntConsumer body) {
        if (batch == 1) {
            if (active[0]) {
                body.accept(0);
            }
            return;
        }
        IntStream.range(0, batch).parallel().forEach(i -> {
            if (active[i]) {
                body.accept(i);
            }
        });
    }

    // ---- products

    @Override
    public void multiply(BatchMatrix M, boolean transpose, BatchVector x, double alpha, double beta, BatchVector y) {
        Mat a = (Mat) M;
        Vec xs = (Vec) x, ys = (Vec) y;
        forEachActive(i -> {
            double[] m = a.of(i).data, xv = xs.of(i), yv = ys.of(i);
            int rows = a.rows, cols = a.cols;
            if (a.diagonal) {
                for (int r = 0; r < rows; r++) {
                    yv[r] = alpha * m[r * cols + r] * xv[r] + beta * yv[r];
                }
            } else if (transpose) {
                for (int c = 0; c < cols; c++) {
                    yv[c] *= beta;
                }
                for (int r = 0; r < rows; r++) {
                    double s = alpha * xv[r];
                    if (s != 0) {
                        int o = r * cols;
                        for (int c = 0; c < cols; c++) {
                            yv[c] += s * m[o + c];
                        }
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    double s = 0;
                    int o = r * cols;
                    for (int c = 0; c < cols; c++) {
                        s += m[o + c] * xv[c];
                    }
                    yv[r] = alpha * s + beta * yv[r];
                }
            }
        });
    }

    @Override
    public void formNormalMatrix(BatchMatrix Q, BatchMatrix G, BatchVector w, BatchMatrix K) {
        Mat q = (Mat) Q, g = (Mat) G, k = (Mat) K;
        Vec ws = (Vec) w;
        int n = k.rows;
        k.diagonal = q.diagonal && (g == null || g.diagonal);
        forEachActive(i -> {
            double[] kd = k.of(i).data;
            System.arraycopy(q.of(i).data, 0, kd, 0, n * n);
            if (g == null) {
                return;
            }
            if (k.diagonal) {
                double[] gd = g.of(i).data, wv = ws.of(i);
                for (int r = 0; r < n; r++) {
                    double gr = gd[r * n + r];
                    kd[r * n + r] += wv[r] * gr * gr;
                }
                return;
            }
            double[] gd = g.of(i).data, wv = ws.of(i);
            // Rank-one updates of the lower triangle, row of G by row: contiguous inner loops.
            for (int j = 0; j < g.rows; j++) {
                int o = j * n;
                for (int r = 0; r < n; r++) {
                    double a = wv[j] * gd[o + r];
                    if (a != 0) {
                        int kr = r * n;
                        for (int c = 0; c <= r; c++) {
                            kd[kr + c] += a * gd[o + c];
                        }
                    }
                }
            }
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < r; c++) {
                    kd[c * n + r] = kd[r * n + c];
                }
            }
        });
    }

    @Override
    public void formSchurComplement(BatchMatrix L, BatchMatrix A, BatchMatrix work, BatchMatrix S) {
        Mat l = (Mat) L, a = (Mat) A, z = (Mat) work, s = (Mat) S;
        int n = l.rows;
        forEachActive(i -> {
            DMatrixRMaj zi = z.of(i);
            System.arraycopy(a.of(i).data, 0, zi.data, 0, a.rows * n);
            double[] ld = l.of(i).data;
            if (l.diagonal) {
                for (int r = 0; r < a.rows; r++) {
                    for (int c = 0; c < n; c++) {
                        zi.data[r * n + c] /= ld[c * n + c];
                    }
                }
            } else {
                // Row r of Z = A·L⁻ᵀ is L⁻¹·aᵣ: one forward substitution per row, on contiguous memory.
                for (int r = 0; r < a.rows; r++) {
                    forwardSubstitute(ld, n, zi.data, r * n);
                }
            }
            CommonOps_DDRM.multTransB(zi, zi, s.of(i));
        });
    }

    @Override
    public void addOuterProduct(BatchVector u, BatchVector v, double alpha, BatchMatrix out) {
        Vec us = (Vec) u, vs = (Vec) v;
        Mat o = (Mat) out;
        int cols = o.cols;
        if (o.isShared()) {
            double[] od = o.m[0].data;
            for (int i = 0; i < batch; i++) {
                if (active[i]) {
                    addOuter(us.of(i), vs.of(i), alpha, od, o.rows, cols);
                }
            }
        } else {
            forEachActive(i -> addOuter(us.of(i), vs.of(i), alpha, o.of(i).data, o.rows, cols));
        }
    }

    private static void addOuter(double[] u, double[] v, double alpha, double[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            double a = alpha * u[r];
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                out[o + c] += a * v[c];
            }
        }
    }

    // ---- factorization

    @Override
    public void maxDiagonal(BatchMatrix M, double[] out) {
        Mat a = (Mat) M;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double[] d = a.of(i).data;
                double best = Double.NEGATIVE_INFINITY;
                for (int r = 0; r < a.rows; r++) {
                    best = Math.max(best, d[r * a.cols + r]);
                }
                out[i] = best;
            }
        }
    }

    @Override
    public void addToDiagonal(BatchMatrix M, double[] shift) {
        Mat a = (Mat) M;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double[] d = a.of(i).data;
                for (int r = 0; r < a.rows; r++) {
                    d[r * a.cols + r] += shift[i];
                }
            }
        }
    }

    @Override
    public void cholesky(BatchMatrix M, boolean[] ok) {
        Mat a = (Mat) M;
        forEachActive(i -> {
            DMatrixRMaj mi = a.of(i);
            boolean good = a.diagonal ? diagonalCholesky(mi.data, a.rows) : cholesky.get().decompose(mi);
            // EJML's test (pivot ≤ 0) lets NaN through; a factor with a non-finite pivot is no factor.
            for (int r = 0; good && r < a.rows; r++) {
                good = Double.isFinite(mi.data[r * a.cols + r]);
            }
            ok[i] = good;
        });
    }

    private static boolean diagonalCholesky(double[] d, int n) {
        for (int r = 0; r < n; r++) {
            double v = d[r * n + r];
            if (!(v > 0)) {
                return false;
            }
            d[r * n + r] = Math.sqrt(v);
        }
        return true;
    }

    @Override
    public void choleskySolve(BatchMatrix L, BatchVector b) {
        Mat l = (Mat) L;
        Vec bs = (Vec) b;
        int n = l.rows;
        forEachActive(i -> {
            double[] ld = l.of(i).data, x = bs.of(i);
            if (l.diagonal) {
                for (int r = 0; r < n; r++) {
                    double d = ld[r * n + r];
                    x[r] /= d * d;
                }
                return;
            }
            forwardSubstitute(ld, n, x, 0);
            backSubstituteTransposed(ld, n, x);
        });
    }

    /** x[off..off+n) ← L⁻¹·x[off..off+n), L lower triangular row-major. */
    private static void forwardSubstitute(double[] L, int n, double[] x, int off) {
        for (int r = 0; r < n; r++) {
            double s = x[off + r];
            int o = r * n;
            for (int c = 0; c < r; c++) {
                s -= L[o + c] * x[off + c];
            }
            x[off + r] = s / L[o + r];
        }
    }

    /** x ← L⁻ᵀ·x; walking L by rows keeps memory access contiguous. */
    private static void backSubstituteTransposed(double[] L, int n, double[] x) {
        for (int r = n - 1; r >= 0; r--) {
            int o = r * n;
            double xr = x[r] / L[o + r];
            x[r] = xr;
            for (int c = 0; c < r; c++) {
                x[c] -= L[o + c] * xr;
            }
        }
    }

    // ---- element-wise

    @Override
    public void copy(BatchVector source, BatchVector target) {
        Vec s = (Vec) source, t = (Vec) target;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                System.arraycopy(s.of(i), 0, t.of(i), 0, t.length);
            }
        }
    }

    @Override
    public void fill(BatchVector v, double value) {
        Vec a = (Vec) v;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                Arrays.fill(a.of(i), value);
            }
        }
    }

    @Override
    public void axpby(double a, BatchVector x, double b, BatchVector y) {
        Vec xs = (Vec) x, ys = (Vec) y;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double[] xv = xs.of(i), yv = ys.of(i);
                for (int k = 0; k < ys.length; k++) {
                    yv[k] = a * xv[k] + b * yv[k];
                }
            }
        }
    }

    @Override
    public void axpy(double[] a, BatchVector x, BatchVector y) {
        Vec xs = (Vec) x, ys = (Vec) y;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double[] xv = xs.of(i), yv = ys.of(i);
                double ai = a[i];
                for (int k = 0; k < ys.length; k++) {
                    yv[k] += ai * xv[k];
                }
            }
        }
    }

    @Override
    public void addScalar(double[] c, BatchVector y) {
        Vec ys = (Vec) y;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double[] yv = ys.of(i);
                for (int k = 0; k < ys.length; k++) {
                    yv[k] += c[i];
                }
            }
        }
    }

    @Override
    public void multiplyElements(BatchVector a, BatchVector b, BatchVector out) {
        Vec as = (Vec) a, bs = (Vec) b, os = (Vec) out;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double[] av = as.of(i), bv = bs.of(i), ov = os.of(i);
                for (int k = 0; k < os.length; k++) {
                    ov[k] = av[k] * bv[k];
                }
            }
        }
    }

    @Override
    public void divideElements(BatchVector a, BatchVector b, BatchVector out) {
        Vec as = (Vec) a, bs = (Vec) b, os = (Vec) out;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double[] av = as.of(i), bv = bs.of(i), ov = os.of(i);
                for (int k = 0; k < os.length; k++) {
                    ov[k] = av[k] / bv[k];
                }
            }
        }
    }

    // ---- reductions

    @Override
    public void dot(BatchVector a, BatchVector b, double[] out) {
        Vec as = (Vec) a, bs = (Vec) b;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double[] av = as.of(i), bv = bs.of(i);
                double s = 0;
                for (int k = 0; k < as.length; k++) {
                    s += av[k] * bv[k];
                }
                out[i] = s;
            }
        }
    }

    @Override
    public void normInf(BatchVector a, double[] out) {
        Vec as = (Vec) a;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double[] av = as.of(i);
                double s = 0;
                for (int k = 0; k < as.length; k++) {
                    // Written so that a NaN entry makes the norm NaN rather than being skipped by max.
                    double e = Math.abs(av[k]);
                    s = e > s || e != e ? e : s;
                }
                out[i] = s;
            }
        }
    }

    @Override
    public void min(BatchVector a, double[] out) {
        Vec as = (Vec) a;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double[] av = as.of(i);
                double s = Double.POSITIVE_INFINITY;
                for (int k = 0; k < as.length; k++) {
                    s = Math.min(s, av[k]);
                }
                out[i] = s;
            }
        }
    }

    @Override
    public void maxStep(BatchVector v, BatchVector dv, double[] out) {
        Vec vs = (Vec) v, ds = (Vec) dv;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double[] vv = vs.of(i), dd = ds.of(i);
                double step = Double.POSITIVE_INFINITY;
                for (int k = 0; k < vs.length; k++) {
                    if (dd[k] < 0) {
                        step = Math.min(step, -vv[k] / dd[k]);
                    }
                }
                out[i] = step;
            }
        }
    }

    @Override
    public void close() {
        // Host memory only: the garbage collector reclaims it.
    }
}
