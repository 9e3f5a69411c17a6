package io.github.diffqp.cli;

import io.github.diffqp.solver.backend.BackendException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.util.Locale;

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
        cmd.getErr().println(PREFIX + printable(ex.getMessage()) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        cmd.getErr().flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        int code;
        if (ex instanceof CliException e) {
            err.println(PREFIX + printable(e.getMessage()));
            code = e.exitCode();
        } else if (ex instanceof BackendException) {
            // Unavailable or out of memory: not the input's fault, and not a bug either.
            err.println(PREFIX + printable(ex.getMessage()));
            code = ExitCodes.BACKEND;
        } else if (ex instanceof IllegalArgumentException) {
            // JsonFormatException and InvalidProblemException are IllegalArgumentExceptions: bad input.
            err.println(PREFIX + printable(ex.getMessage()));
            code = ExitCodes.USAGE;
        } else {
            err.println(PREFIX + "internal error: " + ex);
            ex.printStackTrace(err);
            code = ExitCodes.FAILURE;
        }
        err.flush();
        return code;
    }

    /**
     * The message with control and format characters escaped ({@code \x1B}, {@code \u202E}): messages quote
     * names from the user's files, and a raw escape sequence or line break from a hostile file must not
     * drive the terminal or forge a second line of output.
     */
    static String printable(String message) {
        if (message == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(message.length());
        message.codePoints().forEach(c -> {
            if (c < 0x100 && Character.isISOControl(c)) {
                out.append(String.format(Locale.ROOT, "\\x%02X", c));
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format(Locale.ROOT, "\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
