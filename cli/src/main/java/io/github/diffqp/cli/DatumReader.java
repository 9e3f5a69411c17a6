package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffqp.solver.Datum;

/**
 * Reads one datum of a problems file (Q, p, G, h, A or b) into a {@link Datum}, deciding shared vs
 * batched by nesting depth: a vector is {@code [n]} shared or {@code [B][n]} batched, a matrix
 * {@code [r][c]} shared or {@code [B][r][c]} batched.
 */
final class DatumReader {
    private DatumReader() {
    }

    /** Whether a datum is a vector (p, h, b) or a matrix (Q, G, A). */
    enum Kind {
        VECTOR(1), MATRIX(2);

        final int sharedDepth;

        Kind(int sharedDepth) {
            this.sharedDepth = sharedDepth;
        }

        static Kind of(String name) {
            return switch (name) {
                case "p", "h", "b" -> VECTOR;
                case "Q", "G", "A" -> MATRIX;
                default -> throw new IllegalArgumentException("not a datum: " + name);
            };
        }
    }

    /**
     * @param allowBatched false inside an array of single problems, where no datum has a batch axis
     * @param n            the number of variables when known (from p), else -1; it fills in the column
     *                     count of an empty matrix, which the file cannot show
     */
    static Datum read(JsonNode node, String path, Kind kind, boolean allowBatched, int n) {
        NestedArray.Probe probe = NestedArray.probe(node, path);
        int[] dims = resolve(probe, path, kind, allowBatched, n);
        NestedArray array = NestedArray.read(node, path, dims, NestedArray.raggedHints(dims.length));
        boolean shared = dims.length == kind.sharedDepth;
        double[] v = array.values();
        if (kind == Kind.VECTOR) {
            return shared ? Datum.sharedVector(v) : Datum.batchedVector(dims[0], dims[1], v);
        }
        return shared ? Datum.shared(dims[0], dims[1], v) : Datum.batched(dims[0], dims[1], dims[2], v);
    }

    /** The dimensions to read with: the probed ones, completed when an empty array hides deeper levels. */
    private static int[] resolve(NestedArray.Probe probe, String path, Kind kind, boolean allowBatched, int n) {
        int shared = kind.sharedDepth;
        int max = allowBatched ? shared + 1 : shared;
        int depth = probe.depth();
        int[] seen = probe.dims();
        if (!probe.open()) {
            if (depth != shared && depth != max) {
                throw depthError(path, kind, allowBatched, depth);
            }
            return seen;
        }
        // The descent met an empty array at level `depth`, so the true depth is `depth` or more.
        if (depth > max) {
            throw depthError(path, kind, allowBatched, depth);
        }
        int cols = Math.max(n, 0);
        if (kind == Kind.VECTOR) {
            return depth == 1 ? new int[] {0} : new int[] {seen[0], 0};
        }
        return switch (depth) {
            case 1 -> new int[] {0, cols};                       // [] : no rows
            // [[], []] is B problems with no rows, or rows with no columns; only the first fits n > 0.
            case 2 -> allowBatched && n > 0 ? new int[] {seen[0], 0, cols} : new int[] {seen[0], 0};
            default -> new int[] {seen[0], seen[1], 0};          // [[[], ...]] : rows of zero columns
        };
    }

    private static JsonFormatException depthError(String path, Kind kind, boolean allowBatched, int found) {
        int shared = kind.sharedDepth;
        String expected = allowBatched
                ? "expected " + shared + " or " + (shared + 1) + " levels of nesting"
                : "expected " + shared + (shared == 1 ? " level" : " levels") + " of nesting (no batch axis in an array of problems)";
        return new JsonFormatException(path, expected + ", found " + found);
    }
}
