package io.github.diffqp.cuda;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasFillMode;
import jcuda.jcublas.cublasOperation;
import jcuda.jcusolver.JCusolverDn;

import java.util.Locale;

import static jcuda.jcublas.cublasDiagType.CUBLAS_DIAG_NON_UNIT;
import static jcuda.jcublas.cublasSideMode.CUBLAS_SIDE_LEFT;

/**
 * The real {@link Device}: JCuda's driver API for memory, copies and launches, cuBLAS and cuSOLVER through
 * one borrowed handle pair. Everything is on the legacy default stream (null stream), which orders every
 * call after the previous one; JCuda's exceptions are on, so a failed call throws
 * {@link jcuda.CudaException} with the error's name.
 */
final class JCudaDevice implements Device {
    private final CudaRuntime runtime;
    private CudaRuntime.Handles handles;

    JCudaDevice(CudaRuntime runtime) {
        this.runtime = runtime;
        runtime.makeCurrent();
        this.handles = runtime.borrow();
    }

    @Override
    public String describe() {
        return runtime.deviceName;
    }

    @Override
    public long freeBytes() {
        long[] free = new long[1], total = new long[1];
        JCudaDriver.cuMemGetInfo(free, total);
        return free[0];
    }

    @Override
    public long totalBytes() {
        return runtime.totalMemory;
    }

    @Override
    public long malloc(long bytes) {
        DevicePointer p = new DevicePointer();
        JCudaDriver.cuMemAlloc(p, bytes);
        return p.address();
    }

    @Override
    public void free(long address) {
        JCudaDriver.cuMemFree(DevicePointer.at(address));
    }

    @Override
    public void memsetZero(long address, long bytes) {
        if (bytes > 0) {
            JCudaDriver.cuMemsetD8(DevicePointer.at(address), (byte) 0, bytes);
        }
    }

    @Override
    public void upload(double[] src, int offset, int count, long dst) {
        JCudaDriver.cuMemcpyHtoD(DevicePointer.at(dst), Pointer.to(src).withByteOffset(8L * offset), 8L * count);
    }

    @Override
    public void download(long src, double[] dst, int offset, int count) {
        JCudaDriver.cuMemcpyDtoH(Pointer.to(dst).withByteOffset(8L * offset), DevicePointer.at(src), 8L * count);
    }

    @Override
    public void uploadInts(int[] src, int count, long dst) {
        JCudaDriver.cuMemcpyHtoD(DevicePointer.at(dst), Pointer.to(src), 4L * count);
    }

    @Override
    public void downloadInts(long src, int[] dst, int count) {
        JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), DevicePointer.at(src), 4L * count);
    }

    @Override
    public void launch(Kernel kernel, int gridX, int blockX, Object... args) {
        Pointer[] params = new Pointer[args.length];
        for (int k = 0; k < args.length; k++) {
            Object a = args[k];
            if (a instanceof Integer v) {
                params[k] = Pointer.to(new int[] {v});
            } else if (a instanceof Long v) {
                params[k] = Pointer.to(new long[] {v});
            } else if (a instanceof Double v) {
                params[k] = Pointer.to(new double[] {v});
            } else {
                throw new IllegalArgumentException(kernel.entry + ": argument " + k + " is " + a);
            }
        }
        JCudaDriver.cuLaunchKernel(runtime.function(kernel), gridX, 1, 1, blockX, 1, 1, 0, null,
                Pointer.to(params), null);
    }

    private static int op(boolean transpose) {
        return transpose ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
    }

    private static int fill(boolean upper) {
        return upper ? cublasFillMode.CUBLAS_FILL_MODE_UPPER : cublasFillMode.CUBLAS_FILL_MODE_LOWER;
    }

    @Override
    public void gemvBatched(boolean transpose, int m, int n, double alpha, long aArray, int lda, long xArray,
                            double beta, long yArray, int batch) {
        JCublas2.cublasDgemvBatched(handles.cublas, op(transpose), m, n, Pointer.to(new double[] {alpha}),
                DevicePointer.at(aArray), lda, DevicePointer.at(xArray), 1, Pointer.to(new double[] {beta}),
                DevicePointer.at(yArray), 1, batch);
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int m, int n, int k, double alpha, long aArray, int lda,
                            long bArray, int ldb, double beta, long cArray, int ldc, int batch) {
        JCublas2.cublasDgemmBatched(handles.cublas, op(transA), op(transB), m, n, k,
                Pointer.to(new double[] {alpha}), DevicePointer.at(aArray), lda, DevicePointer.at(bArray), ldb,
                Pointer.to(new double[] {beta}), DevicePointer.at(cArray), ldc, batch);
    }

    @Override
    public void trsmBatched(boolean upper, boolean transpose, int m, int n, double alpha, long aArray, int lda,
                            long bArray, int ldb, int batch) {
        JCublas2.cublasDtrsmBatched(handles.cublas, CUBLAS_SIDE_LEFT, fill(upper), op(transpose),
                CUBLAS_DIAG_NON_UNIT, m, n, Pointer.to(new double[] {alpha}), DevicePointer.at(aArray), lda,
                DevicePointer.at(bArray), ldb, batch);
    }

    @Override
    public void potrfBatched(boolean upper, int n, long aArray, int lda, long info, int batch) {
        JCusolverDn.cusolverDnDpotrfBatched(handles.cusolver, fill(upper), n, DevicePointer.at(aArray), lda,
                DevicePointer.at(info), batch);
    }

    @Override
    public void close() {
        if (handles != null) {
            runtime.release(handles);
            handles = null;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "JCudaDevice[%s]", runtime.deviceName);
    }
}
