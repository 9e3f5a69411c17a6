package io.github.diffqp.cli;

import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.qps.QpsReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The problems of one input file, whatever its format: either one {@link QpBatch} (a batch object) or a
 * list of single {@link QpProblem}s whose shapes may differ (an array of problems, or a format that
 * holds one problem per file). {@link #readProblems(Path)} is the one place that knows the formats.
 */
final class ProblemSet {
    private final QpBatch batch;
    private final List<QpProblem> problems;

    private ProblemSet(QpBatch batch, List<QpProblem> problems) {
        this.batch = batch;
        this.problems = problems;
    }

    static ProblemSet ofBatch(QpBatch batch) {
        return new ProblemSet(Objects.requireNonNull(batch), null);
    }

    static ProblemSet ofProblems(List<QpProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems");
        }
        return new ProblemSet(null, List.copyOf(problems));
    }

    /**
     * Reads a problems file, choosing the reader by the file name's extension: {@code .qps} (any case) is
     * one QPS problem ({@link QpsReader}), {@code .npz} a batch of NumPy arrays ({@link NumpyInput}),
     * anything else JSON. Every format ends up as a batch or a list
     * of problems, so the rest of the command does not care which it was.
     *
     * @throws JsonFormatException                                  a malformed JSON file, with the path of the fault
     * @throws io.github.diffqp.solver.qps.QpsFormatException       a malformed QPS file, with its line
     * @throws NpzFormatException                                   a malformed NumPy file, naming the array
     * @throws io.github.diffqp.solver.InvalidProblemException      well-formed data that make no valid problem
     */
    static ProblemSet readProblems(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".qps")) {
            // One problem per file (Maros–Meszaros and other QPS sets), as a list of one so that its
            // objective constant reaches the solution file as objective_with_constant.
            return ofProblems(List.of(QpsReader.read(file).problem()));
        }
        if (NumpyInput.isNumpy(file)) {
            return ofBatch(NumpyInput.readProblems(file)); // an .npz is one batch; an .npy is refused there
        }
        // Anything else is JSON, whatever its extension: the JSON reader's faults name their place precisely.
        return fromJson(ProblemFile.read(file));
    }

    private static ProblemSet fromJson(ProblemFile file) {
        return file.isBatch() ? ofBatch(file.batch()) : ofProblems(file.problems());
    }

    /** True for one batch, false for a list of single problems. */
    boolean isBatch() {
        return batch != null;
    }

    /** The batch; only when {@link #isBatch()}. */
    QpBatch batch() {
        if (batch == null) {
            throw new IllegalStateException("a list of problems, not a batch");
        }
        return batch;
    }

    /** The problems in input order; only when not {@link #isBatch()}. */
    List<QpProblem> problems() {
        if (problems == null) {
            throw new IllegalStateException("a batch, not a list of problems");
        }
        return problems;
    }

    /** The number of problems. */
    int size() {
        return batch != null ? batch.size() : problems.size();
    }
}
