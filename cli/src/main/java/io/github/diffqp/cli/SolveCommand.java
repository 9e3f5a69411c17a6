package io.github.diffqp.cli;

import io.github.diffqp.batching.Shape;
import io.github.diffqp.solver.InvalidProblemException;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.backend.BackendCapacityException;
import io.github.diffqp.solver.backend.BackendProvider;
import io.github.diffqp.solver.backend.BackendUnavailableException;
import io.github.diffqp.solver.backend.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code diffqp solve}: reads a problems file, solves it (and with {@code --grad} runs the backward),
 * writes the solution file and prints a short summary. Every input is checked before any solving, and
 * the solution file is written, atomically, only after everything has succeeded: a failed run leaves
 * no file (and an old file untouched).
 *
 * <p>A batch object is solved as one batch. An array of problems is packed by the batching module: grouped
 * by shape (n, m, q), and groups of different shapes padded into one batch where the backend's cost model
 * says that is cheaper (see {@link io.github.diffqp.batching.Packer}); the solution file is then an array
 * in the input order, each entry in its problem's own shape. Gradients of data that are absent (G, h when
 * m = 0; A, b when q = 0) are left out of the file.
 */
@Command(name = "solve", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {
                "Solve a problems file and write the solution file; with --grad, also the gradients "
                        + "dQ dp dG dh dA db of the loss whose gradient with respect to x* is given.",
                "A batch object is solved as one batch; an array of problems is grouped by shape (n, m, q), "
                        + "one batch per shape, shapes padded into a common batch where that is cheaper, and the "
                        + "solution is an array in the same order."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the solution file was written (problems that were not solved say so in 'status')",
                "1:writing failed, or an internal error",
                "2:bad usage or a malformed input file (nothing is written)",
                "3:the backend cannot run here, or the batch does not fit in its memory (nothing is written)"})
