package io.github.diffqp.solver.backend;

/**
 * The chosen backend cannot run here (no driver, no device, a missing native library), or no backend on
 * the class path can. The message says why.
 */
public final class BackendUnavailableException extends BackendException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message, null);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
