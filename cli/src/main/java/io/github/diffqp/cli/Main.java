package io.github.diffqp.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code diffqp} command: {@code java -jar diffqp.jar <command>} (docs/DESIGN.md §6.1).
 *
 * <pre>{@code
 * int code = Main.run("solve", "--in", "problems.json", "--out", "solution.json");
 * }</pre>
 *
 * Exit codes are those of {@link ExitCodes}; every failure prints one line {@code diffqp: <message>}
 * on stderr.
 */
@Command(name = "diffqp", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Batched, differentiable convex QP solver.",
        synopsisSubcommandLabel = "COMMAND",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done (solve: the solution file was written; see each problem's status)",
                "1:writing failed, or an internal error",
                "2:bad usage or a malformed input file (nothing is written)",
                "3:the backend cannot run here"})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /**
     * Every subcommand, in the order {@code --help} lists them. A new command is one more entry here
     * (an instance of a class annotated with picocli's {@code @Command}).
     */
    static List<Object> commands() {
        return List.of(
                new InfoCommand(),
                new SolveCommand(),
                new SudokuCommand(),
                new BenchCommand(),
                new ServeCommand(),
                new LoadCommand(),
                new CommandLine.HelpCommand());
    }

    /** {@code diffqp} alone: a usage error, since every action is a subcommand. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** The configured command line, printing to {@code out} and {@code err}. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new Main());
        for (Object command : commands()) {
            cmd.addSubcommand(command);
        }
        ErrorReporter reporter = new ErrorReporter();
        // Set after the subcommands are added so that every one of them inherits these settings.
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler(reporter);
        cmd.setExecutionExceptionHandler(reporter);
        return cmd;
    }

    /** Runs {@code diffqp args...} with the given streams and returns the exit code (no {@code System.exit}). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        try {
            return commandLine(out, err).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Runs {@code diffqp args...} on stdout and stderr and returns the exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
