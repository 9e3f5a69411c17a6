package io.github.diffqp.cuda;

/**
 * What {@link CudaBackend} needs from a GPU, with device memory addressed by plain {@code long}
 * addresses: allocation, copies, DiffQP's kernels, and the batched cuBLAS/cuSOLVER calls it makes.
 * {@link JCudaDevice} is the real one. Keeping the backend's layout logic (which operand is transposed,
 * which triangle, which leading dimension, which problems a call touches) behind this narrow interface
 * lets the tests run it on a CPU-only machine against a simulated device.
 *
 * <p>BLAS conventions are cuBLAS's: column-major, {@code *Array} arguments are device addresses of
 * arrays of {@code batch} device pointers. Every call is ordered after the previous ones (one stream);
 * downloads wait for the work before them.
 */
interface Device extends AutoCloseable {
    /** A one-line description of the device, for messages. */
    String describe();

    /** Free device memory in bytes, as the driver reports it now. */
    long freeBytes();

    /** Total device memory in bytes. */
    long totalBytes();

    /** Allocates {@code bytes} (> 0) of device memory; its contents are undefined. */
    long malloc(long bytes);

    void free(long address);

    /** Sets {@code bytes} bytes at {@code address} to zero. */
    void memsetZero(long address, long bytes);

    /** Copies {@code count} doubles from {@code src[offset..]} to the device. */
    void upload(double[] src, int offset, int count, long dst);

    /** Copies {@code count} doubles from the device to {@code dst[offset..]}. */
    void download(long src, double[] dst, int offset, int count);

    void uploadInts(int[] src, int count, long dst);

    void downloadInts(long src, int[] dst, int count);

    /**
     * Launches {@code kernel} on a one-dimensional grid; {@code args} are Integer, Long or Double in the
     * order of the kernel's parameters.
     */
    void launch(Kernel kernel, int gridX, int blockX, Object... args);

    /** {@code y_k = alpha·op(A_k)·x_k + beta·y_k}, A_k m×n, unit increments. */
    void gemvBatched(boolean transpose, int m, int n, double alpha, long aArray, int lda, long xArray, double beta,
                     long yArray, int batch);

    /** {@code C_k = alpha·op(A_k)·op(B_k) + beta·C_k}, C_k m×n, inner dimension k. */
    void gemmBatched(boolean transA, boolean transB, int m, int n, int k, double alpha, long aArray, int lda,
                     long bArray, int ldb, double beta, long cArray, int ldc, int batch);

    /** {@code B_k ← alpha·op(A_k)⁻¹·B_k}, A_k triangular m×m (non-unit diagonal), B_k m×n, side left. */
    void trsmBatched(boolean upper, boolean transpose, int m, int n, double alpha, long aArray, int lda, long bArray,
                     int ldb, int batch);

    /** Cholesky factorization in place of each A_k (n×n), one status per matrix in {@code info[0..batch)}. */
    void potrfBatched(boolean upper, int n, long aArray, int lda, long info, int batch);

    /** Releases the handles this device holds (not the memory allocated through it). */
    @Override
    void close();
}
