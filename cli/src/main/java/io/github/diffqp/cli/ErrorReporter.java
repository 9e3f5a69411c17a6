package io.github.diffqp.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * Turns every failure of a command into one line {@code diffqp: <message>} on stderr and an exit code
 * (see {@link ExitCodes}). Users get no stack trace for their own mistakes; only an unexpected exception,
 * which is a bug, keeps its trace, since that is what a bug report needs.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
    static final String PREFIX = "diffqp: ";

    /** Usage errors found by picocli (unknown option, missing or unconvertible value) or by option checks. */
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        // One line instead of picocli's full usage text, which would bury the message; point to --help instead.
        cmd.getErr().println(PREFIX + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        cmd.getErr().flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        int code;
        if (ex instanceof CliException e) {
            err.println(PREFIX + e.getMessage());
            code = e.exitCode();
        } else if (ex instanceof IllegalArgumentException) {
            // JsonFormatException and InvalidProblemException are IllegalArgumentExceptions: bad input.
            err.println(PREFIX + ex.getMessage());
            code = ExitCodes.USAGE;
        } else {
            err.println(PREFIX + "internal error: " + ex);
            ex.printStackTrace(err);
            code = ExitCodes.FAILURE;
        }
        err.flush();
        return code;
    }
}
