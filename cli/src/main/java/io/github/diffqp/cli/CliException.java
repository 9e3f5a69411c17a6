package io.github.diffqp.cli;

/**
 * A failure the user can act on, with its exit code and a one-line message ready to print after
 * {@code "diffqp: "}. Thrown by commands; turned into the exit code by {@link ErrorReporter}.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Bad usage or a bad input file: {@link ExitCodes#USAGE}. */
    static CliException usage(String message, Throwable cause) {
        return new CliException(ExitCodes.USAGE, message, cause);
    }

    /** The chosen backend cannot run: {@link ExitCodes#BACKEND}. */
    static CliException backend(String message, Throwable cause) {
        return new CliException(ExitCodes.BACKEND, message, cause);
    }

    /** An I/O failure that is not the input's fault (writing the output): {@link ExitCodes#FAILURE}. */
    static CliException failure(String message, Throwable cause) {
        return new CliException(ExitCodes.FAILURE, message, cause);
    }

    int exitCode() {
        return exitCode;
    }
}
