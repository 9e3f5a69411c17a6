package io.github.diffqp.cli;

import io.github.diffqp.benchmarks.BenchCase;
import io.github.diffqp.benchmarks.Cases;
import io.github.diffqp.benchmarks.Chart;
import io.github.diffqp.benchmarks.Comparison;
import io.github.diffqp.benchmarks.Machine;
import io.github.diffqp.benchmarks.Report;
import io.github.diffqp.benchmarks.Row;
import io.github.diffqp.benchmarks.Timer;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.backend.BackendUnavailableException;
import io.github.diffqp.solver.backend.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code diffqp bench}: the side-by-side comparison of the benchmarks module ({@link Comparison}). For each
 * case it times DiffQP's forward and backward on every usable backend and ojAlgo's forward on the same
 * problems, checks how far the answers agree (x against DiffQP's; DiffQP's gradients against finite
 * differences), and prints one table; {@code --markdown}, {@code --chart} and {@code --json} write it out,
 * {@code --export} writes the cases for the peers outside the JVM ({@code benchmarks/peers/run_peers.py}).
 *
 * <p>Every output path is checked before the (long) run, so a typo does not cost the results.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {
                "Compare DiffQP with peer solvers on the same problems: time per batch (median after warm-up), "
                        + "memory allocated, agreement of x, and a finite-difference check of DiffQP's gradients.",
                "Cases: random QPs of several (B, n, m, q), the Sudoku layer's shape (n=64, Q=0.1I, G=-I, A 40x64 "
                        + "shared), and OptNet's timing workload (n=100, m=100, Q=U'U+1e-3I).",
                "Peers outside the JVM (qpth, qpax, cvxpylayers): write the cases with --export DIR, then run "
                        + "python3 benchmarks/peers/run_peers.py DIR."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the table was printed and the files asked for were written",
                "1:writing a file failed, or an internal error",
                "2:bad usage (an unknown case set or case, a bad number, a missing directory)",
                "3:a backend asked for cannot run here"})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "the quick set (same as --cases quick) with shorter timing: under two "
            + "minutes on a 2-core CPU")
    boolean quick;

    @Option(names = "--cases", paramLabel = "SET",
            description = "case set: tiny, quick or full (default: full, or quick with --quick)")
    String caseSet;

    @Option(names = "--case", paramLabel = "SPEC",
            description = "a case instead of a set, repeatable: random:BxNxMxQ, sudoku:B or optnet:B")
    List<String> caseSpecs = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "NAME",
            description = "DiffQP backend to run, repeatable (default: every usable one, best first)")
    List<String> backends = new ArrayList<>();

    @Option(names = "--ojalgo", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "run ojAlgo on the same problems (default: ${DEFAULT-VALUE})")
    boolean ojalgo;

    @Option(names = "--ojalgo-max", paramLabel = "N",
            description = "the most problems of a batch ojAlgo solves; above, its time is scaled to the batch "
                    + "(default: 8 with --quick, else 32)")
    Integer ojalgoMax;

    @Option(names = "--grad-check", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "check DiffQP's gradients against finite differences (default: ${DEFAULT-VALUE})")
    boolean gradCheck;

    @Option(names = "--warmup", paramLabel = "N", description = "warm-up runs per row, at least (default: 2 with --quick, else 3)")
    Integer warmups;

    @Option(names = "--repeats", paramLabel = "N", description = "timed runs per row, at least (default: 5 with --quick, else 7)")
    Integer repeats;

    @Option(names = "--max-seconds", paramLabel = "S",
            description = "time budget per row; a slow row stops after 3 runs (or 1) once it is spent "
                    + "(default: 3 with --quick, else 10)")
    Double maxSeconds;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the cases (default: ${DEFAULT-VALUE})",
            defaultValue = "" + Cases.DEFAULT_SEED)
    long seed;

    @Option(names = "--markdown", paramLabel = "FILE", description = "write the table, machine and legend as markdown")
    Path markdown;

    @Option(names = "--chart", paramLabel = "FILE", description = "write a PNG bar chart of the times")
    Path chart;

    @Option(names = "--json", paramLabel = "FILE",
            description = "write the rows as JSON: one object per row with case, solver, backend, seconds_per_batch, "
                    + "ratio_to_diffqp, max_abs_dx, max_rel_dgrad, ...")
    Path json;

    @Option(names = "--export", paramLabel = "DIR",
            description = "write each case's problems, dl/dx and DiffQP's solution with gradients, and manifest.json, "
                    + "for benchmarks/peers/run_peers.py")
    Path export;

    @Override
    public Integer call() {
        Comparison.Settings settings = settings();
        for (String name : settings.backends()) {
            SolveCommand.backend(name); // unknown (exit 2) or unusable (exit 3) now, not after the first cases
        }
        requireTarget("--markdown", markdown);
        requireTarget("--chart", chart);
        requireTarget("--json", json);
        requireExportDir();
        List<BenchCase> cases = cases();
        Comparison comparison = new Comparison(settings);
        List<String> runOn;
        try {
            runOn = comparison.backends();
        } catch (BackendUnavailableException e) {
            throw CliException.backend(e.getMessage(), e);
        }

        PrintWriter w = spec.commandLine().getOut();
        String machine = Machine.describe();
        String command = commandLine();
        String row = "%-12s%s%n";
        w.printf(row, "machine", machine);
        w.printf(row, "cases", cases.size() + ": " + String.join(", ", cases.stream().map(BenchCase::name).toList()));
        w.printf(row, "solvers", "diffqp on " + String.join(", ", runOn) + (settings.ojalgo() ? "; ojalgo (max "
                + settings.ojalgoMax() + " problems per batch)" : ""));
        for (String name : runOn) {
            w.printf(row, name, Backends.select(name).availability().reason());
        }
        Timer.Settings t = settings.timing();
        w.printf(row, "timing", "median of at least " + t.repeats() + " runs after at least " + t.warmups()
                + " warm-ups; at most " + t.maxSeconds() + " s per row");
        w.flush();
        long start = System.nanoTime();
        List<Row> rows = comparison.run(cases, line -> {
            w.println("  " + line);
            w.flush();
        });
        String peak = comparison.peak().describe();
        w.printf(row, "peak", peak);
        w.println();
        w.print(Report.text(rows));
        w.println();
        w.print(Report.LEGEND);
        w.printf("%n" + row, "time", RunSummary.duration(System.nanoTime() - start));
        write(rows, machine + "; peak " + peak, command, cases, runOn.get(0), w);
        w.flush();
        return ExitCodes.OK;
    }

    private Comparison.Settings settings() {
        Comparison.Settings base = quick ? Comparison.Settings.quick() : Comparison.Settings.full();
        Timer.Settings t = base.timing();
        int w = warmups != null ? warmups : t.warmups();
        int r = repeats != null ? repeats : t.repeats();
        double max = maxSeconds != null ? maxSeconds : t.maxSeconds();
        if (w < 0) {
            throw usage("--warmup must be at least 0, got " + w);
        }
        if (r < 1) {
            throw usage("--repeats must be at least 1, got " + r);
        }
        if (!(max > 0)) {
            throw usage("--max-seconds must be positive, got " + max);
        }
        int cap = ojalgoMax != null ? ojalgoMax : base.ojalgoMax();
        if (cap < 1) {
            throw usage("--ojalgo-max must be at least 1, got " + cap);
        }
        return base.withTiming(new Timer.Settings(w, r, Math.min(t.minSeconds(), max), max)).withBackends(backends)
                .withOjalgo(ojalgo).withGradientCheck(gradCheck).withOjalgoMax(cap);
    }

    private List<BenchCase> cases() {
        try {
            if (!caseSpecs.isEmpty()) {
                if (caseSet != null) {
                    throw usage("--case and --cases exclude each other");
                }
                List<BenchCase> list = new ArrayList<>();
                for (String s : caseSpecs) {
                    list.add(Cases.parse(s, seed));
                }
                return list;
            }
            String set = caseSet != null ? caseSet : quick ? "quick" : "full";
            return Cases.set(set, seed);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private void write(List<Row> rows, String machine, String command, List<BenchCase> cases, String backend,
                       PrintWriter w) {
        String row = "%-12s%s%n";
        if (markdown != null) {
            writeText(markdown, "--markdown", Report.markdown(rows, machine, command));
            w.printf(row, "markdown", markdown);
        }
        if (json != null) {
            writeText(json, "--json", Report.json(rows));
            w.printf(row, "json", json);
        }
        if (chart != null) {
            try {
                Chart.write(rows, chart);
            } catch (IOException | RuntimeException e) {
                throw CliException.failure("cannot write chart '" + chart + "': " + e.getMessage(), e);
            }
            w.printf(row, "chart", chart);
        }
        if (export != null) {
            try {
                BenchExport.write(export, cases, rows, SolverOptions.defaults().withBackend(backend), machine, command);
            } catch (IOException e) {
                throw CliException.failure("cannot export to '" + export + "': " + e.getMessage(), e);
            }
            w.printf(row, "exported", export + " (run: python3 benchmarks/peers/run_peers.py " + export + ")");
        }
    }

    private static void writeText(Path file, String option, String text) {
        try {
            JsonFiles.writeAtomically(file, out -> out.write(text));
        } catch (IOException e) {
            throw CliException.failure("cannot write " + option + " file '" + file + "': " + e.getMessage(), e);
        }
    }

    /** A bad output path is found before the run, not after it, when the work would be lost. */
    private void requireTarget(String option, Path file) {
        if (file == null) {
            return;
        }
        String why = JsonFiles.whyNotWritable(file);
        if (why != null) {
            throw usage(option + " '" + file + "': " + why);
        }
    }

    private void requireExportDir() {
        if (export == null) {
            return;
        }
        if (Files.exists(export) && !Files.isDirectory(export)) {
            throw usage("--export '" + export + "' is not a directory");
        }
        Path parent = export.toAbsolutePath().getParent();
        if (!Files.exists(export) && (parent == null || !Files.isDirectory(parent))) {
            throw usage("--export '" + export + "': directory '" + parent + "' does not exist");
        }
    }

    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult() == null ? List.of()
                : spec.commandLine().getParseResult().originalArgs();
        StringBuilder sb = new StringBuilder("diffqp bench");
        // Picocli hands a subcommand the whole line; the subcommand's own name is already written.
        int first = !args.isEmpty() && args.get(0).equals("bench") ? 1 : 0;
        for (String a : args.subList(first, args.size())) {
            sb.append(' ').append(a.matches("[\\w.,:/=+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
