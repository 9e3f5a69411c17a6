package io.github.diffqp.solver.backend;

/**
 * A backend cannot do the work asked of it, through no fault of the input: it cannot run on this machine
 * ({@link BackendUnavailableException}) or the batch does not fit in its memory
 * ({@link BackendCapacityException}). Kept apart from the solver's statuses, which describe problems, and
 * from {@link io.github.diffqp.solver.InvalidProblemException}, which describes bad data. The message is
 * one line a user can act on.
 */
public abstract class BackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