final class SolveCommand implements Callable<Integer> {
    /** The defaults shown by --help; {@code SolveCommandTest} keeps them equal to {@link SolverOptions#defaults()}. */
    static final String DEFAULT_TOLERANCE = "1e-8";
    static final String DEFAULT_MAX_ITERATIONS = "100";

    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE",
            description = "problems file: JSON (a batch object, or an array of single problems), .qps (one problem) "
                    + "or .npz (NumPy arrays Q p G h A b)")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "solution file to write (replaced atomically, only when everything succeeded); "
                    + "a name ending in .npz is written as NumPy arrays")
    Path out;

    @Option(names = "--grad", paramLabel = "FILE",
            description = "gradient file {\"dl_dx\": [B][n]} (for an array of problems: one [n] per problem); "
                    + "or an .npy/.npz array dl_dx (B, n); adds dQ dp dG dh dA db, each shaped like its input")
    Path grad;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}: the best usable one)")
    String backend;

    @Option(names = "--tol", paramLabel = "TOL", defaultValue = DEFAULT_TOLERANCE,
            description = "relative tolerance on residuals and duality gap, in (0, 1) (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = DEFAULT_MAX_ITERATIONS,
            description = "iteration limit per problem, at least 1 (default: ${DEFAULT-VALUE})")
    int maxIterations;

    @Option(names = "--no-polish", negatable = false,
            description = "keep the interior-point answer, accurate to --tol only, instead of the exact solution "
                    + "of its active set (see docs/DESIGN.md §2.5); for comparisons")
    boolean noPolish;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        SolverOptions options = options();
        requireWritableTarget();
        BackendProvider provider = backend(backend);
        // Pin the resolved name so that the backend reported is the one that runs.
        options = options.withBackend(provider.name());

        ProblemSet problems = read("problems file", in, () -> ProblemSet.readProblems(in));
        if (!problems.isBatch()) {
            NumpyOutput.requireOneShape(out, problems.problems());
        }
        SolveJob.Result result;
        if (problems.isBatch()) {
            QpBatch batch = problems.batch();
            double[] dlDx = grad == null ? null
                    : read("gradient file", grad, () -> GradientFile.read(grad, batch.size(), batch.n()));
            result = SolveJob.solveBatch(batch, options, dlDx);
        } else {
            List<QpProblem> list = problems.problems();
            List<double[]> dlDx = grad == null ? null : read("gradient file", grad,
                    () -> GradientFile.readPerProblem(grad, list.stream().mapToInt(QpProblem::n).toArray()));
            result = SolveJob.solveProblems(list, options, dlDx);
        }
        try {
            result.file().write(out);
        } catch (IOException e) {
            throw CliException.failure("cannot write solution file '" + out + "': " + describe(e), e);
        }
        printSummary(problems, provider, result, System.nanoTime() - start);
        return ExitCodes.OK;
    }

    /** The solver settings, or a usage error naming the option. */
    private SolverOptions options() {
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new ParameterException(spec.commandLine(), "--tol must be in (0, 1), got " + tolerance);
        }
        if (maxIterations < 1) {
            throw new ParameterException(spec.commandLine(), "--max-iter must be at least 1, got " + maxIterations);
        }
        return SolverOptions.defaults().withTolerance(tolerance).withMaxIterations(maxIterations).withPolish(!noPolish);
    }

    /** Catches a bad --out before the solve rather than after it, when the work would be lost. */
    private void requireWritableTarget() {
        String why = JsonFiles.whyNotWritable(out);
        if (why != null) {
            throw new ParameterException(spec.commandLine(), "--out '" + out + "': " + why);
        }
        // Writing the solution would replace an input (the same file under another name or through a link too).
        for (Path input : grad == null ? new Path[] {in} : new Path[] {in, grad}) {
            if (sameFile(out, input)) {
                throw new ParameterException(spec.commandLine(), "--out '" + out + "' is the input file '" + input
                        + "': it would be overwritten");
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) ? Files.isSameFile(a, b)
                    : a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The provider for {@code name}, in any case; an unknown name is a usage error (exit 2, listing the
     * names), a backend that cannot run here exit code 3 with the reason.
     */
    static BackendProvider backend(String name) {
        try {
            return Backends.select(name);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage(), e);
        } catch (BackendUnavailableException e) {
            throw CliException.backend(e.getMessage(), e);
        }
    }

    private interface Reader<T> {
        T read() throws IOException;
    }

    /** Runs a reader, turning its faults into one usage-error line that names the file. */
    private static <T> T read(String what, Path file, Reader<T> reader) {
        try {
            return reader.read();
        } catch (JsonFormatException | InvalidProblemException e) {
            throw CliException.usage(file + ": " + e.getMessage(), e);
        } catch (BackendCapacityException e) {
            throw CliException.backend(file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + what + " '" + file + "': " + describe(e), e);
        }
    }

    /** An I/O failure in words; NIO's own messages are often just the path. */
    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private void printSummary(ProblemSet problems, BackendProvider provider, SolveJob.Result result, long nanos) {
        PrintWriter w = spec.commandLine().getOut();
        String row = "%-12s%s%n";
        String layout = problems.isBatch()
                ? "one batch (" + Shape.of(problems.batch()) + ")"
                : result.batches() + (result.batches() == 1 ? " batch" : " batches") + " by shape"
                        + (result.padded() > 0 ? ", " + result.padded() + " padded" : "");
        w.printf(row, "problems", problems.size() + " in " + layout);
        w.printf(row, "backend", provider.name() + " (" + InfoCommand.availability(provider).reason() + ")");
        w.printf(row, "status", RunSummary.statuses(result.status()));
        w.printf(row, "iterations", RunSummary.iterations(result.iterations()));
        if (grad != null) {
            w.printf(row, "gradients", String.join(" ", result.gradients()));
        }
        w.printf(row, "time", RunSummary.duration(nanos));
        w.printf(row, "wrote", out);
        w.flush();
    }
}
