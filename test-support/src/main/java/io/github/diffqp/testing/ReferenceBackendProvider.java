package io.github.diffqp.testing;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BackendProvider;

/**
 * {@code reference}: the {@link ReferenceBackend}, so that a test can run whole solves and backwards on it by
 * name. Not registered by this module: a test module that wants it lists this class in its own
 * {@code META-INF/services/io.github.diffqp.solver.backend.BackendProvider}, so that the others' lists of
 * backends stay as their users see them. Its negative priority keeps {@code auto} from ever choosing it.
 */
public final class ReferenceBackendProvider implements BackendProvider {
    public static final String NAME = "reference";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -200;
    }

    @Override
    public Availability availability() {
        return Availability.yes("textbook loops on plain arrays (tests only)");
    }

    @Override
    public Backend create(int batchSize) {
        return new ReferenceBackend(batchSize);
    }
}
