package io.github.diffqp.solver.backend;

/**
 * A kind of backend, found with {@link java.util.ServiceLoader}. Implementations are listed in
 * {@code META-INF/services/io.github.diffqp.solver.backend.BackendProvider} of their module.
 */
public interface BackendProvider {
    /** The name users choose it by, e.g. {@code cpu} or {@code cuda}. */
    String name();

    /** Preference for {@code auto}: the usable provider with the highest priority wins. */
    int priority();

    /**
     * Whether this backend can run here; when it cannot, the reason in one line (no driver, no device,
     * which library is missing). Cheap after the first call.
     */
    Availability availability();

    /** A backend instance for batches of {@code batchSize} problems; call only when available. */
    Backend create(int batchSize);

    /** Whether a backend can run, and if not, why. */
    record Availability(boolean usable, String reason) {
        public static Availability yes(String description) {
            return new Availability(true, description);
        }

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
