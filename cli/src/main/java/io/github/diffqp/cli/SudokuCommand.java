package io.github.diffqp.cli;

import io.github.diffqp.examples.sudoku.BoardPrinter;
import io.github.diffqp.examples.sudoku.OneHot;
import io.github.diffqp.examples.sudoku.Puzzle;
import io.github.diffqp.examples.sudoku.SudokuConstraints;
import io.github.diffqp.examples.sudoku.SudokuTraining;
import io.github.diffqp.examples.sudoku.TrainingPlot;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.backend.BackendProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code diffqp sudoku}: OptNet's Sudoku constraint-learning demo (docs/DESIGN.md §7). Trains the layer's A
 * from solved boards alone, reports loss, test error and exact share per epoch, draws a plot, shows a
 * solved test board, checks the learned constraints on true solutions, and ends with one
 * machine-readable {@code result:} line.
 */
@Command(name = "sudoku", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Learn the rules of Sudoku from solved boards with a QP layer (OptNet) and report how "
                + "many held-out puzzles it solves.",
                "The last line is machine-readable: result: exact=..%% error=..%% epochs=N seconds=S backend=NAME"})
final class SudokuCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--box", paramLabel = "K", defaultValue = "2",
            description = "box size: 2 for 4×4 boards (64 variables), 3 for 9×9 (729; meant for a GPU) (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--train", paramLabel = "N", defaultValue = "9000", description = "training puzzles (default: ${DEFAULT-VALUE})")
    int train;

    @Option(names = "--test", paramLabel = "N", defaultValue = "1000", description = "held-out puzzles (default: ${DEFAULT-VALUE})")
    int test;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "150", description = "minibatch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.1", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--q-weight", paramLabel = "W", defaultValue = "0.1",
            description = "Q = W·I, the layer's quadratic term (default: ${DEFAULT-VALUE})")
    double quadraticWeight;

    @Option(names = "--learn-b", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "learn z0 in b = A·z0 as OptNet does (default: ${DEFAULT-VALUE}); --no-learn-b keeps z0 = 1")
    boolean learnB;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed of puzzles, initialization and shuffling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "sudoku.png",
            description = "PNG plot of loss, error and exact share per epoch (default: ${DEFAULT-VALUE})")
    Path plot;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "draw a progress bar on a terminal (default: ${DEFAULT-VALUE})")
    boolean progress;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        BackendProvider provider = SolveCommand.backend(backend);
        SudokuTraining.Config config;
        try {
            config = new SudokuTraining.Config(k, train, test, epochs, batch, learningRate, quadraticWeight, learnB,
                    seed, SolverOptions.defaults().withBackend(provider.name()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf("backend     %s (%s)%n", provider.name(), provider.availability().reason());
        SudokuTraining training = new SudokuTraining(config);
        int n = OneHot.variables(k);
        w.printf("layer       %d×%d boards: n=%d, G=−I (m=%d), learned A %d×%d, b = A·z0%s%n", k * k, k * k, n, n,
                training.constraintRows(), n, learnB ? " (z0 learned)" : "");
        w.printf("data        %d training and %d held-out puzzles (seed %d), batch %d, Adam lr %s%n",
                training.dataset().train().size(), training.dataset().test().size(), seed, batch, learningRate);
        w.flush();
        List<SudokuTraining.Epoch> history = training.run(printStream(w), progress && System.console() != null);
        SudokuTraining.Epoch last = history.get(history.size() - 1);

        Puzzle sample = training.dataset().test().get(0);
        double[] x = training.predict(List.of(sample));
        w.println();
        w.println(BoardPrinter.sideBySide(sample.puzzle(), OneHot.decode(k, x), "held-out puzzle", "layer's answer"));
        SudokuConstraints.Residual residual = SudokuConstraints.constraintResidual(training.constraints(),
                training.rightHandSide(), training.constraintRows(),
                training.dataset().test().stream().map(Puzzle::solution).toList());
        w.printf(Locale.ROOT, "learned A·x = b on the true test solutions: rms residual %.2e, max %.2e%n",
                residual.rms(), residual.max());
        writePlot(history, w);
        double seconds = (System.nanoTime() - start) / 1e9;
        w.printf(Locale.ROOT, "result: exact=%.1f%% error=%.1f%% epochs=%d seconds=%.0f backend=%s%n",
                100 * last.testExact(), 100 * last.testError(), history.size(), seconds, provider.name());
        w.flush();
        return ExitCodes.OK;
    }

    private void writePlot(List<SudokuTraining.Epoch> history, PrintWriter w) {
        double[] loss = history.stream().mapToDouble(SudokuTraining.Epoch::trainLoss).toArray();
        double[] error = history.stream().mapToDouble(e -> 100 * e.testError()).toArray();
        double[] exact = history.stream().mapToDouble(e -> 100 * e.testExact()).toArray();
        try {
            TrainingPlot.write(plot, loss, error, exact);
            w.printf("plot        %s%n", plot);
        } catch (IOException e) {
            throw CliException.failure("cannot write plot '" + plot + "': " + e.getMessage(), e);
        }
    }

    /** The training loop prints to a PrintStream; route it through picocli's writer. */
    private static PrintStream printStream(PrintWriter w) {
        return new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                w.write(b);
            }

            @Override
            public void flush() {
                w.flush();
            }
        }, true);
    }
}
