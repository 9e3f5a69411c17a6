package io.github.diffqp.cpu;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BackendCapacityException;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The CPU backend: one EJML matrix (or plain array) per problem, plain-array kernels ({@link DenseKernels}).
 * Shared data are one object read by every problem.
 *
 * <p>Operations are not run one at a time over the whole batch: each per-problem operation is recorded, with
 * the active mask of its call, and the recorded sequence runs problem by problem (the batch spread over the
 * cores) when the host needs a result: an operation that returns values to the host (a reduction, a
 * factorization's flags, {@link #read}) or writes data that every problem shares. Why: one problem's
 * matrices (Q, G, K's factor: 240 KB at n = m = 100) fit in a core's L2 cache, the whole batch's do not, so
 * a Newton step's dozen products, solves and refinements stream the batch from memory a dozen times when
 * run operation by operation, once when run problem by problem (docs/DESIGN.md §4.2). The order of the
 * operations on each problem is the call order, so the results are those of running them one by one.
 */
final class CpuBackend implements Backend {
    /** One recorded operation, run for one problem. */
    private interface ProblemOp {
        void run(int problem);
    }

    /** The dense kernels, vectorized where the JVM allows (docs/DESIGN.md §4.2). */
    static final DenseKernels KERNELS = DenseKernels.fastest();

    private final int batch;
    /** The current mask; replaced, never changed in place, so that recorded operations keep theirs. */
    private boolean[] active;
    private final ArrayList<ProblemOp> pending = new ArrayList<>();
    private final ArrayList<boolean[]> pendingMasks = new ArrayList<>();
    /** Flops (roughly) per problem of what is recorded: decides whether running it is worth a fork–join. */
    private double pendingWork;
    /**
     * Below this many flops for the whole batch, recorded work runs on the calling thread: handing it to the
     * common pool costs more (a few µs per fork–join on an idle machine, far more on a loaded one) than it
     * saves. An element-wise operation on small problems stays below; a product or factorization of a batch
     * of them does not.
     */
    private static final double PARALLEL_WORK = 50_000;

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
        /**
         * Every copy equals its transpose (Q): then M·x runs as Mᵀ·x, whose kernel has no dot products' horizontal
         * sums. Set at upload, dropped when an operation writes the matrix.
         */
        boolean symmetric;

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
        mat.symmetric = !mat.diagonal && isSymmetric(mat);
        return mat;
    }

    private static boolean isSymmetric(Mat a) {
        if (a.rows != a.cols) {
            return false;
        }
        for (DMatrixRMaj mi : a.m) {
            for (int r = 0; r < a.rows; r++) {
                for (int c = 0; c < r; c++) {
                    if (mi.data[r * a.cols + c] != mi.data[c * a.cols + r]) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Called when an operation that writes {@code a} is recorded: its symmetry no longer holds. */
    private static void written(Mat a) {
        a.symmetric = false;
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
        flush();
        Vec a = (Vec) v;
        for (int i = 0; i < a.v.length; i++) {
            System.arraycopy(a.v[i], 0, out, i * a.length, a.length);
        }
    }

    @Override
    public void read(BatchMatrix mat, double[] out) {
        flush();
        Mat a = (Mat) mat;
        int stride = a.rows * a.cols;
        for (int i = 0; i < a.m.length; i++) {
            System.arraycopy(a.m[i].data, 0, out, i * stride, stride);
        }
    }

    @Override
    public void write(double[] in, BatchVector v) {
        flush();
        Vec a = (Vec) v;
        for (int i = 0; i < a.v.length; i++) {
            System.arraycopy(in, i * a.length, a.v[i], 0, a.length);
        }
    }

    @Override
    public void setActive(boolean[] mask) {
        active = Arrays.copyOf(mask, batch);
    }

    // ---- recording and running

    /**
     * Records {@code op} for the active problems. An output that every problem shares is written by each in
     * turn: then what was recorded runs first and {@code op} runs now, over the active problems in order.
     */
    private void perProblem(ProblemOp op, double work, boolean sharedOutput) {
        if (sharedOutput) {
            flush();
            for (int i = 0; i < batch; i++) {
                if (active[i]) {
                    op.run(i);
                }
            }
            return;
        }
        pending.add(op);
        pendingMasks.add(active);
        pendingWork += work;
    }

    /** Records {@code op}, whose results the host reads on return, and runs everything recorded. */
    private void perProblemNow(ProblemOp op, double work) {
        perProblem(op, work, false);
        flush();
    }

    /** Runs the recorded operations problem by problem, the problems spread over the cores. */
    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        ProblemOp[] ops = pending.toArray(new ProblemOp[0]);
        boolean[][] masks = pendingMasks.toArray(new boolean[0][]);
        pending.clear();
        pendingMasks.clear();
        boolean parallel = batch > 1 && pendingWork * batch >= PARALLEL_WORK;
        pendingWork = 0;
        if (!parallel) {
            for (int i = 0; i < batch; i++) {
                runRecorded(ops, masks, i);
            }
        } else {
            IntStream.range(0, batch).parallel().forEach(i -> runRecorded(ops, masks, i));
        }
    }

    private static void runRecorded(ProblemOp[] ops, boolean[][] masks, int problem) {
        for (int k = 0; k < ops.length; k++) {
            if (masks[k][problem]) {
                ops[k].run(problem);
            }
        }
    }

    // ---- products

    @Override
    public void multiply(BatchMatrix M, boolean transpose, BatchVector x, double alpha, double beta, BatchVector y) {
        Mat a = (Mat) M;
        Vec xs = (Vec) x, ys = (Vec) y;
        int rows = a.rows, cols = a.cols;
        boolean diagonal = a.diagonal, symmetric = a.symmetric;
        perProblem(i -> {
            double[] m = a.of(i).data, xv = xs.of(i), yv = ys.of(i);
            if (diagonal) {
                for (int r = 0; r < rows; r++) {
                    yv[r] = alpha * m[r * cols + r] * xv[r] + beta * yv[r];
                }
            } else if (transpose || symmetric) {
                KERNELS.multiplyTransposed(m, rows, cols, xv, alpha, beta, yv);
            } else {
                KERNELS.multiply(m, rows, cols, xv, alpha, beta, yv);
            }
        }, diagonal ? rows : (double) rows * cols, ys.isShared());
    }

    @Override
    public void formNormalMatrix(BatchMatrix Q, BatchMatrix G, BatchVector w, BatchMatrix K) {
        Mat q = (Mat) Q, g = (Mat) G, k = (Mat) K;
        Vec ws = (Vec) w;
        int n = k.rows;
        boolean diagonal = q.diagonal && (g == null || g.diagonal);
        k.diagonal = diagonal;
        written(k);
        perProblem(i -> {
            double[] kd = k.of(i).data;
            System.arraycopy(q.of(i).data, 0, kd, 0, n * n);
            if (g == null) {
                return;
            }
            double[] gd = g.of(i).data, wv = ws.of(i);
            if (diagonal) {
                for (int r = 0; r < n; r++) {
                    double gr = gd[r * n + r];
                    kd[r * n + r] += wv[r] * gr * gr;
                }
                return;
            }
            KERNELS.addWeightedGram(kd, gd, wv, g.rows, n);
            DenseKernels.mirrorLower(kd, n);
        }, g == null || diagonal ? (double) n * n : (double) g.rows * n * n, k.isShared());
    }

    @Override
    public void formSchurComplement(BatchMatrix L, BatchMatrix A, BatchMatrix work, BatchMatrix S) {
        Mat l = (Mat) L, a = (Mat) A, z = (Mat) work, s = (Mat) S;
        int n = l.rows, q = a.rows;
        written(z);
        written(s);
        boolean diagonal = l.diagonal;
        perProblem(i -> {
            double[] zd = z.of(i).data, ld = l.of(i).data;
            System.arraycopy(a.of(i).data, 0, zd, 0, q * n);
            if (diagonal) {
                for (int r = 0; r < q; r++) {
                    for (int c = 0; c < n; c++) {
                        zd[r * n + c] /= ld[c * n + c];
                    }
                }
            } else {
                // Row r of Z = A·L⁻ᵀ is L⁻¹·aᵣ: one forward substitution per row, on contiguous memory.
                for (int r = 0; r < q; r++) {
                    KERNELS.forwardSubstitute(ld, n, zd, r * n);
                }
            }
            KERNELS.gramOfRows(zd, q, n, s.of(i).data);
        }, (double) q * n * (n + q), s.isShared() || z.isShared());
    }

    @Override
    public void addOuterProduct(BatchVector u, BatchVector v, double alpha, BatchMatrix out) {
        Vec us = (Vec) u, vs = (Vec) v;
        Mat o = (Mat) out;
        int rows = o.rows, cols = o.cols;
        written(o);
        perProblem(i -> {
            double[] uv = us.of(i), vv = vs.of(i), od = o.of(i).data;
            for (int r = 0; r < rows; r++) {
                double a = alpha * uv[r];
                int or = r * cols;
                for (int c = 0; c < cols; c++) {
                    od[or + c] += a * vv[c];
                }
            }
        }, (double) rows * cols, o.isShared());
    }

    // ---- factorization

    @Override
    public void maxDiagonal(BatchMatrix M, double[] out) {
        Mat a = (Mat) M;
        perProblemNow(i -> {
            double[] d = a.of(i).data;
            double best = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < a.rows; r++) {
                best = Math.max(best, d[r * a.cols + r]);
            }
            out[i] = best;
        }, a.rows);
    }

    @Override
    public void addToDiagonal(BatchMatrix M, double[] shift) {
        Mat a = (Mat) M;
        written(a);
        double[] s = shift.clone();
        perProblem(i -> {
            double[] d = a.of(i).data;
            for (int r = 0; r < a.rows; r++) {
                d[r * a.cols + r] += s[i];
            }
        }, a.rows, a.isShared());
    }

    @Override
    public void cholesky(BatchMatrix M, boolean[] ok) {
        Mat a = (Mat) M;
        written(a);
        int n = a.rows;
        boolean diagonal = a.diagonal;
        perProblemNow(i -> {
            double[] d = a.of(i).data;
            boolean good = diagonal ? diagonalCholesky(d, n) : KERNELS.choleskyLower(d, n);
            ok[i] = good;
        }, diagonal ? n : (double) n * n * n / 3);
    }

    private static boolean diagonalCholesky(double[] d, int n) {
        for (int r = 0; r < n; r++) {
            double v = d[r * n + r];
            if (!(v > 0) || v == Double.POSITIVE_INFINITY) {
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
        boolean diagonal = l.diagonal;
        perProblem(i -> {
            double[] ld = l.of(i).data, x = bs.of(i);
            if (diagonal) {
                for (int r = 0; r < n; r++) {
                    double d = ld[r * n + r];
                    x[r] /= d * d;
                }
                return;
            }
            KERNELS.forwardSubstitute(ld, n, x, 0);
            KERNELS.backSubstituteTransposed(ld, n, x);
        }, diagonal ? n : 2.0 * n * n, bs.isShared());
    }

    // ---- element-wise

    @Override
    public void copy(BatchVector source, BatchVector target) {
        Vec s = (Vec) source, t = (Vec) target;
        perProblem(i -> System.arraycopy(s.of(i), 0, t.of(i), 0, t.length), t.length, t.isShared());
    }

    @Override
    public void fill(BatchVector v, double value) {
        Vec a = (Vec) v;
        perProblem(i -> Arrays.fill(a.of(i), value), a.length, a.isShared());
    }

    @Override
    public void axpby(double a, BatchVector x, double b, BatchVector y) {
        Vec xs = (Vec) x, ys = (Vec) y;
        perProblem(i -> {
            double[] xv = xs.of(i), yv = ys.of(i);
            for (int k = 0; k < ys.length; k++) {
                yv[k] = a * xv[k] + b * yv[k];
            }
        }, ys.length, ys.isShared());
    }

    @Override
    public void axpy(double[] a, BatchVector x, BatchVector y) {
        Vec xs = (Vec) x, ys = (Vec) y;
        double[] coefficients = a.clone();
        perProblem(i -> {
            double[] xv = xs.of(i), yv = ys.of(i);
            double ai = coefficients[i];
            for (int k = 0; k < ys.length; k++) {
                yv[k] += ai * xv[k];
            }
        }, ys.length, ys.isShared());
    }

    @Override
    public void addScalar(double[] c, BatchVector y) {
        Vec ys = (Vec) y;
        double[] values = c.clone();
        perProblem(i -> {
            double[] yv = ys.of(i);
            double ci = values[i];
            for (int k = 0; k < ys.length; k++) {
                yv[k] += ci;
            }
        }, ys.length, ys.isShared());
    }

    @Override
    public void multiplyElements(BatchVector a, BatchVector b, BatchVector out) {
        Vec as = (Vec) a, bs = (Vec) b, os = (Vec) out;
        perProblem(i -> {
            double[] av = as.of(i), bv = bs.of(i), ov = os.of(i);
            for (int k = 0; k < os.length; k++) {
                ov[k] = av[k] * bv[k];
            }
        }, os.length, os.isShared());
    }

    @Override
    public void divideElements(BatchVector a, BatchVector b, BatchVector out) {
        Vec as = (Vec) a, bs = (Vec) b, os = (Vec) out;
        perProblem(i -> {
            double[] av = as.of(i), bv = bs.of(i), ov = os.of(i);
            for (int k = 0; k < os.length; k++) {
                ov[k] = av[k] / bv[k];
            }
        }, os.length, os.isShared());
    }

    // ---- reductions

    @Override
    public void dot(BatchVector a, BatchVector b, double[] out) {
        Vec as = (Vec) a, bs = (Vec) b;
        perProblemNow(i -> {
            double[] av = as.of(i), bv = bs.of(i);
            double s = 0;
            for (int k = 0; k < as.length; k++) {
                s += av[k] * bv[k];
            }
            out[i] = s;
        }, as.length);
    }

    @Override
    public void normInf(BatchVector a, double[] out) {
        Vec as = (Vec) a;
        perProblemNow(i -> {
            double[] av = as.of(i);
            double s = 0;
            for (int k = 0; k < as.length; k++) {
                // Written so that a NaN entry makes the norm NaN rather than being skipped by max.
                double e = Math.abs(av[k]);
                s = e > s || e != e ? e : s;
            }
            out[i] = s;
        }, as.length);
    }

    @Override
    public void min(BatchVector a, double[] out) {
        Vec as = (Vec) a;
        perProblemNow(i -> {
            double[] av = as.of(i);
            double s = Double.POSITIVE_INFINITY;
            for (int k = 0; k < as.length; k++) {
                s = Math.min(s, av[k]);
            }
            out[i] = s;
        }, as.length);
    }

    @Override
    public void maxStep(BatchVector v, BatchVector dv, double[] out) {
        Vec vs = (Vec) v, ds = (Vec) dv;
        perProblemNow(i -> {
            double[] vv = vs.of(i), dd = ds.of(i);
            double step = Double.POSITIVE_INFINITY;
            for (int k = 0; k < vs.length; k++) {
                if (dd[k] < 0) {
                    step = Math.min(step, -vv[k] / dd[k]);
                }
            }
            out[i] = step;
        }, vs.length);
    }

    @Override
    public void close() {
        // Host memory only: the garbage collector reclaims it. What was recorded and never needed is dropped.
        pending.clear();
        pendingMasks.clear();
        pendingWork = 0;
    }
}
