package io.github.diffqp.cli;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Problems and gradients in NumPy's files (docs/DESIGN.md §6.6).
 *
 * <p>A problems file is an {@code .npz} archive with arrays named like the keys of a JSON batch object,
 * under the same convention: {@code p} is {@code (n,)} shared or {@code (B, n)} per problem, {@code Q}
 * {@code (n, n)} or {@code (B, n, n)}, {@code G} {@code (m, n)} or {@code (B, m, n)}, {@code h} {@code (m,)}
 * or {@code (B, m)}, and {@code A, b} likewise; a leading batch axis means one per problem, none means shared
 * by the batch. {@code p} is required, the rest may be absent, and a pair with zero rows counts as absent.
 * The arrays go through the same validation as a JSON file ({@link ProblemFile#build}); the shapes are
 * checked here first, so that a fault is told in NumPy's terms ({@code G has shape (3, 2, 5) but p says
 * n = 4}).
 *
 * <p>A gradient file is an {@code .npy} array, or an {@code .npz} archive holding one array {@code dl_dx},
 * shaped {@code (B, n)}, or {@code (n,)} for a single problem.
 */
final class NumpyInput {
    static final String GRADIENT = GradientFile.KEY;

    private NumpyInput() {
    }

    /** True for the files read here: names ending in {@code .npz} or {@code .npy}, in any case. */
    static boolean isNumpy(Path file) {
        return NumpyFiles.isArchive(file) || NumpyFiles.isArray(file);
    }

    /** Reads and validates the batch of an {@code .npz} problems file. */
    static QpBatch readProblems(Path file) throws IOException {
        String source = file.toString();
        if (!NumpyFiles.isArchive(file)) {
            throw new NpzFormatException(source, "problems are an .npz archive of arrays named Q, p, G, h, A, b "
                    + "(numpy.savez), not a single .npy array");
        }
        Map<String, NumpyFiles.Array> arrays = NumpyFiles.readArchive(file);
        for (String name : arrays.keySet()) {
            if (!ProblemFile.KEYS.contains(name)) {
                throw new NpzFormatException(source, name, "unknown array '" + name + "' (expected Q, p, G, h, A, b)");
            }
        }
        NumpyFiles.Array p = arrays.get("p");
        if (p == null) {
            throw new NpzFormatException(source, "p", "missing array p (the linear term is required; it fixes n)");
        }
        requireDepth(source, p, 1);
        int n = p.dim(p.ndim() - 1);
        Datum[] data = new Datum[ProblemFile.KEYS.size()];
        for (int k = 0; k < data.length; k++) {
            NumpyFiles.Array array = arrays.get(ProblemFile.KEYS.get(k));
            if (array != null) {
                data[k] = datum(source, array, n);
            }
        }
        requireRows(source, arrays.get("G"), arrays.get("h"));
        requireRows(source, arrays.get("A"), arrays.get("b"));
        return ProblemFile.build(data);
    }

    /**
     * The datum of one array, after checking its depth and its columns (and Q's rows) against n. Which
     * array is which decides the kind: p, h, b are vectors, Q, G, A matrices.
     */
    private static Datum datum(String source, NumpyFiles.Array a, int n) {
        boolean vector = DatumReader.Kind.of(a.name()) == DatumReader.Kind.VECTOR;
        int sharedDepth = vector ? 1 : 2;
        requireDepth(source, a, sharedDepth);
        boolean shared = a.ndim() == sharedDepth;
        if (!vector) {
            int rows = a.dim(a.ndim() - 2), cols = a.dim(a.ndim() - 1);
            boolean fits = a.name().equals("Q") ? rows == n && cols == n : cols == n;
            if (!fits) {
                throw new NpzFormatException(source, a.name(), a.name() + " has shape " + a.shapeText() + " but p says n = "
                        + n);
            }
            return shared ? Datum.shared(rows, cols, a.values()) : Datum.batched(a.dim(0), rows, cols, a.values());
        }
        int length = a.dim(a.ndim() - 1);
        return shared ? Datum.sharedVector(a.values()) : Datum.batchedVector(a.dim(0), length, a.values());
    }

