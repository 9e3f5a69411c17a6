package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A gradient file (docs/DESIGN.md §6.4): the loss gradient with respect to the solution,
 * {@code {"dl_dx": [B][n]}}, read against the shape of the problems it belongs to.
 *
 * <ul>
 *   <li>For a batch of B problems: {@code {"dl_dx": [B][n]}}; when B = 1 also {@code {"dl_dx": [n]}}.
 *       See {@link #read(Path, int, int)}.</li>
 *   <li>For an array of single problems of sizes {@code n[0], n[1], ...}: an array of such objects in
 *       the same order, {@code [{"dl_dx": [n0]}, {"dl_dx": [n1]}, ...]}, or one object whose rows
 *       differ in length, {@code {"dl_dx": [[...n0...], [...n1...], ...]}}. See
 *       {@link #readPerProblem(Path, int[])}. A single problem (a QPS file) also takes {@code {"dl_dx": [n]}}.</li>
 * </ul>
 *
 * A name ending in {@code .npy} or {@code .npz} is read as NumPy instead ({@link NumpyInput}).
 *
 * Faults throw {@link JsonFormatException} naming the path, e.g.
 * {@code $.dl_dx[2]: row has 4 entries, expected 3 (n = 3)}.
 */
public final class GradientFile {
    /** The one key of a gradient object. */
    public static final String KEY = "dl_dx";

    private GradientFile() {
    }

    /** Reads the gradient of a batch of {@code batch} problems of {@code n} variables: B·n values, row-major. */
    public static double[] read(Path file, int batch, int n) throws IOException {
        if (NumpyInput.isNumpy(file)) {
            return NumpyInput.readGradient(file, batch, n);
        }
        return fromTree(JsonFiles.readTree(file), batch, n);
    }

    /** {@link #read(Path, int, int)} from text. */
    public static double[] parse(String json, int batch, int n) {
        return fromTree(JsonFiles.parseTree(json), batch, n);
    }

    /** {@link #read(Path, int, int)} from a tree. */
    public static double[] fromTree(JsonNode root, int batch, int n) {
        if (batch < 1 || n < 0) {
            throw new IllegalArgumentException("batch " + batch + ", n " + n);
        }
        JsonNode node = gradientOf(root, JsonPath.ROOT);
        String path = JsonPath.key(JsonPath.ROOT, KEY);
        // [n] is accepted for a single problem, where a batch axis of one is easy to forget.
        if (batch == 1 && NestedArray.probe(node, path).depth() == 1) {
            return vector(node, path, n);
        }
        requireDepth(node, path, 2, "[B][n] with B = " + batch + ", n = " + n + (batch == 1 ? ", or [n]" : ""));
        return NestedArray.read(node, path, new int[] {batch, n},
                new String[] {" (one row per problem, B = " + batch + ")", " (n = " + n + ")"}).values();
    }

    /**
     * Reads the gradients of an array of single problems, problem {@code i} having {@code n[i]} variables.
     *
     * @return one array per problem, in order
     */
    public static List<double[]> readPerProblem(Path file, int[] n) throws IOException {
        if (NumpyInput.isNumpy(file)) {
            return NumpyInput.readGradientPerProblem(file, n);
        }
        return fromTreePerProblem(JsonFiles.readTree(file), n);
    }

    /** {@link #readPerProblem(Path, int[])} from text. */
    public static List<double[]> parsePerProblem(String json, int[] n) {
        return fromTreePerProblem(JsonFiles.parseTree(json), n);
    }

    /** {@link #readPerProblem(Path, int[])} from a tree. */
    public static List<double[]> fromTreePerProblem(JsonNode root, int[] n) {
        List<double[]> out = new ArrayList<>(n.length);
        if (root.isArray()) {
            if (root.size() != n.length) {
                throw new JsonFormatException(JsonPath.ROOT, "array has " + root.size() + " entries, expected "
                        + n.length + " (one per problem)");
            }
            for (int i = 0; i < n.length; i++) {
                String at = JsonPath.index(JsonPath.ROOT, i);
                JsonNode node = gradientOf(root.get(i), at);
                String path = JsonPath.key(at, KEY);
                requireDepth(node, path, 1, "[n] with n = " + n[i]);
                out.add(vector(node, path, n[i]));
            }
            return Collections.unmodifiableList(out);
        }
        JsonNode node = gradientOf(root, JsonPath.ROOT);
        String path = JsonPath.key(JsonPath.ROOT, KEY);
        if (n.length == 1 && NestedArray.probe(node, path).depth() == 1) {
            // One problem (a QPS file, an array of one): [n] as for a batch of one.
            return List.of(vector(node, path, n[0]));
        }
        requireDepth(node, path, 2, "one row per problem" + (n.length == 1 ? ", or [n] for the one problem" : ""));
        if (node.size() != n.length) {
            throw new JsonFormatException(path, "array has " + node.size() + " entries, expected " + n.length
                    + " (one row per problem)");
        }
        for (int i = 0; i < n.length; i++) {
            String row = JsonPath.index(path, i);
            // Rows differ in length here, so each is read on its own against its problem's n.
            out.add(NestedArray.read(node.get(i), row, new int[] {n[i]}, new String[] {" (problem " + i + " has n = "
                    + n[i] + ")"}).values());
        }
        return Collections.unmodifiableList(out);
    }

    /** One problem's gradient: a flat array of exactly {@code n} numbers at {@code path}. */
    private static double[] vector(JsonNode node, String path, int n) {
        return NestedArray.read(node, path, new int[] {n}, new String[] {" (n = " + n + ")"}).values();
    }

    /** The dl_dx value of a gradient object, refusing other keys. */
    private static JsonNode gradientOf(JsonNode object, String path) {
        if (!object.isObject()) {
            throw new JsonFormatException(path, "expected an object with key \"" + KEY + "\", got "
                    + JsonPath.describe(object));
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            String key = fields.next().getKey();
            if (!key.equals(KEY)) {
                throw new JsonFormatException(JsonPath.key(path, key), "unknown key (expected \"" + KEY + "\")");
            }
        }
        JsonNode node = object.get(KEY);
        if (node == null || node.isNull()) {
            throw new JsonFormatException(path, "missing key \"" + KEY + "\"");
        }
        return node;
    }

    private static void requireDepth(JsonNode node, String path, int depth, String what) {
        NestedArray.Probe probe = NestedArray.probe(node, path);
        boolean fits = probe.open() ? probe.depth() <= depth : probe.depth() == depth;
        if (!fits) {
            throw new JsonFormatException(path, "expected " + depth + (depth == 1 ? " level" : " levels")
                    + " of nesting (" + what + "), found " + probe.depth());
        }
    }
}
