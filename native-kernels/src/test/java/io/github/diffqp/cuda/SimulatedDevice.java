package io.github.diffqp.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Device} in Java, for testing {@link CudaBackend} without a GPU: device memory is a set of
 * byte buffers at fake 64-bit addresses, the kernels are re-implemented from the CUDA C (same arguments,
 * same semantics: masks by index list, strides, NaN rules), and the cuBLAS/cuSOLVER calls are reference
 * column-major implementations reading device pointer arrays, as cuBLAS does.
 *
 * <p>What this checks: the backend's orchestration — argument order and types (every launch is checked
 * against the committed PTX's parameter list), transposes, triangles and leading dimensions of the
 * library calls, pointer arrays, masks and shared operands, flags and downloads. What it cannot check:
 * the CUDA C itself and the real libraries, which only the GPU tests do.
 *
 * <p>Reads of freed or unallocated memory, and accesses past an allocation's end, throw.
 */
final class SimulatedDevice implements Device {
    /** Allocations are 2^36 bytes apart, so an overrun never lands in the next one. */
    private static final long SPACING = 1L << 36;
    private final TreeMap<Long, ByteBuffer> memory = new TreeMap<>();
    private final long total;
    private long used;
    private long next = SPACING;
    private int launches;
    private boolean closed;

    SimulatedDevice(long totalBytes) {
        this.total = totalBytes;
    }

    SimulatedDevice() {
        this(16L << 30);
    }

    /** Kernel launches so far (for tests that check work is skipped). */
    int launches() {
        return launches;
    }

    /** Live allocations (for leak checks). */
    int allocations() {
        return memory.size();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String describe() {
        return "simulated device";
    }

    @Override
    public long freeBytes() {
        return total - used;
    }

    @Override
    public long totalBytes() {
        return total;
    }

    @Override
    public long malloc(long bytes) {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("simulated malloc of " + bytes + " bytes");
        }
        if (used + bytes > total) {
            throw new IllegalStateException("CUDA_ERROR_OUT_OF_MEMORY (simulated)");
        }
        long address = next;
        next += SPACING;
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        // Undefined contents on a real device: fill with NaN bytes so that reading before writing shows.
        for (int k = 0; k + 8 <= bytes; k += 8) {
            b.putDouble(k, Double.NaN);
        }
        memory.put(address, b);
        used += bytes;
        return address;
    }

    @Override
    public void free(long address) {
        ByteBuffer b = memory.remove(address);
        if (b == null) {
            throw new IllegalStateException("free of " + Long.toHexString(address) + ", not an allocation");
        }
        used -= b.capacity();
    }

    private ByteBuffer buffer(long address, int bytes) {
        Map.Entry<Long, ByteBuffer> e = memory.floorEntry(address);
        if (e == null || address - e.getKey() + bytes > e.getValue().capacity()) {
            throw new IllegalStateException("invalid device access of " + bytes + " bytes at "
                    + Long.toHexString(address));
        }
        return e.getValue();
    }

    private int offset(long address) {
        return (int) (address - memory.floorKey(address));
    }

    double getD(long address) {
        return buffer(address, 8).getDouble(offset(address));
    }

    void putD(long address, double v) {
        buffer(address, 8).putDouble(offset(address), v);
    }

    int getI(long address) {
        return buffer(address, 4).getInt(offset(address));
    }

    void putI(long address, int v) {
        buffer(address, 4).putInt(offset(address), v);
    }

    long getL(long address) {
        return buffer(address, 8).getLong(offset(address));
    }

    @Override
    public void memsetZero(long address, long bytes) {
        ByteBuffer b = buffer(address, (int) bytes);
        int o = offset(address);
        for (int k = 0; k < bytes; k++) {
            b.put(o + k, (byte) 0);
        }
    }

    @Override
    public void upload(double[] src, int offset, int count, long dst) {
        buffer(dst, 8 * count);
        for (int k = 0; k < count; k++) {
            putD(dst + 8L * k, src[offset + k]);
        }
    }