    /** A shared datum has {@code sharedDepth} axes, a per-problem one a leading batch axis more, of at least one. */
    private static void requireDepth(String source, NumpyFiles.Array a, int sharedDepth) {
        String[] axes = sharedDepth == 1 ? new String[] {"(n,)", "(B, n)"} : a.name().equals("Q")
                ? new String[] {"(n, n)", "(B, n, n)"} : new String[] {"(rows, n)", "(B, rows, n)"};
        if (a.ndim() != sharedDepth && a.ndim() != sharedDepth + 1) {
            throw new NpzFormatException(source, a.name(), a.name() + " has shape " + a.shapeText() + ": expected "
                    + axes[0] + ", or " + axes[1] + " with a leading batch axis");
        }
        if (a.ndim() == sharedDepth + 1 && a.dim(0) == 0) {
            throw new NpzFormatException(source, a.name(), a.name() + " has shape " + a.shapeText()
                    + ": its batch axis holds no problems");
        }
    }

    /** The rows of a constraint matrix and of its right-hand side agree (when both are there). */
    private static void requireRows(String source, NumpyFiles.Array matrix, NumpyFiles.Array vector) {
        if (matrix == null || vector == null) {
            return; // QpBatch says that the two go together
        }
        int rows = matrix.dim(matrix.ndim() - 2);
        if (vector.dim(vector.ndim() - 1) != rows) {
            String count = matrix.name().equals("G") ? "m" : "q";
            throw new NpzFormatException(source, vector.name(), vector.name() + " has shape " + vector.shapeText()
                    + " but " + matrix.name() + " says " + count + " = " + rows);
        }
    }

    // ---- gradients ----

    /** Reads ∂ℓ/∂x* of a batch of {@code batch} problems of {@code n} variables: B·n values, row-major. */
    static double[] readGradient(Path file, int batch, int n) throws IOException {
        NumpyFiles.Array a = gradientArray(file);
        boolean fits = a.ndim() == 2 ? a.dim(0) == batch && a.dim(1) == n : batch == 1 && a.ndim() == 1 && a.dim(0) == n;
        if (!fits) {
            throw new NpzFormatException(file.toString(), GRADIENT, GRADIENT + " has shape " + a.shapeText()
                    + ", expected " + NumpyFiles.Array.shapeText(batch, n) + " (B, n)"
                    + (batch == 1 ? " or " + NumpyFiles.Array.shapeText(n) : ""));
        }
        return a.values();
    }

    /**
     * Reads ∂ℓ/∂x* of a list of single problems with {@code n[i]} variables each. An array holds one n, so
     * the problems must agree on it: {@code (count, n)}, or {@code (n,)} for one problem.
     */
    static List<double[]> readGradientPerProblem(Path file, int[] n) throws IOException {
        if (Arrays.stream(n).distinct().count() > 1) {
            throw new NpzFormatException(file.toString(), GRADIENT, "the problems differ in n " + Arrays.toString(n)
                    + ", which one array cannot hold: give the gradient as JSON (docs/DESIGN.md §6.4)");
        }
        int count = n.length, size = n[0];
        double[] values = readGradient(file, count, size);
        return IntStream.range(0, count)
                .mapToObj(i -> Arrays.copyOfRange(values, i * size, (i + 1) * size)).toList();
    }

    /** The one array of a gradient file, every value finite (NaN would only come back as NaN gradients). */
    private static NumpyFiles.Array gradientArray(Path file) throws IOException {
        String source = file.toString();
        NumpyFiles.Array a;
        if (NumpyFiles.isArchive(file)) {
            Map<String, NumpyFiles.Array> arrays = NumpyFiles.readArchive(file);
            for (String name : arrays.keySet()) {
                if (!name.equals(GRADIENT)) {
                    throw new NpzFormatException(source, name, "unknown array '" + name + "' (expected " + GRADIENT + ")");
                }
            }
            a = arrays.get(GRADIENT);
            if (a == null) {
                throw new NpzFormatException(source, GRADIENT, "missing array " + GRADIENT);
            }
        } else {
            a = NumpyFiles.readArray(file, GRADIENT);
        }
        double[] v = a.values();
        for (int k = 0; k < v.length; k++) {
            if (!Double.isFinite(v[k])) {
                throw new NpzFormatException(source, GRADIENT, GRADIENT + " holds " + v[k] + " at flat index " + k
                        + "; every value must be finite");
            }
        }
        return a;
    }
}
