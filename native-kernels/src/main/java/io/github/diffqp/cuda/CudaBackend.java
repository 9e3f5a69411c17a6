package io.github.diffqp.cuda;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BackendCapacityException;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CUDA backend: the whole batch in device memory, cuBLAS batched products and triangular solves,
 * cuSOLVER batched Cholesky, and DiffQP's kernels for everything else (docs/DESIGN.md §4.3).
 *
 * <h2>Layout</h2>
 * A handle is one device allocation: per-problem data are stacked row-major (problem i at
 * {@code address + i·stride}), shared data are one copy with stride 0, so every kernel and every batched
 * call reads a shared operand without copying it. cuBLAS is column-major: a row-major r×c matrix is, to
 * cuBLAS, its c×r transpose with leading dimension c; each call below says how it uses that.
 *
 * <h2>Masks</h2>
 * {@link #setActive} keeps the list of active problem indices on the device (uploaded only when the mask
 * changes). Kernels take that list and touch only the problems on it; batched cuBLAS/cuSOLVER calls take
 * device arrays of pointers to the listed problems' operands, built on the device from the list by a
 * kernel and cached per handle until the mask changes. Inactive problems are thus neither read nor
 * written, and no work is spent on them.
 *
 * <h2>Shared outputs</h2>
 * {@link #axpy} and {@link #addOuterProduct} into a shared output add the sum over the active problems, in
 * problem order (deterministic). The interface defines no other shared output; should an operation be
 * given one anyway, it runs once, for the last active problem, which for a pure write (copy, fill) is what
 * the CPU backend's sequential loop leaves, and with shared inputs is every problem's result.
 *
 * <h2>Host traffic</h2>
 * Per operation at most one array of B scalars goes up (per-problem coefficients) or comes down
 * (reductions, Cholesky flags), apart from {@link #read} and {@link #write}.
 *
 * <h2>Memory</h2>
 * A solve first checks its whole estimate ({@link #requireMemory}); then every allocation checks the
 * driver's free memory again and refuses, with a {@link BackendCapacityException} naming the bytes needed and free, what would not fit with a reserve left
 * for cuBLAS's workspace. The solver makes its buffers when it starts (the pointer arrays, B·8 bytes
 * each, follow at first use), so an oversized batch fails at the start, not midway.
 */
final class CudaBackend implements Backend {
    /** Threads per block: a multiple of 32, as the reductions require. */
    static final int BLOCK = 256;
    /** Grid size cap of the grid-stride kernels: enough to fill any current GPU. */
    private static final int MAX_GRID = 65_535;
    /** Memory kept free for cuBLAS/cuSOLVER workspaces and the driver. */
    private static final long MIN_RESERVE = 64L << 20;
    /**
     * Most problems per batched library call: some cuBLAS/cuSOLVER versions put the batch on a grid
     * dimension limited to 65 535, so larger batches are split (pointer arrays are contiguous, so a piece
     * is an offset into them).
     */
    static final int LIBRARY_BATCH_LIMIT = 65_535;

    private final Device dev;
    private final int batch;
    private final String name;
    private final boolean[] active;
    private final int[] activeList;
    private int activeCount;
    /** Incremented whenever the active list changes: the key of the cached pointer arrays. */
    private int generation;
    // Small per-problem device arrays, each B long: active indices, uploaded scalars, reduction results,
    // cuSOLVER infos and Cholesky flags.
    private final long dActive, dScalars, dResults, dInfo, dOk;
    private final double[] hResults;
    private final int[] hInts;
    private final List<Long> allocations = new ArrayList<>();
    private final Map<Long, Mat> rowScaled = new HashMap<>();
    private long bytesHeld;
    private Thread lastThread;
    private final Runnable onEnter;
    private final int libraryBatchLimit;
    private boolean closed;

    /** One device allocation: B stacked copies or one shared copy. */
    abstract static class Buffer {
        final long address;
        final boolean shared;
        /** Entries per problem; the stride between problems is this, or 0 when shared. */
        final long size;
        long pointerArray;
        int pointerKey = -1;

        Buffer(long address, boolean shared, long size) {
            this.address = address;
            this.shared = shared;
            this.size = size;
        }

        long stride() {
            return shared ? 0 : size;
        }
    }

    static final class Vec extends Buffer implements BatchVector {
        final int length;

        Vec(long address, boolean shared, int length) {
            super(address, shared, length);
            this.length = length;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public boolean isShared() {
            return shared;
        }
    }

    static final class Mat extends Buffer implements BatchMatrix {
        final int rows, cols;

        Mat(long address, boolean shared, int rows, int cols) {
            super(address, shared, (long) rows * cols);
            this.rows = rows;
            this.cols = cols;
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
            return shared;
        }
    }

    /**
     * The problems an operation touches: the device address of their index list and its length. For a
     * shared output other than a sum, only the last active problem (see the class comment).
     */
    private record Selection(long indices, int count, boolean lastOnly) {
    }

    /**
     * @param onEnter run at the start of an operation when the calling thread changed (makes the CUDA
     *                context current on it); may be a no-op
     */
    CudaBackend(Device device, int batchSize, String name, Runnable onEnter) {
        this(device, batchSize, name, onEnter, LIBRARY_BATCH_LIMIT);
    }

    /** As above, with the largest batch per library call (tests use a small one to exercise splitting). */
    CudaBackend(Device device, int batchSize, String name, Runnable onEnter, int libraryBatchLimit) {
        this.libraryBatchLimit = libraryBatchLimit;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.dev = device;
        this.batch = batchSize;
        this.name = name;
        this.onEnter = onEnter;
        this.active = new boolean[batchSize];
        this.activeList = new int[batchSize];
        this.hResults = new double[batchSize];
        this.hInts = new int[batchSize];
        boolean constructed = false;
        try {
            onEnter.run();
            lastThread = Thread.currentThread();
            dActive = allocate(4L * batchSize, "the active-problem list");
            dScalars = allocate(8L * batchSize, "per-problem scalars");
            dResults = allocate(8L * batchSize, "per-problem results");
            dInfo = allocate(4L * batchSize, "cuSOLVER infos");
            dOk = allocate(4L * batchSize, "Cholesky flags");
            Arrays.fill(active, true);
            for (int i = 0; i < batchSize; i++) {
                activeList[i] = i;
            }
            activeCount = batchSize;
            dev.uploadInts(activeList, batchSize, dActive);
            constructed = true;
        } finally {
            if (!constructed) {
                close();
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int batchSize() {
        return batch;
    }

    /** Device memory this backend holds, in bytes. */
    long bytesHeld() {
        return bytesHeld;
    }

    private void enter() {
        if (closed) {
            throw new IllegalStateException("this CUDA backend is closed");
        }
        Thread t = Thread.currentThread();
        if (t != lastThread) {
            onEnter.run();
            lastThread = t;
        }
    }

    // ---- memory

    @Override
    public void requireMemory(long backendBytes, long hostBytes, String what) {
        BackendCapacityException.requireHeap(hostBytes, what + " (its host side)");
        requireDeviceFree(backendBytes, what + " needs about");
    }

    /**
     * Refuses {@code bytes} more of device memory that would not fit beside a reserve for cuBLAS/cuSOLVER
     * workspaces and the driver.
     *
     * @return the free bytes seen
     */
    private long requireDeviceFree(long bytes, String whatNeeds) {
        long free = dev.freeBytes();
        long reserve = Math.max(MIN_RESERVE, dev.totalBytes() / 128);
        if (bytes + reserve > free) {
            throw new BackendCapacityException(String.format(Locale.ROOT,
                    "batch too large for the GPU: %s %,d bytes, %,d bytes free on %s (%,d kept in reserve; "
                            + "this batch of %d already holds %,d bytes); use smaller batches or the cpu backend",
                    whatNeeds, bytes, free, dev.describe(), reserve, batch, bytesHeld));
        }
        return free;
    }

    private long allocate(long bytes, String what) {
        long size = Math.max(bytes, 8);
        long free = requireDeviceFree(size, what + " needs");
        long address;
        try {
            address = dev.malloc(size);
        } catch (RuntimeException e) {
            throw new BackendCapacityException(String.format(Locale.ROOT,
                    "GPU allocation failed: %s needs %,d bytes, %,d bytes were free on %s: %s", what, size, free,
                    dev.describe(), e.getMessage()), e);
        }
        allocations.add(address);
        bytesHeld += size;
        return address;
    }

    private static long bytesOf(long copies, long entries, String what) {
        long n = copies * entries;
        if (n > Integer.MAX_VALUE) {
            // Host arrays (read/write) are Java arrays; a datum larger than that cannot be exchanged.
            throw new IllegalArgumentException(what + " has " + n + " entries, more than a Java array holds");
        }
        return 8 * n;
    }

    private Vec newVector(boolean shared, int length, String what) {
        long copies = shared ? 1 : batch;
        return new Vec(allocate(bytesOf(copies, length, what), what), shared, length);
    }

    private Mat newMatrix(boolean shared, int rows, int cols, String what) {
        long copies = shared ? 1 : batch;
        return new Mat(allocate(bytesOf(copies, (long) rows * cols, what), what), shared, rows, cols);
    }

    private void checkBatch(Datum d) {
        if (!d.isShared() && d.batchSize() != batch) {
            throw new IllegalArgumentException("datum " + d + " has " + d.batchSize() + " problems, this backend "
                    + batch);
        }
    }

    @Override
    public BatchMatrix matrix(Datum d) {
        enter();
        checkBatch(d);
        Mat m = newMatrix(d.isShared(), d.rows(), d.cols(), "a " + d + " matrix");
        int n = d.copies() * d.stride();
        if (n > 0) {
            dev.upload(d.values(), 0, n, m.address);
        }
        return m;
    }

    @Override
    public BatchMatrix matrix(int rows, int cols, boolean shared) {
        enter();
        Mat m = newMatrix(shared, rows, cols, (shared ? "a shared " : "a per-problem ") + rows + "×" + cols
                + " matrix");
        dev.memsetZero(m.address, 8L * (shared ? 1 : batch) * m.size);
        return m;
    }

    @Override
    public BatchVector vector(Datum d) {
        enter();
        if (d.cols() != 1) {
            throw new IllegalArgumentException("a vector datum has one column, got " + d);
        }
        checkBatch(d);
        Vec v = newVector(d.isShared(), d.rows(), "a " + d + " vector");
        int n = d.copies() * d.rows();
        if (n > 0) {
            dev.upload(d.values(), 0, n, v.address);
        }
        return v;
    }

    @Override
    public BatchVector vector(int length, boolean shared) {
        enter();
        Vec v = newVector(shared, length, (shared ? "a shared " : "a per-problem ") + "vector of " + length);
        dev.memsetZero(v.address, 8L * (shared ? 1 : batch) * length);
        return v;
    }

    @Override
    public void read(BatchVector v, double[] out) {
        enter();
        Vec a = (Vec) v;
        int n = (a.shared ? 1 : batch) * a.length;
        if (n > 0) {
            dev.download(a.address, out, 0, n);
        }
    }

    @Override
    public void read(BatchMatrix mat, double[] out) {
        enter();
        Mat a = (Mat) mat;
        int n = (int) ((a.shared ? 1 : batch) * a.size);
        if (n > 0) {
            dev.download(a.address, out, 0, n);
        }
    }

    @Override
    public void write(double[] in, BatchVector v) {
        enter();
        Vec a = (Vec) v;
        int n = (a.shared ? 1 : batch) * a.length;
        if (n > 0) {
            dev.upload(in, 0, n, a.address);
        }
    }

    @Override
    public void setActive(boolean[] mask) {
        enter();
        boolean changed = false;
        int count = 0;
        for (int i = 0; i < batch; i++) {
            if (mask[i]) {
                if (count >= activeCount || activeList[count] != i) {
                    changed = true;
                }
                activeList[count++] = i;
            }
            active[i] = mask[i];
        }
        if (count != activeCount) {
            changed = true;
        }
        activeCount = count;
        if (changed) {
            generation++;
            if (count > 0) {
                // Stream-ordered after every kernel already queued, which may still read the old list.
                dev.uploadInts(activeList, count, dActive);
            }
        }
    }

    // ---- selections and launches

    private Selection all() {
        return new Selection(dActive, activeCount, false);
    }

    /** The problems whose results an operation writing {@code out} keeps (see the class comment). */
    private Selection writing(Buffer out) {
        if (out.shared && activeCount > 0) {
            return new Selection(dActive + 4L * (activeCount - 1), 1, true);
        }
        return all();
    }

    private static int gridFor(long work) {
        return (int) Math.max(1, Math.min(MAX_GRID, (work + BLOCK - 1) / BLOCK));
    }

    /** An element-wise launch over {@code len} entries of each selected problem. */
    private void launchEntries(Kernel k, Selection s, long len, Object... rest) {
        if (s.count == 0 || len == 0) {
            return;
        }
        Object[] args = new Object[rest.length + 3];
        args[0] = s.indices;
        args[1] = s.count;
        args[2] = (int) len;
        System.arraycopy(rest, 0, args, 3, rest.length);
        dev.launch(k, gridFor(s.count * len), BLOCK, args);
    }

    /** The device array of pointers to the selected problems' copies of {@code b}, built on first need. */
    private long pointers(Buffer b, Selection s) {
        int key = 2 * generation + (s.lastOnly ? 1 : 0);
        if (b.pointerKey != key) {
            if (b.pointerArray == 0) {
                b.pointerArray = allocate(8L * batch, "a pointer array");
            }
            dev.launch(Kernel.POINTERS, gridFor(s.count), BLOCK, s.indices, s.count, b.address, 8 * b.stride(),
                    b.pointerArray);
            b.pointerKey = key;
        }
        return b.pointerArray;
    }

    /** Uploads one scalar per problem into the device scratch (all B; inactive entries are unused). */
    private long uploadScalars(double[] values) {
        dev.upload(values, 0, batch, dScalars);
        return dScalars;
    }

    /** Copies the selected problems' reduction results into {@code out}, leaving the others untouched. */
    private void downloadResults(double[] out) {
        dev.download(dResults, hResults, 0, batch);
        for (int k = 0; k < activeCount; k++) {
            int i = activeList[k];
            out[i] = hResults[i];
        }
    }

    // ---- batched library calls, split into pieces of at most libraryBatchLimit problems

    private void gemv(boolean transpose, int m, int n, double alpha, long a, int lda, long x, double beta, long y,
                      int count) {
        for (int o = 0; o < count; o += libraryBatchLimit) {
            long off = 8L * o;
            dev.gemvBatched(transpose, m, n, alpha, a + off, lda, x + off, beta, y + off,
                    Math.min(libraryBatchLimit, count - o));
        }
    }

    private void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, long a, int lda, long b,
                      int ldb, double beta, long c, int ldc, int count) {
        for (int o = 0; o < count; o += libraryBatchLimit) {
            long off = 8L * o;
            dev.gemmBatched(transA, transB, m, n, k, alpha, a + off, lda, b + off, ldb, beta, c + off, ldc,
                    Math.min(libraryBatchLimit, count - o));
        }
    }

    private void trsm(boolean upper, boolean transpose, int m, int n, long a, int lda, long b, int ldb, int count) {
        for (int o = 0; o < count; o += libraryBatchLimit) {
            long off = 8L * o;
            dev.trsmBatched(upper, transpose, m, n, 1.0, a + off, lda, b + off, ldb,
                    Math.min(libraryBatchLimit, count - o));
        }
    }

    private void potrf(boolean upper, int n, long a, int lda, long info, int count) {
        for (int o = 0; o < count; o += libraryBatchLimit) {
            dev.potrfBatched(upper, n, a + 8L * o, lda, info + 4L * o, Math.min(libraryBatchLimit, count - o));
        }
    }

    // ---- products

    @Override
    public void multiply(BatchMatrix M, boolean transpose, BatchVector x, double alpha, double beta, BatchVector y) {
        enter();
        Mat a = (Mat) M;
        Vec xs = (Vec) x, ys = (Vec) y;
        Selection s = writing(ys);
        if (s.count == 0) {
            return;
        }
        if (a.rows == 0 || a.cols == 0) {
            // An empty product: y = beta·y (cuBLAS would return without scaling).
            launchEntries(Kernel.AXPBY, s, ys.length, 0.0, ys.address, ys.stride(), beta, ys.address, ys.stride());
            return;
        }
        // Row-major M (r×c) is, column-major, Mᵀ (c×r) with leading dimension c:
        // M·x = op T of that, Mᵀ·x = op N of it.
        gemv(!transpose, a.cols, a.rows, alpha, pointers(a, s), a.cols, pointers(xs, s), beta,
                pointers(ys, s), s.count);
    }

    /** Per-problem m×n scratch for diag(w)·G, one per shape, kept until close. */
    private Mat rowScaledScratch(int rows, int cols) {
        long key = ((long) rows << 32) | cols;
        Mat m = rowScaled.get(key);
        if (m == null) {
            m = newMatrix(false, rows, cols, "the diag(w)·G scratch (" + rows + "×" + cols + " per problem)");
            rowScaled.put(key, m);
        }
        return m;
    }

    @Override
    public void formNormalMatrix(BatchMatrix Q, BatchMatrix G, BatchVector w, BatchMatrix K) {
        enter();
        Mat q = (Mat) Q, g = (Mat) G, k = (Mat) K;
        Selection s = writing(k);
        if (s.count == 0) {
            return;
        }
        int n = k.rows;
        launchEntries(Kernel.COPY, s, (long) n * n, q.address, q.stride(), k.address, k.stride());
        if (g == null || g.rows == 0) {
            return;
        }
        Vec ws = (Vec) w;
        Mat wg = rowScaledScratch(g.rows, g.cols);
        if (s.count > 0) {
            dev.launch(Kernel.SCALE_ROWS, gridFor((long) s.count * g.rows * g.cols), BLOCK, s.indices, s.count,
                    g.rows, g.cols, g.address, g.stride(), ws.address, ws.stride(), wg.address, wg.stride());
        }
        // Column-major, G (m×n row-major) is Gc = Gᵀ (n×m, ld n) and diag(w)·G is Gᵀ·diag(w) (n×m, ld n):
        // K += Gc·(Gᵀ·diag(w))ᵀ = Gᵀ·diag(w)·G, symmetric, so its column-major result is the row-major K.
        gemm(false, true, n, n, g.rows, 1.0, pointers(g, s), n, pointers(wg, s), n, 1.0,
                pointers(k, s), n, s.count);
    }

    @Override
    public void formSchurComplement(BatchMatrix L, BatchMatrix A, BatchMatrix work, BatchMatrix S) {
        enter();
        Mat l = (Mat) L, a = (Mat) A, z = (Mat) work, sm = (Mat) S;
        Selection s = writing(sm);
        if (s.count == 0) {
            return;
        }
        int n = l.rows, q = a.rows;
        launchEntries(Kernel.COPY, s, (long) q * n, a.address, a.stride(), z.address, z.stride());
        // Column-major, the row-major factor L is U = Lᵀ (upper, ld n) and the copy of A (q×n) is Aᵀ (n×q,
        // ld n). Solving Uᵀ·X = Aᵀ gives X = L⁻¹·Aᵀ, i.e. row by row Z = A·L⁻ᵀ as the CPU backend forms it.
        trsm(true, true, n, q, pointers(l, s), n, pointers(z, s), n, s.count);
        // S = Xᵀ·X (q×q, symmetric).
        gemm(true, false, q, q, n, 1.0, pointers(z, s), n, pointers(z, s), n, 0.0, pointers(sm, s), q,
                s.count);
    }

    @Override
    public void addOuterProduct(BatchVector u, BatchVector v, double alpha, BatchMatrix out) {
        enter();
        Vec us = (Vec) u, vs = (Vec) v;
        Mat o = (Mat) out;
        Selection s = all();
        if (s.count == 0 || o.size == 0) {
            return;
        }
        if (o.shared) {
            dev.launch(Kernel.OUTER_SHARED, gridFor(o.size), BLOCK, s.indices, s.count, o.rows, o.cols, alpha,
                    us.address, us.stride(), vs.address, vs.stride(), o.address);
        } else {
            dev.launch(Kernel.OUTER, gridFor(s.count * o.size), BLOCK, s.indices, s.count, o.rows, o.cols, alpha,
                    us.address, us.stride(), vs.address, vs.stride(), o.address, o.stride());
        }
    }

    // ---- factorization

    @Override
    public void maxDiagonal(BatchMatrix M, double[] out) {
        enter();
        Mat a = (Mat) M;
        Selection s = all();
        if (s.count == 0) {
            return;
        }
        dev.launch(Kernel.MAX_DIAGONAL, s.count, BLOCK, s.indices, s.count, a.rows, a.cols, a.address, a.stride(),
                dResults);
        downloadResults(out);
    }

    @Override
    public void addToDiagonal(BatchMatrix M, double[] shift) {
        enter();
        Mat a = (Mat) M;
        Selection s = writing(a);
        int d = Math.min(a.rows, a.cols);
        if (s.count == 0 || d == 0) {
            return;
        }
        long c = uploadScalars(shift);
        dev.launch(Kernel.ADD_DIAGONAL, gridFor((long) s.count * d), BLOCK, s.indices, s.count, a.rows, a.cols, c,
                a.address, a.stride());
    }

    @Override
    public void cholesky(BatchMatrix M, boolean[] ok) {
        enter();
        Mat a = (Mat) M;
        Selection s = writing(a);
        if (s.count == 0) {
            return;
        }
        int n = a.rows;
        // Row-major symmetric M is the same matrix column-major. Factoring its upper triangle there
        // (M = Uᵀ·U) writes U column-major, which read row-major is L = Uᵀ, lower, with M = L·Lᵀ.
        potrf(true, n, pointers(a, s), n, dInfo, s.count);
        dev.launch(Kernel.CHOLESKY_FINISH, s.count, BLOCK, s.indices, s.count, n, dInfo, a.address, a.stride(), dOk);
        dev.downloadInts(dOk, hInts, batch);
        if (s.lastOnly) {
            // One shared matrix factored once: its outcome is every active problem's.
            boolean good = hInts[activeList[activeCount - 1]] != 0;
            for (int k = 0; k < activeCount; k++) {
                ok[activeList[k]] = good;
            }
        } else {
            for (int k = 0; k < activeCount; k++) {
                int i = activeList[k];
                ok[i] = hInts[i] != 0;
            }
        }
    }

    @Override
    public void choleskySolve(BatchMatrix L, BatchVector b) {
        enter();
        Mat l = (Mat) L;
        Vec bs = (Vec) b;
        Selection s = writing(bs);
        if (s.count == 0 || l.rows == 0) {
            return;
        }
        int n = l.rows;
        // Column-major the factor is U = Lᵀ (upper) with M = Uᵀ·U: solve Uᵀ·y = b, then U·x = y.
        // (cusolverDnDpotrsBatched would do both for one right-hand side; two trsm keep to one library call
        // shape, also used by the Schur complement.)
        long lp = pointers(l, s), bp = pointers(bs, s);
        trsm(true, true, n, 1, lp, n, bp, n, s.count);
        trsm(true, false, n, 1, lp, n, bp, n, s.count);
    }

    // ---- element-wise

    @Override
    public void copy(BatchVector source, BatchVector target) {
        enter();
        Vec src = (Vec) source, dst = (Vec) target;
        launchEntries(Kernel.COPY, writing(dst), dst.length, src.address, src.stride(), dst.address, dst.stride());
    }

    @Override
    public void fill(BatchVector v, double value) {
        enter();
        Vec a = (Vec) v;
        launchEntries(Kernel.FILL, writing(a), a.length, value, a.address, a.stride());
    }

    @Override
    public void axpby(double a, BatchVector x, double b, BatchVector y) {
        enter();
        Vec xs = (Vec) x, ys = (Vec) y;
        launchEntries(Kernel.AXPBY, writing(ys), ys.length, a, xs.address, xs.stride(), b, ys.address, ys.stride());
    }

    @Override
    public void axpy(double[] a, BatchVector x, BatchVector y) {
        enter();
        Vec xs = (Vec) x, ys = (Vec) y;
        Selection s = all();
        if (s.count == 0 || ys.length == 0) {
            return;
        }
        long coefficients = uploadScalars(a);
        if (ys.shared) {
            dev.launch(Kernel.AXPY_SHARED, gridFor(ys.length), BLOCK, s.indices, s.count, ys.length, coefficients,
                    xs.address, xs.stride(), ys.address);
        } else {
            launchEntries(Kernel.AXPY, s, ys.length, coefficients, xs.address, xs.stride(), ys.address, ys.stride());
        }
    }

    @Override
    public void addScalar(double[] c, BatchVector y) {
        enter();
        Vec ys = (Vec) y;
        Selection s = writing(ys);
        if (s.count == 0 || ys.length == 0) {
            return;
        }
        launchEntries(Kernel.ADD_SCALAR, s, ys.length, uploadScalars(c), ys.address, ys.stride());
    }

    @Override
    public void multiplyElements(BatchVector a, BatchVector b, BatchVector out) {
        enter();
        Vec as = (Vec) a, bs = (Vec) b, os = (Vec) out;
        launchEntries(Kernel.MULTIPLY, writing(os), os.length, as.address, as.stride(), bs.address, bs.stride(),
                os.address, os.stride());
    }

    @Override
    public void divideElements(BatchVector a, BatchVector b, BatchVector out) {
        enter();
        Vec as = (Vec) a, bs = (Vec) b, os = (Vec) out;
        launchEntries(Kernel.DIVIDE, writing(os), os.length, as.address, as.stride(), bs.address, bs.stride(),
                os.address, os.stride());
    }

    // ---- reductions

    private void reduce(Kernel k, double[] out, Object... operands) {
        Selection s = all();
        if (s.count == 0) {
            return;
        }
        Object[] args = new Object[operands.length + 3];
        args[0] = s.indices;
        args[1] = s.count;
        System.arraycopy(operands, 0, args, 2, operands.length);
        args[args.length - 1] = dResults;
        dev.launch(k, s.count, BLOCK, args);
        downloadResults(out);
    }

    @Override
    public void dot(BatchVector a, BatchVector b, double[] out) {
        enter();
        Vec as = (Vec) a, bs = (Vec) b;
        reduce(Kernel.DOT, out, as.length, as.address, as.stride(), bs.address, bs.stride());
    }

    @Override
    public void normInf(BatchVector a, double[] out) {
        enter();
        Vec as = (Vec) a;
        reduce(Kernel.NORM_INF, out, as.length, as.address, as.stride());
    }

    @Override
    public void min(BatchVector a, double[] out) {
        enter();
        Vec as = (Vec) a;
        reduce(Kernel.MIN, out, as.length, as.address, as.stride());
    }

    @Override
    public void maxStep(BatchVector v, BatchVector dv, double[] out) {
        enter();
        Vec vs = (Vec) v, ds = (Vec) dv;
        reduce(Kernel.MAX_STEP, out, vs.length, vs.address, vs.stride(), ds.address, ds.stride());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            onEnter.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (long address : allocations) {
            try {
                dev.free(address);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        allocations.clear();
        rowScaled.clear();
        bytesHeld = 0;
        try {
            dev.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
