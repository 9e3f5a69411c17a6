package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;

/**
 * A dense array read from nested JSON arrays: its dimensions and its values, row-major and contiguous.
 * Reading is two steps: {@link #probe} measures the nesting along the first elements (which decides
 * shared vs batched), then {@link #read} walks every element against the chosen dimensions, so that a
 * ragged row or a stray value is reported at its own path.
 */
final class NestedArray {
    private final int[] dims;
    private final double[] values;

    private NestedArray(int[] dims, double[] values) {
        this.dims = dims;
        this.values = values;
    }

    int depth() {
        return dims.length;
    }

    int dim(int level) {
        return dims[level];
    }

    double[] values() {
        return values;
    }

    /**
     * The dimensions seen by descending through first elements. {@code open} is true when the descent
     * stopped at an empty array, so that deeper levels cannot be seen: {@code []} could be a vector of
     * length 0 or a matrix with 0 rows, and callers settle that from context.
     */
    record Probe(int[] dims, boolean open) {
        int depth() {
            return dims.length;
        }
    }

    static Probe probe(JsonNode node, String path) {
        if (!node.isArray()) {
            throw new JsonFormatException(path, "expected an array, got " + JsonPath.describe(node));
        }
        int[] dims = new int[0];
        JsonNode current = node;
        while (current.isArray()) {
            dims = Arrays.copyOf(dims, dims.length + 1);
            dims[dims.length - 1] = current.size();
            if (current.size() == 0) {
                return new Probe(dims, true);
            }
            current = current.get(0);
        }
        return new Probe(dims, false);
    }

    /**
     * Reads {@code node} as an array of exactly {@code dims}.
     *
     * @param hints appended to a size mismatch at each level, e.g. {@code " (ragged array)"} when the
     *              dimensions were measured from the file itself, {@code " (n = 3)"} when they are required
     */
    static NestedArray read(JsonNode node, String path, int[] dims, String[] hints) {
        long count = 1;
        for (int d : dims) {
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new JsonFormatException(path, "array too large: " + Arrays.toString(dims));
            }
        }
        Walker walker = new Walker(dims, hints, new double[(int) count]);
        walker.walk(node, path, 0);
        return new NestedArray(dims.clone(), walker.out);
    }

    /** Hints that call any size mismatch below the top level a ragged array. */
    static String[] raggedHints(int depth) {
        String[] hints = new String[depth];
        Arrays.fill(hints, " (ragged array)");
        return hints;
    }

    private static final class Walker {
        private final int[] dims;
        private final String[] hints;
        private final double[] out;
        private int next;

        Walker(int[] dims, String[] hints, double[] out) {
            this.dims = dims;
            this.hints = hints;
            this.out = out;
        }

        void walk(JsonNode node, String path, int level) {
            if (level == dims.length) {
                out[next++] = number(node, path);
                return;
            }
            if (!node.isArray()) {
                throw new JsonFormatException(path, "expected an array, got " + JsonPath.describe(node));
            }
            if (node.size() != dims[level]) {
                String what = level == 0 ? "array" : "row";
                throw new JsonFormatException(path, what + " has " + node.size() + " entries, expected " + dims[level]
                        + hints[level]);
            }
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), JsonPath.index(path, i), level + 1);
            }
        }

        private static double number(JsonNode node, String path) {
            if (node.isTextual()) {
                // NaN and infinities have no JSON spelling; people try strings, which we refuse by name.
                throw new JsonFormatException(path, "expected a number, got " + JsonPath.describe(node)
                        + " (strings, NaN and infinities are not accepted)");
            }
            if (!node.isNumber()) {
                throw new JsonFormatException(path, "expected a number, got " + JsonPath.describe(node));
            }
            double value = node.doubleValue();
            if (!Double.isFinite(value)) {
                // A JSON number can only be non-finite by overflowing a double, e.g. 1e999.
                throw new JsonFormatException(path, "number is not finite: too large for a double (overflows to "
                        + value + ")");
            }
            return value;
        }
    }
}
