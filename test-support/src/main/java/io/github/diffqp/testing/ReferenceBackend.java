package io.github.diffqp.testing;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BackendCapacityException;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;

import java.util.Arrays;

/**
 * The reference that every backend's tests compare with (docs/DESIGN.md §4.5): {@link Backend}'s javadoc
 * written out as textbook loops on one plain row-major array per problem, so simple that it can be checked
 * by reading. No blocking, no recording, no fast paths, no threads; nothing here is meant to be fast.
 *
 * <p>Every operation is one loop over the problems in order, skipping inactive ones, and within it the
 * loop of the formula. A shared handle is one array that every problem reads; written as an output, each
 * active problem writes it in turn, so that the sums the interface defines for {@link #axpy} and
 * {@link #addOuterProduct} accumulate over the active problems, and any other operation leaves the last
 * active problem's result (which the interface leaves open, and which the other backends match).
 */
public final class ReferenceBackend implements Backend {
    private final int batch;
    private boolean[] active;

    public ReferenceBackend(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
        }
        this.batch = batch;
        this.active = new boolean[batch];
        Arrays.fill(active, true);
    }

    /** One row-major rows×cols array per problem, or one shared. */
    private record Mat(double[][] data, int rows, int cols) implements BatchMatrix {
        double[] of(int problem) {
            return data[data.length == 1 ? 0 : problem];
        }

        double get(int problem, int r, int c) {
            return of(problem)[r * cols + c];
        }

        @Override
        public boolean isShared() {
            return data.length == 1;
        }
    }

    /** One array per problem, or one shared. */
    private record Vec(double[][] data, int length) implements BatchVector {
        double[] of(int problem) {
            return data[data.length == 1 ? 0 : problem];
        }

        @Override
        public boolean isShared() {
            return data.length == 1;
        }
    }

    @Override
    public String name() {
        return ReferenceBackendProvider.NAME;
    }

    @Override
    public int batchSize() {
        return batch;
    }

    // ---- data

    /** Its arrays live on the heap beside the host's: both must fit there. */
    @Override
    public void requireMemory(long backendBytes, long hostBytes, String what) {
        BackendCapacityException.requireHeap(backendBytes + hostBytes, what);
    }

    @Override
    public BatchMatrix matrix(Datum d) {
        return new Mat(copies(d), d.rows(), d.cols());
    }

    @Override
    public BatchMatrix matrix(int rows, int cols, boolean shared) {
        return new Mat(new double[shared ? 1 : batch][rows * cols], rows, cols);
    }

    @Override
    public BatchVector vector(Datum d) {
        if (d.cols() != 1) {
            throw new IllegalArgumentException("a vector datum has one column, got " + d);
        }
        return new Vec(copies(d), d.rows());
    }

    @Override
    public BatchVector vector(int length, boolean shared) {
        return new Vec(new double[shared ? 1 : batch][length], length);
    }

    private static double[][] copies(Datum d) {
        double[][] out = new double[d.copies()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.problem(i);
        }
        return out;
    }

    @Override
    public void read(BatchVector v, double[] out) {
        Vec a = (Vec) v;
        for (int i = 0; i < a.data.length; i++) {
            System.arraycopy(a.data[i], 0, out, i * a.length, a.length);
        }
    }

    @Override
    public void read(BatchMatrix mat, double[] out) {
        Mat a = (Mat) mat;
        int size = a.rows * a.cols;
        for (int i = 0; i < a.data.length; i++) {
            System.arraycopy(a.data[i], 0, out, i * size, size);
        }
    }

    @Override
    public void write(double[] in, BatchVector v) {
        Vec a = (Vec) v;
        for (int i = 0; i < a.data.length; i++) {
            System.arraycopy(in, i * a.length, a.data[i], 0, a.length);
        }
    }

    @Override
    public void setActive(boolean[] mask) {
        if (mask.length != batch) {
            throw new IllegalArgumentException("a mask has one flag per problem: " + batch + ", got " + mask.length);
        }
        active = mask.clone();
    }

    // ---- products

    @Override
    public void multiply(BatchMatrix M, boolean transpose, BatchVector x, double alpha, double beta, BatchVector y) {
        Mat a = (Mat) M;
        Vec xs = (Vec) x, ys = (Vec) y;
        for (int i = 0; i < batch; i++) {
            if (!active[i]) {
                continue;
            }
            double[] xv = xs.of(i), yv = ys.of(i);
            double[] product = new double[ys.length];
            for (int r = 0; r < ys.length; r++) {
                for (int k = 0; k < xs.length; k++) {
                    product[r] += (transpose ? a.get(i, k, r) : a.get(i, r, k)) * xv[k];
                }
            }
            for (int r = 0; r < ys.length; r++) {
                yv[r] = alpha * product[r] + beta * yv[r];
            }
        }
    }

    @Override
    public void formNormalMatrix(BatchMatrix Q, BatchMatrix G, BatchVector w, BatchMatrix K) {
        Mat q = (Mat) Q, g = (Mat) G, k = (Mat) K;
        Vec ws = (Vec) w;
        int n = k.rows;
        for (int i = 0; i < batch; i++) {
            if (!active[i]) {
                continue;
            }
            double[] out = k.of(i);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    double sum = q.get(i, r, c);
                    for (int j = 0; g != null && j < g.rows; j++) {
                        // w·(g·g), not (g·w)·g: K comes out exactly symmetric when Q is.
                        sum += ws.of(i)[j] * (g.get(i, j, r) * g.get(i, j, c));
                    }
                    out[r * n + c] = sum;
                }
            }
        }
    }

    /** Z = A·L⁻ᵀ (row r of Z is L⁻¹·aᵣ) into {@code work}, then S = Z·Zᵀ = A·(L·Lᵀ)⁻¹·Aᵀ. */
    @Override
    public void formSchurComplement(BatchMatrix L, BatchMatrix A, BatchMatrix work, BatchMatrix S) {
        Mat l = (Mat) L, a = (Mat) A, z = (Mat) work, s = (Mat) S;
        int n = l.rows, q = a.rows;
        for (int i = 0; i < batch; i++) {
            if (!active[i]) {
                continue;
            }
            double[] zi = z.of(i);
            for (int r = 0; r < q; r++) {
                double[] row = Arrays.copyOfRange(a.of(i), r * n, (r + 1) * n);
                forwardSubstitute(l, i, row);
                System.arraycopy(row, 0, zi, r * n, n);
            }
            double[] si = s.of(i);
            for (int r = 0; r < q; r++) {
                for (int c = 0; c < q; c++) {
                    double sum = 0;
                    for (int e = 0; e < n; e++) {
                        sum += zi[r * n + e] * zi[c * n + e];
                    }
                    si[r * q + c] = sum;
                }
            }
        }
    }

    @Override
    public void addOuterProduct(BatchVector u, BatchVector v, double alpha, BatchMatrix out) {
        Vec us = (Vec) u, vs = (Vec) v;
        Mat o = (Mat) out;
        for (int i = 0; i < batch; i++) {
            if (!active[i]) {
                continue;
            }
            double[] od = o.of(i);
            for (int r = 0; r < o.rows; r++) {
                for (int c = 0; c < o.cols; c++) {
                    od[r * o.cols + c] += alpha * us.of(i)[r] * vs.of(i)[c];
                }
            }
        }
    }

    // ---- factorization

    @Override
    public void maxDiagonal(BatchMatrix M, double[] out) {
        Mat a = (Mat) M;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double largest = Double.NEGATIVE_INFINITY;
                for (int r = 0; r < a.rows; r++) {
                    largest = Math.max(largest, a.get(i, r, r)); // Math.max keeps a NaN
                }
                out[i] = largest;
            }
        }
    }

    @Override
    public void addToDiagonal(BatchMatrix M, double[] shift) {
        Mat a = (Mat) M;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                for (int r = 0; r < a.rows; r++) {
                    a.of(i)[r * a.cols + r] += shift[i];
                }
            }
        }
    }

    /**
     * Cholesky–Banachiewicz on the lower triangle, column by column; the upper triangle is set to zero, as a
     * lower factor's is. A pivot that is not a positive finite number (NaN included) fails the problem; its
     * matrix is then left part factored.
     */
    @Override
    public void cholesky(BatchMatrix M, boolean[] ok) {
        Mat a = (Mat) M;
        int n = a.rows;
        for (int i = 0; i < batch; i++) {
            if (!active[i]) {
                continue;
            }
            double[] m = a.of(i);
            ok[i] = true;
            for (int j = 0; j < n; j++) {
                double pivot = m[j * n + j];
                for (int k = 0; k < j; k++) {
                    pivot -= m[j * n + k] * m[j * n + k];
                }
                if (!(pivot > 0 && pivot < Double.POSITIVE_INFINITY)) {
                    ok[i] = false;
                    break;
                }
                double diagonal = Math.sqrt(pivot);
                m[j * n + j] = diagonal;
                for (int r = j + 1; r < n; r++) {
                    double sum = m[r * n + j];
                    for (int k = 0; k < j; k++) {
                        sum -= m[r * n + k] * m[j * n + k];
                    }
                    m[r * n + j] = sum / diagonal;
                    m[j * n + r] = 0;
                }
            }
        }
    }

    @Override
    public void choleskySolve(BatchMatrix L, BatchVector b) {
        Mat l = (Mat) L;
        Vec bs = (Vec) b;
        int n = l.rows;
        for (int i = 0; i < batch; i++) {
            if (!active[i]) {
                continue;
            }
            double[] x = bs.of(i);
            forwardSubstitute(l, i, x);
            for (int r = n - 1; r >= 0; r--) { // Lᵀ·x = y, Lᵀ[r][c] = L[c][r]
                double sum = x[r];
                for (int c = r + 1; c < n; c++) {
                    sum -= l.get(i, c, r) * x[c];
                }
                x[r] = sum / l.get(i, r, r);
            }
        }
    }

    /** x ← L⁻¹·x with problem i's lower triangular L. */
    private static void forwardSubstitute(Mat l, int i, double[] x) {
        for (int r = 0; r < l.rows; r++) {
            double sum = x[r];
            for (int c = 0; c < r; c++) {
                sum -= l.get(i, r, c) * x[c];
            }
            x[r] = sum / l.get(i, r, r);
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
                for (int k = 0; k < ys.length; k++) {
                    ys.of(i)[k] = a * xs.of(i)[k] + b * ys.of(i)[k];
                }
            }
        }
    }

    @Override
    public void axpy(double[] a, BatchVector x, BatchVector y) {
        Vec xs = (Vec) x, ys = (Vec) y;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                for (int k = 0; k < ys.length; k++) {
                    ys.of(i)[k] += a[i] * xs.of(i)[k];
                }
            }
        }
    }

    @Override
    public void addScalar(double[] c, BatchVector y) {
        Vec ys = (Vec) y;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                for (int k = 0; k < ys.length; k++) {
                    ys.of(i)[k] += c[i];
                }
            }
        }
    }

    @Override
    public void multiplyElements(BatchVector a, BatchVector b, BatchVector out) {
        Vec as = (Vec) a, bs = (Vec) b, os = (Vec) out;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                for (int k = 0; k < os.length; k++) {
                    os.of(i)[k] = as.of(i)[k] * bs.of(i)[k];
                }
            }
        }
    }

    @Override
    public void divideElements(BatchVector a, BatchVector b, BatchVector out) {
        Vec as = (Vec) a, bs = (Vec) b, os = (Vec) out;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                for (int k = 0; k < os.length; k++) {
                    os.of(i)[k] = as.of(i)[k] / bs.of(i)[k];
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
                double sum = 0;
                for (int k = 0; k < as.length; k++) {
                    sum += as.of(i)[k] * bs.of(i)[k];
                }
                out[i] = sum;
            }
        }
    }

    /** Math.max keeps a NaN, so a NaN entry makes the norm NaN. */
    @Override
    public void normInf(BatchVector a, double[] out) {
        Vec as = (Vec) a;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double largest = 0;
                for (double e : as.of(i)) {
                    largest = Math.max(largest, Math.abs(e));
                }
                out[i] = largest;
            }
        }
    }

    @Override
    public void min(BatchVector a, double[] out) {
        Vec as = (Vec) a;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double smallest = Double.POSITIVE_INFINITY;
                for (double e : as.of(i)) {
                    smallest = Math.min(smallest, e);
                }
                out[i] = smallest;
            }
        }
    }

    @Override
    public void maxStep(BatchVector v, BatchVector dv, double[] out) {
        Vec vs = (Vec) v, ds = (Vec) dv;
        for (int i = 0; i < batch; i++) {
            if (active[i]) {
                double step = Double.POSITIVE_INFINITY;
                for (int k = 0; k < vs.length; k++) {
                    if (ds.of(i)[k] < 0) {
                        step = Math.min(step, -vs.of(i)[k] / ds.of(i)[k]);
                    }
                }
                out[i] = step;
            }
        }
    }

    /** Plain heap arrays: nothing to release. */
    @Override
    public void close() {
    }
}
