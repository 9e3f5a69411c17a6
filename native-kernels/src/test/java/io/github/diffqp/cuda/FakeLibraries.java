package io.github.diffqp.cuda;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stand-in CUDA libraries compiled with gcc for the tests: real shared objects with the SONAMEs, symbol
 * versions and dependencies of the CUDA ones, exporting a few functions that return recognizable values.
 * Tests that need them skip when gcc is absent.
 */
final class FakeLibraries {
    private FakeLibraries() {
    }

    static void assumeGcc() {
        Assumptions.assumeTrue(PtxFreshnessTest.onPath("gcc"), "gcc not on the PATH: stand-in libraries cannot be built");
    }

    /**
     * Builds {@code dir/soname} from C source, with a version node named like the SONAME (as NVIDIA's
     * libraries have) and the given libraries of {@code dir} as DT_NEEDED (no RUNPATH: whoever loads it must
     * have loaded them first).
     */
    static Path build(Path dir, String soname, String cSource, String... needed) throws IOException, InterruptedException {
        Path c = dir.resolve(soname + ".c");
        Path map = dir.resolve(soname + ".map");
        Files.writeString(c, cSource, StandardCharsets.UTF_8);
        Files.writeString(map, soname + " { global: *; };\n", StandardCharsets.UTF_8);
        Path out = dir.resolve(soname);
        List<String> cmd = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-o", out.toString(), c.toString(),
                "-Wl,-soname," + soname, "-Wl,--version-script=" + map));
        if (needed.length > 0) {
            cmd.add("-L" + dir);
            for (String n : needed) {
                cmd.add("-l:" + n);
            }
        }
        run(cmd);
        Files.delete(c);
        Files.delete(map);
        return out;
    }

    static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed:\n" + out);
        }
    }

    /** A CUDA 13 cuBLAS stand-in: libcublas.so.13 needing libcublasLt.so.13, as the real one does. */
    static void cublas13(Path dir) throws IOException, InterruptedException {
        build(dir, "libcublasLt.so.13", "int cublasLtGetVersion(void) { return 130001; }\n");
        build(dir, "libcublas.so.13", String.join("\n",
                "extern int cublasLtGetVersion(void);",
                "int cublasCreate_v2(void **handle) { *handle = (void *) 0x1234; return 0; }",
                "int cublasDestroy_v2(void *handle) { return handle == (void *) 0x1234 ? 0 : 7; }",
                "int cublasGetVersion_v2(void *handle, int *version) { *version = cublasLtGetVersion() - 1; return 0; }",
                "int cublasSetPointerMode_v2(void *handle, int mode) { return 0; }",
                ""), "libcublasLt.so.13");
    }

    /** CUDA 13 cuSOLVER stand-ins: libcusolver.so.12 (needing libcublas.so.13) and libcusolverMg.so.12. */
    static void cusolver12(Path dir) throws IOException, InterruptedException {
        build(dir, "libcusolver.so.12", String.join("\n",
                "int cusolverDnCreate(void **handle) { *handle = (void *) 0x5678; return 0; }",
                "int cusolverDnDestroy(void *handle) { return 0; }",
                "int cusolverGetVersion(int *version) { *version = 12000; return 0; }",
                ""), "libcublas.so.13");
        build(dir, "libcusolverMg.so.12", "int cusolverMgCreate(void **handle) { *handle = 0; return 0; }\n");
    }
}
