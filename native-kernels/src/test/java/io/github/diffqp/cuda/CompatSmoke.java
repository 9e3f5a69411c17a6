package io.github.diffqp.cuda;

import jcuda.CudaException;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcusolver.JCusolver;
import jcuda.jcusolver.JCusolverDn;
import jcuda.jcusolver.cusolverDnHandle;

/**
 * Run in a separate JVM by {@link CompatForwarderTest}: prepares cuBLAS and cuSOLVER the way the CUDA
 * backend does (stand-in CUDA 13 libraries in {@code -Ddiffqp.cuda.lib}), then lets JCuda load its real
 * natives, libJCublas2 and libJCusolver, which resolve their CUDA 12 symbols through DiffQP's forwarders,
 * and calls through them. Prints one line per check; exits 0 when all passed.
 */
public final class CompatSmoke {
    private CompatSmoke() {
    }

    public static void main(String[] args) throws Exception {
        CudaLibraries libs = CudaLibraries.system();
        for (CudaLibraries.Library lib : CudaLibraries.Library.values()) {
            System.out.println("loaded " + libs.load(lib).describe());
        }
        JCublas2.setExceptionsEnabled(true);
        cublasHandle h = new cublasHandle();
        System.out.println("cublasCreate " + JCublas2.cublasCreate(h) + " " + h);
        int[] version = new int[1];
        JCublas2.cublasGetVersion(h, version);
        System.out.println("cublasGetVersion " + version[0]);
        try {
            // Not in the stand-in: the forwarder answers CUBLAS_STATUS_NOT_SUPPORTED, JCuda throws.
            JCublas2.cublasSetStream(h, null);
            System.out.println("cublasSetStream returned normally: WRONG");
            System.exit(1);
        } catch (CudaException e) {
            System.out.println("cublasSetStream " + e.getMessage());
        }
        System.out.println("cublasDestroy " + JCublas2.cublasDestroy(h));
        JCusolver.setExceptionsEnabled(true);
        int[] sv = new int[1];
        JCusolver.cusolverGetVersion(sv);
        System.out.println("cusolverGetVersion " + sv[0]);
        cusolverDnHandle s = new cusolverDnHandle();
        System.out.println("cusolverDnCreate " + JCusolverDn.cusolverDnCreate(s));
        System.out.println("OK");
    }
}
