package io.github.diffqp.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the CUDA libraries are looked for, which one is chosen, and in which order files are loaded. */
class CudaLibrariesTest {
    @org.junit.jupiter.api.io.TempDir
    Path tmp;

    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> props = new HashMap<>();
    private final List<String> loaded = new ArrayList<>();

    private CudaLibraries libraries(Path home) {
        return new CudaLibraries(env::get, props::get, home, loaded::add);
    }

    private static Path dir(Path root, String rel) throws IOException {
        return Files.createDirectories(root.resolve(rel)).toRealPath();
    }

    @Test
    void searchOrderUserFoldersFirstThenCudaHomeLdLibraryPathAndWheels() throws IOException {
        Path root = Files.createTempDirectory(tmp, "diffqp-search-");
        Path user = dir(root, "user"), envUser = dir(root, "envuser"), cudaHome = dir(root, "cuda"),
                cudaLib = dir(root, "cuda/lib64"), ld = dir(root, "ld"), stubs = dir(root, "cuda/lib64/stubs"),
                home = dir(root, "home"), wheel = dir(root, "home/.local/lib/python3.11/site-packages/nvidia/cu13/lib"),
                venvWheel = dir(root, "venv/lib/python3.12/site-packages/nvidia/cublas/lib");
        props.put("diffqp.cuda.lib", user.toString());
        env.put("DIFFQP_CUDA_LIB", envUser + java.io.File.pathSeparator + "relative/ignored");
        env.put("CUDA_HOME", cudaHome.toString());
        env.put("LD_LIBRARY_PATH", ld + java.io.File.pathSeparator + stubs + java.io.File.pathSeparator + user);
        env.put("VIRTUAL_ENV", root.resolve("venv").toString());
        List<Path> dirs = libraries(home).searchDirectories();
        List<Path> ours = dirs.stream().filter(d -> d.startsWith(root)).toList();
        assertEquals(List.of(user, envUser, cudaLib, ld, venvWheel, wheel), ours, "order, each once, no stubs: " + dirs);
        assertFalse(dirs.contains(stubs));
    }

    @Test
    void cudaFoldersNewestFirstAndLdSoConfIncludes() throws IOException {
        Path root = Files.createTempDirectory(tmp, "diffqp-roots-");
        for (String v : new String[] {"cuda-12.6", "cuda-13.0", "cuda-12.10", "cuda", "cuda-11"}) {
            dir(root, v);
        }
        List<String> names = CudaLibraries.versionedCudaRoots(root).stream().map(p -> p.getFileName().toString())
                .toList();
        assertEquals(List.of("cuda-13.0", "cuda-12.10", "cuda-12.6", "cuda-11"), names);

        Path conf = root.resolve("ld.so.conf");
        dir(root, "ld.so.conf.d");
        Files.writeString(conf, "# comment\n/opt/a/lib\ninclude ld.so.conf.d/*.conf\n");
        Files.writeString(root.resolve("ld.so.conf.d/b.conf"), "/opt/b/lib # trailing\n");
        Files.writeString(root.resolve("ld.so.conf.d/a.conf"), "/opt/a2/lib\ninclude " + conf + "\n");
        List<String> dirs = CudaLibraries.ldSoConfDirectories(conf, new java.util.HashSet<>()).stream()
                .map(Path::toString).toList();
        assertEquals(List.of("/opt/a/lib", "/opt/a2/lib", "/opt/b/lib"), dirs, "includes in name order, no loops");
    }

    @Test
    void missingLibrariesAreReportedWithTheFoldersSearched() throws IOException {
        Path empty = Files.createTempDirectory(tmp, "diffqp-empty-");
        props.put("diffqp.cuda.lib", empty.toString());
        // Real system folders are searched too; the test is meaningful only where no CUDA 12/13 cuBLAS exists.
        CudaLibraries libs = libraries(empty);
        boolean present = libs.searchDirectories().stream().anyMatch(d -> Files.exists(d.resolve("libcublas.so.12"))
                || Files.exists(d.resolve("libcublas.so.13")));
        org.junit.jupiter.api.Assumptions.assumeFalse(present, "this machine has cuBLAS installed");
        CudaLibraries.LoadException e = assertThrows(CudaLibraries.LoadException.class,
                () -> libs.load(CudaLibraries.Library.CUBLAS));
        assertTrue(e.getMessage().startsWith("cuBLAS not found: no libcublas.so.12 (CUDA 12) or libcublas.so.13 (CUDA 13) in ["
                + empty.toRealPath()), e.getMessage());
        assertTrue(e.getMessage().contains("-Ddiffqp.cuda.lib=DIR"), e.getMessage());
        assertTrue(loaded.isEmpty());
    }

    @Test
    void cuda13IsLoadedAfterItsDependenciesThenTheForwarder() throws Exception {
        FakeLibraries.assumeGcc();
        Path dir = Files.createTempDirectory(tmp, "diffqp-cu13-").toRealPath();
        FakeLibraries.cublas13(dir);
        props.put("diffqp.cuda.lib", dir.toString());
        CudaLibraries.Loaded l = libraries(dir).load(CudaLibraries.Library.CUBLAS);
        assertTrue(l.forwarded());
        assertEquals(dir.resolve("libcublas.so.13"), l.file());
        assertEquals(3, loaded.size(), loaded.toString());
        assertEquals(dir.resolve("libcublasLt.so.13").toString(), loaded.get(0), "the dependency first");
        assertEquals(dir.resolve("libcublas.so.13").toString(), loaded.get(1));
        assertTrue(loaded.get(2).endsWith("/libcublas.so.12"), "then the forwarder: " + loaded.get(2));
        assertEquals("libcublas.so.12", ElfFile.read(Path.of(loaded.get(2))).soname());
        assertTrue(l.describe().contains("forwarder"), l.describe());
    }

