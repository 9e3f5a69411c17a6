package io.github.diffqp.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA 12 → 13 compatibility path on a machine without CUDA: the committed forwarders export exactly
 * the symbols JCuda's natives import, in the right version node; and, with stand-in CUDA 13 libraries,
 * JCuda's real natives load and call through them in a fresh JVM.
 */
class CompatForwarderTest {
    @org.junit.jupiter.api.io.TempDir
    Path tmp;

    private static final Path MODULE = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));

    private static String run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " timed out:\n" + out);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(cmd + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    /** Runs without the caller's CUDA search settings, so that only the stand-ins are found. */
    private static String runIsolated(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        for (String var : List.of("DIFFQP_CUDA_LIB", "LD_LIBRARY_PATH", "CUDA_HOME", "CUDA_PATH", "CUDA_ROOT")) {
            pb.environment().remove(var);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " timed out:\n" + out);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(cmd + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    /**
     * Where CompatSmoke, DiffQP and JCuda's classes come from. Not java.class.path: under the JUnit console
     * launcher (the GPU kit) that holds only the launcher.
     */
    private static String classPath() throws Exception {
        java.util.LinkedHashSet<String> entries = new java.util.LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {CompatSmoke.class, CudaLibraries.class, jcuda.jcublas.JCublas2.class,
                jcuda.jcusolver.JCusolver.class, jcuda.Pointer.class,
                io.github.diffqp.solver.backend.Backend.class}) {
            entries.add(Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        String natives = System.getProperty("java.class.path");
        for (String e : natives.split(java.io.File.pathSeparator)) {
            if (e.contains("natives")) {
                entries.add(e); // JCuda's natives jars, separate from its class jars under Maven
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    @Test
    void forwardersExportTheSymbolListInTheOldVersionNode() throws Exception {
        Assumptions.assumeTrue(PtxFreshnessTest.onPath("nm"), "nm (binutils) not on the PATH");
        Path dir = Files.createTempDirectory(tmp, "diffqp-fwd-");
        for (CudaLibraries.Library lib : CudaLibraries.Library.values()) {
            Path so = ElfFileTest.resourceToFile(lib.forwarderResource(), dir, lib.linked);
            TreeSet<String> expected = new TreeSet<>(Files.readAllLines(MODULE.resolve("compat/symbols/" + lib.linked
                    + ".txt")));
            expected.addAll(List.of("diffqp_compat_target", "diffqp_compat_resolved", "diffqp_compat_count"));
            TreeSet<String> exported = new TreeSet<>();
            for (String line : run(List.of("nm", "-D", "--defined-only", so.toString()), null).split("\\R")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3 && f[2].contains("@@")) {
                    String[] nv = f[2].split("@@");
                    assertEquals(lib.linked, nv[1], f[2] + ": version node");
                    exported.add(nv[0]);
                }
            }
            assertEquals(expected, exported, lib.linked + ": exported symbols");
        }
    }

    @Test
    void symbolListsMatchWhatJCudasNativesImport() throws Exception {
        Path m2 = Paths.get(System.getProperty("user.home"), ".m2/repository/org/jcuda");
        Assumptions.assumeTrue(PtxFreshnessTest.onPath("nm") && PtxFreshnessTest.onPath("unzip")
                && PtxFreshnessTest.onPath("bash") && Files.isDirectory(m2),
                "bash, nm, unzip or the JCuda natives jars are missing");
        Path out = Files.createTempDirectory(tmp, "diffqp-syms-");
        ProcessBuilder pb = new ProcessBuilder("bash", MODULE.resolve("compat/generate.sh").toString(), "symbols")
                .redirectErrorStream(true);
        pb.environment().put("SYMBOLS_DIR", out.toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        Assumptions.assumeFalse(log.contains("keeping the committed symbol lists"), log);
        for (CudaLibraries.Library lib : CudaLibraries.Library.values()) {
            assertEquals(Files.readAllLines(MODULE.resolve("compat/symbols/" + lib.linked + ".txt")),
                    Files.readAllLines(out.resolve(lib.linked + ".txt")), lib.linked
                            + ": JCuda's natives import other symbols than the forwarder forwards: run compat/generate.sh");
        }
    }

    @Test
    void jcudaNativesRunThroughTheForwardersOnStandInCuda13Libraries() throws Exception {
        FakeLibraries.assumeGcc();
        Path dir = Files.createTempDirectory(tmp, "diffqp-compat-").toRealPath();
        FakeLibraries.cublas13(dir);
        FakeLibraries.cusolver12(dir);
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Ddiffqp.cuda.lib=" + dir,
                "-Djava.io.tmpdir=" + dir, "-cp", classPath(), CompatSmoke.class.getName()));
        String out = runIsolated(cmd);
        assertTrue(out.contains("loaded cuBLAS " + dir.resolve("libcublas.so.13") + " (CUDA 13, through DiffQP's "
                + "libcublas.so.12 forwarder)"), out);
        assertTrue(out.contains("cublasCreate 0"), out);
        assertTrue(out.contains("cublasGetVersion 130000"), out);
        assertTrue(out.contains("cublasSetStream CUBLAS_STATUS_NOT_SUPPORTED"), out);
        assertTrue(out.contains("diffqp compat: cublasSetStream_v2 is not in libcublas.so.13"), out);
        assertTrue(!out.contains("could not be opened"), "every target opened: " + out);
        assertTrue(out.contains("cublasDestroy 0"), out);
        assertTrue(out.contains("cusolverGetVersion 12000"), out);
        assertTrue(out.contains("cusolverDnCreate 0"), out);
        assertTrue(out.trim().endsWith("OK"), out);

        // Without cuSOLVERMg (which DiffQP never calls) libJCusolver still loads: the forwarder stands in.
        // (Only meaningful where the child's search finds no real cuSOLVERMg.)
        List<String> isolated = List.of("DIFFQP_CUDA_LIB", "LD_LIBRARY_PATH", "CUDA_HOME", "CUDA_PATH", "CUDA_ROOT");
        CudaLibraries childView = new CudaLibraries(v -> isolated.contains(v) ? null : System.getenv(v), v -> null,
                Paths.get(System.getProperty("user.home")), f -> { });
        Assumptions.assumeFalse(childView.searchDirectories().stream().anyMatch(d ->
                Files.exists(d.resolve("libcusolverMg.so.11")) || Files.exists(d.resolve("libcusolverMg.so.12"))),
                "this machine has cuSOLVERMg installed");
        Files.delete(dir.resolve("libcusolverMg.so.12"));
        String withoutMg = runIsolated(cmd);
        assertTrue(withoutMg.contains("loaded cuSOLVERMg absent; DiffQP's libcusolverMg.so.11 forwarder stands in"),
                withoutMg);
        assertTrue(withoutMg.contains("cusolverDnCreate 0") && withoutMg.trim().endsWith("OK"), withoutMg);
    }
}
