package io.github.diffqp.cuda;

import io.github.diffqp.solver.backend.BackendProvider.Availability;
import io.github.diffqp.solver.backend.BackendUnavailableException;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcusolver.JCusolver;
import jcuda.jcusolver.JCusolverDn;
import jcuda.jcusolver.cusolverDnHandle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The process-wide CUDA state: JCuda's driver natives, one device and its primary context, DiffQP's PTX
 * modules, cuBLAS and cuSOLVER loaded (through {@link CudaLibraries}), and a pool of library handles.
 * Made once, by {@link #probe()}, which walks the steps in order and stops at the first that fails with
 * a one-line reason; the outcome is kept, so later probes cost nothing.
 *
 * <p>The primary context is used (not a context of DiffQP's own) because cuBLAS and cuSOLVER go through
 * the runtime API, which uses the primary context: everything then shares one context and one address
 * space. Everything runs on the legacy default stream, so every call is ordered after the previous one
 * and a download waits for the work before it.
 *
 * <p>Device selection: {@code -Ddiffqp.cuda.device=N} (default 0).
 */
final class CudaRuntime {
    private static final Object LOCK = new Object();
    private static CudaRuntime instance;
    private static Availability availability;

    final CUdevice device;
    final CUcontext context;
    final String deviceName;
    final int computeMajor, computeMinor;
    final long totalMemory;
    final int driverVersion;
    private final Map<Kernel, CUfunction> functions;
    private final Deque<Handles> pool = new ArrayDeque<>();
    final String libraries;

    /** A cuBLAS and a cuSOLVER handle, lent to one backend at a time (handles are not thread-safe). */
    static final class Handles {
        final cublasHandle cublas;
        final cusolverDnHandle cusolver;

        Handles(cublasHandle cublas, cusolverDnHandle cusolver) {
            this.cublas = cublas;
            this.cusolver = cusolver;
        }
    }

    private CudaRuntime(CUdevice device, CUcontext context, String deviceName, int major, int minor, long total,
                        int driverVersion, Map<Kernel, CUfunction> functions, Handles first, String libraries) {
        this.device = device;
        this.context = context;
        this.deviceName = deviceName;
        this.computeMajor = major;
        this.computeMinor = minor;
        this.totalMemory = total;
        this.driverVersion = driverVersion;
        this.functions = functions;
        this.libraries = libraries;
        pool.push(first);
    }

    /** Whether the CUDA backend can run here and, if not, why; probes once per process. */
    static Availability probe() {
        synchronized (LOCK) {
            if (availability == null) {
                try {
                    instance = initialize();
                    availability = Availability.yes(instance.describe());
                } catch (ProbeFailure f) {
                    availability = Availability.no(f.getMessage());
                } catch (Throwable t) {
                    // Whatever a half-present native stack throws, the answer is "cannot run", never a crash.
                    availability = Availability.no("CUDA initialization failed: " + oneLine(t));
                }
            }
            return availability;
        }
    }

    /** The runtime, initializing it if needed; throws with the probe's reason when CUDA cannot run. */
    static CudaRuntime get() {
        Availability a = probe();
        if (!a.usable()) {
            throw new BackendUnavailableException("the CUDA backend cannot run here: " + a.reason());
        }
        return instance;
    }

    /** One step of the probe failed; the message is what the user reads. */
    private static final class ProbeFailure extends Exception {
        ProbeFailure(String message) {
            super(message);
        }
    }

    private static CudaRuntime initialize() throws ProbeFailure {
        // 1. JCuda's driver natives (they link libcuda.so.1, the driver).
        try {
            JCudaDriver.setExceptionsEnabled(true);
        } catch (LinkageError e) {
            String text = String.valueOf(e.getMessage());
            if (text.contains("libcuda.so")) {
                throw new ProbeFailure("no CUDA driver (libcuda.so.1 not found)");
            }
            throw new ProbeFailure("JCuda's driver natives do not load: " + lastCause(text));
        }
        // 2. cuInit.
        try {
            JCudaDriver.cuInit(0);
        } catch (CudaException e) {
            String what = e.getMessage();
            if (what != null && what.contains("CUDA_ERROR_NO_DEVICE")) {
                throw new ProbeFailure("no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)");
            }
            if (what != null && what.contains("CUDA_ERROR_INSUFFICIENT_DRIVER")) {
                throw new ProbeFailure("the CUDA driver is older than JCuda 12.6 needs (cuInit: "
                        + "CUDA_ERROR_INSUFFICIENT_DRIVER)");
            }
            throw new ProbeFailure("cuInit failed: " + what);
        }
        // 3. A device.
        int[] count = new int[1];
        JCudaDriver.cuDeviceGetCount(count);
        if (count[0] == 0) {
            throw new ProbeFailure("no CUDA device (the driver reports none)");
        }
        int ordinal = Integer.getInteger("diffqp.cuda.device", 0);
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new ProbeFailure("diffqp.cuda.device=" + ordinal + " but the driver reports " + count[0]
                    + " device(s)");
        }
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, ordinal);
        byte[] nameBytes = new byte[256];
        JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, device);
        String name = cString(nameBytes);
        int major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        if (major * 10 + minor < 75) {
            throw new ProbeFailure(name + " has compute capability " + major + "." + minor
                    + "; DiffQP's kernels need 7.5 or newer");
        }
        long[] total = new long[1];
        JCudaDriver.cuDeviceTotalMem(total, device);
        int[] driver = new int[1];
        JCudaDriver.cuDriverGetVersion(driver);
        // 4. Its primary context, current on this thread.
        CUcontext context = new CUcontext();
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        JCudaDriver.cuCtxSetCurrent(context);
        // 5. DiffQP's kernels (this is where a driver too old for the PTX ISA says so).
        Map<Kernel, CUfunction> functions = loadKernels();
        // 6. cuBLAS and cuSOLVER, through the compatibility path when only CUDA 13 is installed.
        CudaLibraries libs = CudaLibraries.system();
        CudaLibraries.Loaded cublas, cusolver, cusolverMg;
        try {
            cublas = libs.load(CudaLibraries.Library.CUBLAS);
            cusolver = libs.load(CudaLibraries.Library.CUSOLVER);
            cusolverMg = libs.load(CudaLibraries.Library.CUSOLVER_MG);
        } catch (CudaLibraries.LoadException e) {
            throw new ProbeFailure(e.getMessage());
        }
        try {
            JCublas2.setExceptionsEnabled(true);
        } catch (LinkageError e) {
            throw new ProbeFailure("JCuda's cuBLAS natives do not load: " + lastCause(e.getMessage()));
        }
        try {
            // JCusolverDn reports through JCusolver's switch (its static initializer loads the same natives).
            JCusolver.setExceptionsEnabled(true);
        } catch (LinkageError e) {
            throw new ProbeFailure("JCuda's cuSOLVER natives do not load: " + lastCause(e.getMessage()));
        }
        Handles first;
        try {
            first = createHandles();
        } catch (CudaException e) {
            throw new ProbeFailure("cuBLAS/cuSOLVER do not start: " + e.getMessage());
        }
        int[] cublasVersion = new int[1];
        JCublas2.cublasGetVersion(first.cublas, cublasVersion);
        int[] cusolverVersion = new int[1];
        JCusolver.cusolverGetVersion(cusolverVersion);
        String libraries = "cuBLAS " + version(cublasVersion[0]) + (cublas.forwarded() ? " (CUDA 13 via forwarder)" : "")
                + ", cuSOLVER " + solverVersion(cusolverVersion[0]) + (cusolver.forwarded() || cusolverMg.forwarded()
                ? " (CUDA 13 via forwarder)" : "");
        return new CudaRuntime(device, context, name, major, minor, total[0], driver[0], functions, first, libraries);
    }

    private static Map<Kernel, CUfunction> loadKernels() throws ProbeFailure {
        Map<String, CUmodule> modules = new HashMap<>();
        Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
        for (Kernel k : Kernel.values()) {
            CUmodule module = modules.get(k.module);
            if (module == null) {
                byte[] ptx = readPtx(k.ptxResource());
                module = new CUmodule();
                try {
                    JCudaDriver.cuModuleLoadData(module, ptx);
                } catch (CudaException e) {
                    throw new ProbeFailure("the CUDA driver cannot load DiffQP's kernels (" + k.module + ".ptx): "
                            + e.getMessage());
                }
                modules.put(k.module, module);
            }
            CUfunction f = new CUfunction();
            try {
                JCudaDriver.cuModuleGetFunction(f, module, k.entry);
            } catch (CudaException e) {
                throw new ProbeFailure("kernel " + k.entry + " is missing from " + k.module + ".ptx: " + e.getMessage());
            }
            functions.put(k, f);
        }
        return functions;
    }

    /** The PTX text of a resource as the driver wants it: bytes with a terminating NUL. */
    static byte[] readPtx(String resource) throws ProbeFailure {
        try (InputStream in = CudaRuntime.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ProbeFailure("DiffQP's kernels are missing from the jar (" + resource + ")");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            out.write(0);
            return out.toByteArray();
        } catch (IOException e) {
            throw new ProbeFailure("cannot read " + resource + ": " + e.getMessage());
        }
    }

    private static Handles createHandles() {
        cublasHandle cublas = new cublasHandle();
        JCublas2.cublasCreate(cublas);
        cusolverDnHandle cusolver = new cusolverDnHandle();
        try {
            JCusolverDn.cusolverDnCreate(cusolver);
        } catch (RuntimeException e) {
            JCublas2.cublasDestroy(cublas);
            throw e;
        }
        // Host pointer mode (alpha, beta from Java arrays) and the default stream are cuBLAS's defaults;
        // set the first explicitly since the backend relies on it.
        JCublas2.cublasSetPointerMode(cublas, jcuda.jcublas.cublasPointerMode.CUBLAS_POINTER_MODE_HOST);
        return new Handles(cublas, cusolver);
    }

    /** Makes the primary context current on the calling thread. */
    void makeCurrent() {
        JCudaDriver.cuCtxSetCurrent(context);
    }

    CUfunction function(Kernel k) {
        return functions.get(k);
    }

    /** Lends a handle pair; give it back with {@link #release}. */
    Handles borrow() {
        synchronized (pool) {
            Handles h = pool.poll();
            if (h != null) {
                return h;
            }
        }
        makeCurrent();
        return createHandles();
    }

    void release(Handles h) {
        synchronized (pool) {
            pool.push(h);
        }
    }

    String describe() {
        return String.format(Locale.ROOT, "%s (compute %d.%d, %.1f GiB), driver %s, %s", deviceName, computeMajor,
                computeMinor, totalMemory / 1073741824.0, version(driverVersion), libraries);
    }

    /** The driver's encoding, 12060 → "12.6"; cuBLAS's, major·10000 + minor·100 + patch, 130002 → "13.0.2". */
    static String version(int v) {
        if (v >= 100000) {
            return (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100);
        }
        return (v / 1000) + "." + (v % 1000 / 10);
    }

    /** cuSOLVER's encoding, major·1000 + minor·100 + patch: 11603 → "11.6.3". */
    static String solverVersion(int v) {
        return (v / 1000) + "." + (v % 1000 / 100) + "." + (v % 100);
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] v = new int[1];
        JCudaDriver.cuDeviceGetAttribute(v, attribute, device);
        return v[0];
    }

    private static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * JCuda's load errors list every attempt; the useful line is the last {@code UnsatisfiedLinkError}
     * (the one from loading the extracted library), which names the missing dependency.
     */
    static String lastCause(String message) {
        if (message == null) {
            return "unknown error";
        }
        String best = null;
        for (String line : message.split("\\R")) {
            String l = line.trim();
            if (l.startsWith("java.lang.UnsatisfiedLinkError:")) {
                best = l.substring("java.lang.UnsatisfiedLinkError:".length()).trim();
            }
        }
        return best != null ? best : CudaLibraries.firstLine(message);
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + lastCause(m));
    }

    /** For messages: the name of a CUresult. */
    static String result(int code) {
        return CUresult.stringFor(code);
    }
}
