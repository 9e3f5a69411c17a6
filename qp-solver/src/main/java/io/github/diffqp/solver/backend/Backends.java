package io.github.diffqp.solver.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Discovery and selection of backends on the class path. */
public final class Backends {
    private Backends() {
    }

    /**
     * Whether DiffQP's vector code may run: the JVM has the Vector API ({@code --add-modules
     * jdk.incubator.vector}) and the system property {@code diffqp.kernels} is not {@code scalar}. Classes that
     * use the API are loaded only when this holds, so DiffQP runs without the module (docs/DESIGN.md §4.2).
     */
    public static boolean vectorApi() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && !"scalar".equals(System.getProperty("diffqp.kernels"));
    }

    /** Every provider on the class path, best first; found once, since every solve asks. */
    public static List<BackendProvider> all() {
        return Found.PROVIDERS;
    }

    /** Lazy holder: the class path is scanned on first use, by the class loader's own locking. */
    private static final class Found {
        static final List<BackendProvider> PROVIDERS = scan();

        private static List<BackendProvider> scan() {
            List<BackendProvider> found = new ArrayList<>();
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
                found.add(p);
            }
            found.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
            return List.copyOf(found);
        }
    }

    /**
     * The provider named {@code name} (any case: {@code CPU} is {@code cpu}), or for {@code auto} the best
     * usable one.
     *
     * @throws IllegalArgumentException when no backend has that name (the message lists the names): bad usage
     * @throws BackendUnavailableException when the named backend cannot run here (with the reason), or
     *                                     when no backend is usable
     */
    public static BackendProvider select(String name) {
        List<BackendProvider> providers = all();
        if (name == null || name.equalsIgnoreCase("auto")) {
            for (BackendProvider p : providers) {
                if (p.availability().usable()) {
                    return p;
                }
            }
            throw new BackendUnavailableException("no usable backend: " + (providers.isEmpty()
                    ? "none on the class path (add cpu-fallback)"
                    : providers.stream().map(p -> p.name() + ": " + p.availability().reason())
                    .collect(Collectors.joining("; "))));
        }
        for (BackendProvider p : providers) {
            if (p.name().equalsIgnoreCase(name)) {
                BackendProvider.Availability a = p.availability();
                if (!a.usable()) {
                    throw new BackendUnavailableException("backend '" + name + "' cannot run here: " + a.reason());
                }
                return p;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "'; known: "
                + providers.stream().map(BackendProvider::name).collect(Collectors.joining(", ")) + ", auto");
    }
}
