package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpSolution;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A solution file (docs/DESIGN.md §6.3), assembled in memory and then written atomically.
 *
 * <p>For a batch of B problems it is one JSON object with {@code x [B][n]}, {@code lambda [B][m]},
 * {@code nu [B][q]}, {@code objective [B]}, {@code status [B]} (the {@link io.github.diffqp.solver.Status}
 * labels), {@code iterations [B]}, {@code slack [B][m]}, {@code primal_residual [B]},
 * {@code dual_residual [B]}, {@code gap [B]}, {@code polished [B]} and {@code degenerate [B]} (booleans:
 * {@link io.github.diffqp.solver.QpSolution#polished}, {@link io.github.diffqp.solver.QpSolution#degenerate}),
 * in that order, followed by any extra arrays added with
 * {@link #putMatrix}, {@link #putVector} and {@link #putPerProblem} (the gradients {@code dQ dp dG dh dA
 * db}, each shaped like its input: a shared datum's gradient has no batch axis).
 *
 * <p>For a problems file that held an array of single problems it is a JSON array of such objects, one
 * per problem in the same order, without batch axes ({@code x [n]}, {@code objective} a number, ...);
 * see {@link #forProblems(int)} and {@link Entry}.
 *
 * <p>A non-finite number (a failed problem may report NaN) is written as the string {@code "NaN"},
 * {@code "Infinity"} or {@code "-Infinity"}, since JSON has no spelling for it.
 *
 * <pre>{@code
 * SolutionFile.forBatch(solution)
 *     .putMatrix("dQ", dQ, 0, n, n)          // Q was shared: [n][n]
 *     .putVector("dp", dp, batchSize, n)     // p was per problem: [B][n]
 *     .write(Path.of("solution.json"));
 * }</pre>
 */
public final class SolutionFile {
    /** The keys every solution object has, in the order they are written. */
    public static final List<String> STANDARD_KEYS = List.of("x", "lambda", "nu", "objective", "status", "iterations",
            "slack", "primal_residual", "dual_residual", "gap", "polished", "degenerate");
    private static final Set<String> RESERVED = Set.copyOf(STANDARD_KEYS);

    private final int size;
    private final ObjectNode batchRoot; // the batch form; null for the array form
    private final Entry[] entries;      // the array form; null for the batch form

    private SolutionFile(int size, ObjectNode batchRoot, Entry[] entries) {
        this.size = size;
        this.batchRoot = batchRoot;
        this.entries = entries;
    }

    /** The solution file of a batch: one object with a leading batch axis on every array. */
    public static SolutionFile forBatch(QpSolution solution) {
        int B = solution.size(), n = solution.n(), m = solution.m(), q = solution.q();
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("x", Trees.nested(solution.x(), 0, B, n));
        root.set("lambda", Trees.nested(solution.lambda(), 0, B, m));
        root.set("nu", Trees.nested(solution.nu(), 0, B, q));
        double[] objective = new double[B], primal = new double[B], dual = new double[B], gap = new double[B];
        int[] iterations = new int[B];
        ArrayNode status = root.arrayNode(B), polished = root.arrayNode(B), degenerate = root.arrayNode(B);
        for (int i = 0; i < B; i++) {
            objective[i] = solution.objective(i);
            status.add(solution.status(i).label());
            polished.add(solution.polished(i));
            degenerate.add(solution.degenerate(i));
            iterations[i] = solution.iterations(i);
            primal[i] = solution.primalResidual(i);
            dual[i] = solution.dualResidual(i);
            gap[i] = solution.gap(i);
        }
        root.set("objective", Trees.nested(objective, 0, B));
        root.set("status", status);
        root.set("iterations", Trees.ints(iterations));
        root.set("slack", Trees.nested(solution.slack(), 0, B, m));
        root.set("primal_residual", Trees.nested(primal, 0, B));
        root.set("dual_residual", Trees.nested(dual, 0, B));
        root.set("gap", Trees.nested(gap, 0, B));
        root.set("polished", polished);
        root.set("degenerate", degenerate);
        return new SolutionFile(B, root, null);
    }

    /**
     * The solution file of an array of {@code count} single problems, to be filled with
     * {@link #set(int, QpSolution, int)} for every index before it is written. Problems of one array may
     * be solved in several batches, which is why each entry names its own solution and index.
     */
    public static SolutionFile forProblems(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("an array of problems holds at least one, got " + count);
        }
        return new SolutionFile(count, null, new Entry[count]);
    }

    /** The solution file of an array of single problems, each solved alone: every solution has size 1. */
    public static SolutionFile forProblems(List<QpSolution> solutions) {
        SolutionFile file = forProblems(solutions.size());
        for (int i = 0; i < solutions.size(); i++) {
            QpSolution s = solutions.get(i);
            if (s.size() != 1) {
                throw new IllegalArgumentException("solution " + i + " holds " + s.size() + " problems, expected 1");
            }
            file.set(i, s, 0);
        }
        return file;
    }

    /** True for the batch form (one object), false for the array form. */
    public boolean isBatch() {
        return batchRoot != null;
    }

    /** The number of problems: B, or the array's length. */
    public int size() {
        return size;
    }

    // ---- the batch form ----

    /**
     * Adds every gradient present, keyed dQ dp dG dh dA db, each shaped like its datum: a shared datum's
     * (summed) gradient without the batch axis. Batch form only.
     */
    public SolutionFile putGradients(Gradients gradients) {
        for (Parameter p : Parameter.values()) {
            if (!gradients.has(p)) {
                continue;
            }
            Datum d = gradients.get(p);
            int batchAxis = d.isShared() ? 0 : d.batchSize();
            if (p.isVector()) {
                putVector(p.gradientKey(), d.values(), batchAxis, d.rows());
            } else {
                putMatrix(p.gradientKey(), d.values(), batchAxis, d.rows(), d.cols());
            }
        }
        return this;
    }

    /**
     * Adds an extra array of matrices: {@code [batch][rows][cols]}, or {@code [rows][cols]} when
     * {@code batch} is 0 (a shared datum's gradient). Batch form only.
     *
     * @param values row-major, {@code max(batch, 1)·rows·cols} entries
     * @param batch  0 (shared) or the batch size
     */
    public SolutionFile putMatrix(String name, double[] values, int batch, int rows, int cols) {
        requireBatchExtra(name, values, batch, (long) rows * cols);
        batchRoot.set(name, batch == 0 ? Trees.nested(values, 0, rows, cols) : Trees.nested(values, 0, batch, rows, cols));
        return this;
    }

    /**
     * Adds an extra array of vectors: {@code [batch][length]}, or {@code [length]} when {@code batch} is 0
     * (a shared datum's gradient). Batch form only.
     */
    public SolutionFile putVector(String name, double[] values, int batch, int length) {
        requireBatchExtra(name, values, batch, length);
        batchRoot.set(name, batch == 0 ? Trees.nested(values, 0, length) : Trees.nested(values, 0, batch, length));
        return this;
    }

    /** Adds one number per problem, {@code [B]}, e.g. {@code objective_with_constant}. Batch form only. */
    public SolutionFile putPerProblem(String name, double[] values) {
        requireBatchExtra(name, values, size, 1);
        batchRoot.set(name, Trees.nested(values, 0, size));
        return this;
    }

    private void requireBatchExtra(String name, double[] values, int batch, long perProblem) {
        if (batchRoot == null) {
            throw new IllegalStateException("an array-of-problems solution file takes extras per entry: use problem(i)");
        }
        requireNewName(name, batchRoot);
        if (batch != 0 && batch != size) {
            throw new IllegalArgumentException(name + ": batch " + batch + " is neither 0 (shared) nor the batch size "
                    + size);
        }
        requireLength(name, values, Math.max(batch, 1) * perProblem);
    }

    // ---- the array form ----

    /**
     * Sets entry {@code index} of the array form to problem {@code problem} of {@code solution}.
     *
     * @return the entry, to add extras to
     */
    public Entry set(int index, QpSolution solution, int problem) {
        requireArrayForm();
        Objects.checkIndex(index, size);
        Objects.checkIndex(problem, solution.size());
        if (entries[index] != null) {
            throw new IllegalStateException("entry " + index + " is already set");
        }
        entries[index] = new Entry(solution, problem);
        return entries[index];
    }

    /** Entry {@code index} of the array form, set before. */
    public Entry problem(int index) {
        requireArrayForm();
        Objects.checkIndex(index, size);
        if (entries[index] == null) {
            throw new IllegalStateException("entry " + index + " is not set yet");
        }
        return entries[index];
    }

    private void requireArrayForm() {
        if (entries == null) {
            throw new IllegalStateException("a batch solution file has no entries; put extras on the file itself");
        }
    }

    // ---- output ----

    /** The file's JSON tree (a copy). */
    public JsonNode toTree() {
        if (batchRoot != null) {
            return batchRoot.deepCopy();
        }
        ArrayNode array = JsonNodeFactory.instance.arrayNode(size);
        for (int i = 0; i < size; i++) {
            if (entries[i] == null) {
                throw new IllegalStateException("entry " + i + " of " + size + " is not set");
            }
            array.add(entries[i].object.deepCopy());
        }
        return array;
    }

    /** The file's text, as {@link #write} writes it. */
    public String toJson() {
        return JsonPrinter.toString(toTree());
    }

    /**
     * Writes the file atomically: to a temporary file in the same directory, then renamed into place,
     * so that when anything fails no file (and no partial file) is left at {@code file}. A name ending in
     * {@code .npz} is written as NumPy arrays ({@link NumpyOutput}), anything else as JSON.
     */
    public void write(Path file) throws IOException {
        JsonNode tree = toTree(); // fails on an unset entry before anything touches the disk
        if (NumpyOutput.handles(file)) {
            NumpyOutput.write(tree, file);
            return;
        }
        JsonFiles.writeAtomically(file, tree);
    }

    private static void requireNewName(String name, ObjectNode object) {
        Objects.requireNonNull(name, "name");
        if (RESERVED.contains(name) || object.has(name)) {
            throw new IllegalArgumentException("key '" + name + "' is already present");
        }
    }

    private static void requireLength(String name, double[] values, long expected) {
        if (values.length != expected) {
            throw new IllegalArgumentException(name + ": " + values.length + " values, expected " + expected);
        }
    }

    /** One problem's solution in the array form: the standard keys without batch axes, plus extras. */
    public static final class Entry {
        private final ObjectNode object = JsonNodeFactory.instance.objectNode();
        private final double objective;

        private Entry(QpSolution s, int i) {
            objective = s.objective(i);
            object.set("x", Trees.nested(s.x(i), 0, s.n()));
            object.set("lambda", Trees.nested(s.lambda(i), 0, s.m()));
            object.set("nu", Trees.nested(s.nu(i), 0, s.q()));
            object.put("objective", objective);
            object.put("status", s.status(i).label());
            object.put("iterations", s.iterations(i));
            object.set("slack", Trees.nested(s.slack(i), 0, s.m()));
            object.put("primal_residual", s.primalResidual(i));
            object.put("dual_residual", s.dualResidual(i));
            object.put("gap", s.gap(i));
            object.put("polished", s.polished(i));
            object.put("degenerate", s.degenerate(i));
        }

        /** Adds an extra {@code [rows][cols]} matrix, e.g. a gradient {@code dG}. */
        public Entry putMatrix(String name, double[] values, int rows, int cols) {
            requireNewName(name, object);
            requireLength(name, values, (long) rows * cols);
            object.set(name, Trees.nested(values, 0, rows, cols));
            return this;
        }

        /** Adds an extra vector, e.g. a gradient {@code dp}. */
        public Entry putVector(String name, double[] values) {
            requireNewName(name, object);
            object.set(name, Trees.nested(values, 0, values.length));
            return this;
        }

        /** Adds an extra number. */
        public Entry putScalar(String name, double value) {
            requireNewName(name, object);
            object.put(name, value);
            return this;
        }

        /**
         * Adds {@code objective_with_constant}: the objective plus the problem's constant term
         * ({@link io.github.diffqp.solver.QpProblem#objectiveConstant()}), so that it matches the source
         * of the problem (a QPS file, say).
         */
        public Entry objectiveConstant(double constant) {
            return putScalar("objective_with_constant", objective + constant);
        }
    }
}
