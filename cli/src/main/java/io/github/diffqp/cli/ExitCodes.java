package io.github.diffqp.cli;

/**
 * The exit codes of {@code diffqp}. A run that wrote its solution file exits 0 even when some problems
 * were not solved: their status in the file says so, and scripts should read it rather than the code.
 */
public final class ExitCodes {
    /** Done; for {@code solve}, the solution file was written. */
    public static final int OK = 0;
    /** Writing failed, or an internal error (a bug: its stack trace is printed). */
    public static final int FAILURE = 1;
    /** Bad usage or a malformed or unreadable input file; nothing was written. */
    public static final int USAGE = 2;
    /**
     * The backend cannot do the work: it cannot run here (or none can), or the batch does not fit in its
     * memory (the Java heap or the GPU's); nothing was written.
     */
    public static final int BACKEND = 3;

    private ExitCodes() {
    }
}
