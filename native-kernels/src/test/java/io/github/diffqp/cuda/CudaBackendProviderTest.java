package io.github.diffqp.cuda;

import io.github.diffqp.solver.backend.BackendUnavailableException;
import io.github.diffqp.solver.backend.BackendProvider;
import io.github.diffqp.solver.backend.BackendProvider.Availability;
import io.github.diffqp.solver.backend.Backends;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery, the availability probe's contract, and the fallback to the CPU, on any machine. */
class CudaBackendProviderTest {
    private final CudaBackendProvider provider = new CudaBackendProvider();

    @Test
    void foundByServiceLoaderAndPreferredOverTheCpu() {
        List<String> names = Backends.all().stream().map(BackendProvider::name).toList();
        assertTrue(names.contains("cuda") && names.contains("cpu"), names.toString());
        assertTrue(names.indexOf("cuda") < names.indexOf("cpu"), "best first: " + names);
        assertTrue(provider.priority() > 0);
        assertEquals("cuda", provider.name());
    }

    @Test
    void availabilityIsOneLineAndProbedOnce() {
        Availability a = provider.availability();
        assertFalse(a.reason().isBlank());
        assertFalse(a.reason().contains("\n"), a.reason());
        assertSame(a, provider.availability(), "kept after the first probe");
        System.out.println("cuda availability here: " + (a.usable() ? "usable, " : "not usable, ") + a.reason());
    }

    @Test
    void withoutCudaCreateRefusesWithTheReasonAndAutoPicksTheCpu() {
        Availability a = provider.availability();
        Assumptions.assumeFalse(a.usable(), "CUDA is usable here");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> provider.create(4));
        assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
        assertEquals("cpu", Backends.select("auto").name());
        BackendUnavailableException named = assertThrows(BackendUnavailableException.class, () -> Backends.select("cuda"));
        assertTrue(named.getMessage().contains("cannot run here"), named.getMessage());
    }

    @Test
    void withoutADriverTheReasonSaysSo() {
        boolean driver = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
                "/usr/local/nvidia/lib64").stream().anyMatch(d -> Files.exists(Path.of(d, "libcuda.so.1")));
        Assumptions.assumeFalse(driver, "this machine has a CUDA driver");
        assertEquals("no CUDA driver (libcuda.so.1 not found)", provider.availability().reason());
    }

    @Test
    void jcudaLoadErrorsAreCondensedToTheMissingLibrary() {
        String jcuda = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a file:\n"
                + "java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib\n"
                + "\tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2434)\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCublas2-12.6.0-linux-x86_64.so: libcublas.so.12: "
                + "cannot open shared object file: No such file or directory\n";
        assertEquals("/tmp/libJCublas2-12.6.0-linux-x86_64.so: libcublas.so.12: cannot open shared object file: "
                + "No such file or directory", CudaRuntime.lastCause(jcuda));
        assertEquals("12.6", CudaRuntime.version(12060));
        assertEquals("13.0.2", CudaRuntime.version(130002));
        assertEquals("11.6.3", CudaRuntime.solverVersion(11603));
    }
}