    @Test
    void cuda12IsPreferredOutsideTheUserFoldersButAUserFolderWins() throws Exception {
        FakeLibraries.assumeGcc();
        Path root = Files.createTempDirectory(tmp, "diffqp-pref-").toRealPath();
        Path thirteen = dir(root, "thirteen"), twelve = dir(root, "twelve");
        FakeLibraries.cublas13(thirteen);
        FakeLibraries.build(twelve, "libcublas.so.12", "int cublasCreate_v2(void **h) { return 0; }\n");
        // Both on LD_LIBRARY_PATH, the CUDA 13 folder first: CUDA 12 is still preferred (no forwarder).
        env.put("LD_LIBRARY_PATH", thirteen + java.io.File.pathSeparator + twelve);
        CudaLibraries.Loaded l = libraries(root).load(CudaLibraries.Library.CUBLAS);
        assertFalse(l.forwarded());
        assertEquals(twelve.resolve("libcublas.so.12"), l.file());
        assertEquals(List.of(twelve.resolve("libcublas.so.12").toString()), loaded);
        assertNull(l.forwarder());

        loaded.clear();
        props.put("diffqp.cuda.lib", thirteen.toString());
        CudaLibraries.Loaded chosen = libraries(root).load(CudaLibraries.Library.CUBLAS);
        assertTrue(chosen.forwarded(), "the user's folder has only CUDA 13, and it wins");
        assertEquals(thirteen.resolve("libcublas.so.13"), chosen.file());
    }

    @Test
    void aLeftoverForwarderIsNotTakenForCuda12() throws Exception {
        FakeLibraries.assumeGcc();
        Path root = Files.createTempDirectory(tmp, "diffqp-leftover-").toRealPath();
        Path leftover = dir(root, "leftover"), thirteen = dir(root, "thirteen");
        ElfFileTest.resourceToFile(CudaLibraries.Library.CUBLAS.forwarderResource(), leftover, "libcublas.so.12");
        FakeLibraries.cublas13(thirteen);
        props.put("diffqp.cuda.lib", leftover + java.io.File.pathSeparator + thirteen);
        CudaLibraries.Loaded l = libraries(root).load(CudaLibraries.Library.CUBLAS);
        assertTrue(l.forwarded(), "the copy in 'leftover' is a forwarder, not cuBLAS 12");
        assertEquals(thirteen.resolve("libcublas.so.13"), l.file());
    }

    @Test
    void anAbsentCusolverMgIsStoodInForByItsForwarder() throws Exception {
        Path empty = Files.createTempDirectory(tmp, "diffqp-nomg-").toRealPath();
        props.put("diffqp.cuda.lib", empty.toString());
        CudaLibraries libs = libraries(empty);
        org.junit.jupiter.api.Assumptions.assumeFalse(libs.searchDirectories().stream().anyMatch(d ->
                Files.exists(d.resolve("libcusolverMg.so.11")) || Files.exists(d.resolve("libcusolverMg.so.12"))),
                "this machine has cuSOLVERMg installed");
        CudaLibraries.Loaded l = libs.load(CudaLibraries.Library.CUSOLVER_MG);
        assertNull(l.file());
        assertTrue(l.forwarded());
        assertEquals(1, loaded.size());
        assertTrue(loaded.get(0).endsWith("/libcusolverMg.so.11"), loaded.toString());
        assertTrue(l.describe().contains("absent"), l.describe());
    }

    @Test
    void aLibraryWithTheWrongSonameIsRefused() throws Exception {
        FakeLibraries.assumeGcc();
        Path dir = Files.createTempDirectory(tmp, "diffqp-soname-").toRealPath();
        Path built = FakeLibraries.build(dir, "libcublas.so.99", "int cublasCreate_v2(void **h) { return 0; }\n");
        Files.move(built, dir.resolve("libcublas.so.13"));
        props.put("diffqp.cuda.lib", dir.toString());
        CudaLibraries.LoadException e = assertThrows(CudaLibraries.LoadException.class,
                () -> libraries(dir).load(CudaLibraries.Library.CUBLAS));
        assertTrue(e.getMessage().contains("has SONAME libcublas.so.99, expected libcublas.so.13"), e.getMessage());
        assertTrue(loaded.isEmpty());
    }

    @Test
    void everyLibraryHasItsForwarderInTheJar() {
        for (CudaLibraries.Library lib : CudaLibraries.Library.values()) {
            assertTrue(CudaLibraries.class.getResource(lib.forwarderResource()) != null, lib.forwarderResource());
        }
        assertEquals(Set.of("libcublas.so.12", "libcusolver.so.11", "libcusolverMg.so.11"),
                Set.of(CudaLibraries.Library.values()).stream().map(l -> l.linked)
                        .collect(java.util.stream.Collectors.toSet()));
    }
}