    @Override
    public void download(long src, double[] dst, int offset, int count) {
        buffer(src, 8 * count);
        for (int k = 0; k < count; k++) {
            dst[offset + k] = getD(src + 8L * k);
        }
    }

    @Override
    public void uploadInts(int[] src, int count, long dst) {
        for (int k = 0; k < count; k++) {
            putI(dst + 4L * k, src[k]);
        }
    }

    @Override
    public void downloadInts(long src, int[] dst, int count) {
        for (int k = 0; k < count; k++) {
            dst[k] = getI(src + 4L * k);
        }
    }

    // ---- kernels

    /** Element k of an int array at {@code idx}. */
    private int idx(long idx, int k) {
        return getI(idx + 4L * k);
    }

    private static long at(long base, long element) {
        return base + 8 * element;
    }

    @Override
    public void launch(Kernel kernel, int gridX, int blockX, Object... a) {
        launches++;
        List<Class<?>> sig = PtxSignatures.of(kernel);
        if (sig.size() != a.length) {
            throw new IllegalArgumentException(kernel.entry + ": " + a.length + " arguments, the PTX has " + sig.size());
        }
        for (int k = 0; k < a.length; k++) {
            if (a[k] == null || a[k].getClass() != sig.get(k)) {
                throw new IllegalArgumentException(kernel.entry + ": argument " + k + " is "
                        + (a[k] == null ? "null" : a[k].getClass().getSimpleName()) + ", the PTX wants "
                        + sig.get(k).getSimpleName());
            }
        }
        if (gridX < 1 || blockX < 1 || blockX > 1024) {
            throw new IllegalArgumentException(kernel.entry + ": grid " + gridX + ", block " + blockX);
        }
        long idx = (Long) a[0];
        int count = (Integer) a[1];
        switch (kernel) {
            case FILL -> entries(idx, count, (Integer) a[2], (i, e) -> putD(at((Long) a[4], i * (Long) a[5] + e), (Double) a[3]));
            case COPY -> entries(idx, count, (Integer) a[2], (i, e) ->
                    putD(at((Long) a[5], i * (Long) a[6] + e), getD(at((Long) a[3], i * (Long) a[4] + e))));
            case AXPBY -> entries(idx, count, (Integer) a[2], (i, e) -> {
                long y = at((Long) a[7], i * (Long) a[8] + e);
                putD(y, (Double) a[3] * getD(at((Long) a[4], i * (Long) a[5] + e)) + (Double) a[6] * getD(y));
            });
            case AXPY -> entries(idx, count, (Integer) a[2], (i, e) -> {
                long y = at((Long) a[6], i * (Long) a[7] + e);
                putD(y, getD(y) + getD(at((Long) a[3], i)) * getD(at((Long) a[4], i * (Long) a[5] + e)));
            });
            case AXPY_SHARED -> {
                int len = (Integer) a[2];
                for (int e = 0; e < len; e++) {
                    long y = at((Long) a[6], e);
                    double acc = getD(y);
                    for (int k = 0; k < count; k++) {
                        int i = idx(idx, k);
                        acc += getD(at((Long) a[3], i)) * getD(at((Long) a[4], i * (Long) a[5] + e));
                    }
                    putD(y, acc);
                }
            }
            case ADD_SCALAR -> entries(idx, count, (Integer) a[2], (i, e) -> {
                long y = at((Long) a[4], i * (Long) a[5] + e);
                putD(y, getD(y) + getD(at((Long) a[3], i)));
            });
            case MULTIPLY -> entries(idx, count, (Integer) a[2], (i, e) -> putD(at((Long) a[7], i * (Long) a[8] + e),
                    getD(at((Long) a[3], i * (Long) a[4] + e)) * getD(at((Long) a[5], i * (Long) a[6] + e))));
            case DIVIDE -> entries(idx, count, (Integer) a[2], (i, e) -> putD(at((Long) a[7], i * (Long) a[8] + e),
                    getD(at((Long) a[3], i * (Long) a[4] + e)) / getD(at((Long) a[5], i * (Long) a[6] + e))));
            case POINTERS -> {
                long base = (Long) a[2], strideBytes = (Long) a[3], out = (Long) a[4];
                for (int k = 0; k < count; k++) {
                    buffer(out + 8L * k, 8).putLong(offset(out + 8L * k), base + idx(idx, k) * strideBytes);
                }
            }
            case SCALE_ROWS -> {
                int rows = (Integer) a[2], cols = (Integer) a[3];
                for (int k = 0; k < count; k++) {
                    long i = idx(idx, k);
                    for (int r = 0; r < rows; r++) {
                        double w = getD(at((Long) a[6], i * (Long) a[7] + r));
                        for (int c = 0; c < cols; c++) {
                            long rc = (long) r * cols + c;
                            putD(at((Long) a[8], i * (Long) a[9] + rc), w * getD(at((Long) a[4], i * (Long) a[5] + rc)));
                        }
                    }
                }
            }
            case ADD_DIAGONAL -> {
                int rows = (Integer) a[2], cols = (Integer) a[3];
                for (int k = 0; k < count; k++) {
                    long i = idx(idx, k);
                    for (int r = 0; r < Math.min(rows, cols); r++) {
                        long m = at((Long) a[5], i * (Long) a[6] + (long) r * cols + r);
                        putD(m, getD(m) + getD(at((Long) a[4], i)));
                    }
                }
            }
            case OUTER -> {
                int rows = (Integer) a[2], cols = (Integer) a[3];
                double alpha = (Double) a[4];
                for (int k = 0; k < count; k++) {
                    long i = idx(idx, k);
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < cols; c++) {
                            long o = at((Long) a[9], i * (Long) a[10] + (long) r * cols + c);
                            putD(o, getD(o) + alpha * getD(at((Long) a[5], i * (Long) a[6] + r))
                                    * getD(at((Long) a[7], i * (Long) a[8] + c)));
                        }
                    }
                }
            }
            case OUTER_SHARED -> {
                int rows = (Integer) a[2], cols = (Integer) a[3];
                double alpha = (Double) a[4];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        long o = at((Long) a[9], (long) r * cols + c);
                        double acc = getD(o);
                        for (int k = 0; k < count; k++) {
                            long i = idx(idx, k);
                            acc += alpha * getD(at((Long) a[5], i * (Long) a[6] + r))
                                    * getD(at((Long) a[7], i * (Long) a[8] + c));
                        }
                        putD(o, acc);
                    }
                }
            }
            case CHOLESKY_FINISH -> {
                requireBlockPerProblem(kernel, gridX, blockX, count);
                int n = (Integer) a[2];
                long info = (Long) a[3], L = (Long) a[4], ls = (Long) a[5], ok = (Long) a[6];
                for (int k = 0; k < count; k++) {
                    long i = idx(idx, k);
                    boolean bad = false;
                    for (int r = 0; r < n; r++) {
                        for (int c = r + 1; c < n; c++) {
                            putD(at(L, i * ls + (long) r * n + c), 0.0);
                        }
                        bad |= !Double.isFinite(getD(at(L, i * ls + (long) r * n + r)));
                    }
                    putI(ok + 4 * i, getI(info + 4L * k) == 0 && !bad ? 1 : 0);
                }
            }
            case DOT -> reduce(kernel, gridX, blockX, count, idx, (i, len) -> {
                double s = 0;
                for (int e = 0; e < len; e++) {
                    s += getD(at((Long) a[3], i * (Long) a[4] + e)) * getD(at((Long) a[5], i * (Long) a[6] + e));
                }
                return s;
            }, (Integer) a[2], (Long) a[7]);
            case NORM_INF -> reduce(kernel, gridX, blockX, count, idx, (i, len) -> {
                double s = 0;
                for (int e = 0; e < len; e++) {
                    s = nanMax(s, Math.abs(getD(at((Long) a[3], i * (Long) a[4] + e))));
                }
                return s;
            }, (Integer) a[2], (Long) a[5]);
            case MIN -> reduce(kernel, gridX, blockX, count, idx, (i, len) -> {
                double s = Double.POSITIVE_INFINITY;
                for (int e = 0; e < len; e++) {
                    s = nanMin(s, getD(at((Long) a[3], i * (Long) a[4] + e)));
                }
                return s;
            }, (Integer) a[2], (Long) a[5]);
            case MAX_STEP -> reduce(kernel, gridX, blockX, count, idx, (i, len) -> {
                double s = Double.POSITIVE_INFINITY;
                for (int e = 0; e < len; e++) {
                    double d = getD(at((Long) a[5], i * (Long) a[6] + e));
                    if (d < 0) {
                        s = nanMin(s, -getD(at((Long) a[3], i * (Long) a[4] + e)) / d);
                    }
                }
                return s;
            }, (Integer) a[2], (Long) a[7]);
            case MAX_DIAGONAL -> {
                int cols = (Integer) a[3];
                reduce(kernel, gridX, blockX, count, idx, (i, rows) -> {
                    double s = Double.NEGATIVE_INFINITY;
                    for (int r = 0; r < rows; r++) {
                        s = nanMax(s, getD(at((Long) a[4], i * (Long) a[5] + (long) r * cols + r)));
                    }
                    return s;
                }, (Integer) a[2], (Long) a[6]);
            }
            default -> throw new IllegalStateException("no simulation of " + kernel);
        }
    }

    private interface EntryBody {
        void apply(long problem, int entry);
    }

    private interface ProblemReduction {
        double apply(long problem, int length);
    }

    private void entries(long idx, int count, int len, EntryBody body) {
        for (int k = 0; k < count; k++) {
            long i = idx(idx, k);
            for (int e = 0; e < len; e++) {
                body.apply(i, e);
            }
        }
    }

    private static void requireBlockPerProblem(Kernel kernel, int gridX, int blockX, int count) {
        if (gridX < count || blockX % 32 != 0) {
            throw new IllegalArgumentException(kernel.entry + " needs a block per problem and a block size that is a"
                    + " multiple of 32: grid " + gridX + " for " + count + " problems, block " + blockX);
        }
    }

    private void reduce(Kernel kernel, int gridX, int blockX, int count, long idx, ProblemReduction body, int len,
                        long out) {
        requireBlockPerProblem(kernel, gridX, blockX, count);
        for (int k = 0; k < count; k++) {
            long i = idx(idx, k);
            putD(at(out, i), body.apply(i, len));
        }
    }

    private static double nanMax(double a, double b) {
        return a != a ? a : (b != b ? b : Math.max(a, b));
    }

    private static double nanMin(double a, double b) {
        return a != a ? a : (b != b ? b : Math.min(a, b));
    }

    // ---- cuBLAS / cuSOLVER, column-major, as documented

    private long ptr(long array, int k) {
        return getL(array + 8L * k);
    }

    @Override
    public void gemvBatched(boolean transpose, int m, int n, double alpha, long aArray, int lda, long xArray,
                            double beta, long yArray, int batch) {
        require(lda >= Math.max(1, m), "gemv lda");
        for (int k = 0; k < batch; k++) {
            long A = ptr(aArray, k), x = ptr(xArray, k), y = ptr(yArray, k);
            int outLen = transpose ? n : m, inLen = transpose ? m : n;
            double[] result = new double[outLen];
            for (int o = 0; o < outLen; o++) {
                double s = 0;
                for (int j = 0; j < inLen; j++) {
                    double aij = transpose ? getD(at(A, j + (long) o * lda)) : getD(at(A, o + (long) j * lda));
                    s += aij * getD(at(x, j));
                }
                result[o] = s;
            }
            for (int o = 0; o < outLen; o++) {
                // BLAS: y is not read when beta is 0.
                putD(at(y, o), alpha * result[o] + (beta == 0 ? 0 : beta * getD(at(y, o))));
            }
        }
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int m, int n, int kk, double alpha, long aArray, int lda,
                            long bArray, int ldb, double beta, long cArray, int ldc, int batch) {
        require(lda >= Math.max(1, transA ? kk : m), "gemm lda");
        require(ldb >= Math.max(1, transB ? n : kk), "gemm ldb");
        require(ldc >= Math.max(1, m), "gemm ldc");
        for (int b = 0; b < batch; b++) {
            long A = ptr(aArray, b), B = ptr(bArray, b), C = ptr(cArray, b);
            double[] result = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int l = 0; l < kk; l++) {
                        double aa = transA ? getD(at(A, l + (long) i * lda)) : getD(at(A, i + (long) l * lda));
                        double bb = transB ? getD(at(B, j + (long) l * ldb)) : getD(at(B, l + (long) j * ldb));
                        s += aa * bb;
                    }
                    result[i + j * m] = s;
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    long c = at(C, i + (long) j * ldc);
                    putD(c, alpha * result[i + j * m] + (beta == 0 ? 0 : beta * getD(c)));
                }
            }
        }
    }

    @Override
    public void trsmBatched(boolean upper, boolean transpose, int m, int n, double alpha, long aArray, int lda,
                            long bArray, int ldb, int batch) {
        require(lda >= Math.max(1, m) && ldb >= Math.max(1, m), "trsm leading dimensions");
        for (int b = 0; b < batch; b++) {
            long A = ptr(aArray, b), B = ptr(bArray, b);
            // op(A) is lower triangular when (lower, N) or (upper, T): forward substitution.
            boolean forward = upper == transpose;
            for (int col = 0; col < n; col++) {
                long bc = at(B, (long) col * ldb);
                for (int step = 0; step < m; step++) {
                    int i = forward ? step : m - 1 - step;
                    double s = alpha * getD(at(bc, i));
                    for (int j = 0; j < m; j++) {
                        if (forward ? j < i : j > i) {
                            // op(A)(i, j): A(i, j) for N, A(j, i) for T; only the stored triangle is read.
                            double aij = transpose ? getD(at(A, j + (long) i * lda)) : getD(at(A, i + (long) j * lda));
                            s -= aij * getD(at(bc, j));
                        }
                    }
                    putD(at(bc, i), s / getD(at(A, i + (long) i * lda)));
                }
            }
        }
    }

    @Override
    public void potrfBatched(boolean upper, int n, long aArray, int lda, long info, int batch) {
        require(lda >= Math.max(1, n), "potrf lda");
        for (int b = 0; b < batch; b++) {
            long A = ptr(aArray, b);
            int status = 0;
            // Element (i, j) of the triangle being factored, in column-major storage.
            for (int j = 0; j < n && status == 0; j++) {
                double s = getD(at(A, tri(upper, j, j, lda)));
                for (int k = 0; k < j; k++) {
                    double f = getD(at(A, tri(upper, k, j, lda)));
                    s -= f * f;
                }
                if (!(s > 0)) {
                    status = j + 1;
                    break;
                }
                double d = Math.sqrt(s);
                putD(at(A, tri(upper, j, j, lda)), d);
                for (int i = j + 1; i < n; i++) {
                    double t = getD(at(A, tri(upper, j, i, lda)));
                    for (int k = 0; k < j; k++) {
                        t -= getD(at(A, tri(upper, k, j, lda))) * getD(at(A, tri(upper, k, i, lda)));
                    }
                    putD(at(A, tri(upper, j, i, lda)), t / d);
                }
            }
            putI(info + 4L * b, status);
        }
    }

    /**
     * Storage index of factor element (k, i), k ≤ i: for upper (A = UᵀU) it is U(k, i), row k column i;
     * for lower (A = LLᵀ) it is L(i, k).
     */
    private static long tri(boolean upper, int k, int i, int lda) {
        return upper ? k + (long) i * lda : i + (long) k * lda;
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalArgumentException("simulated cuBLAS: invalid " + what);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
