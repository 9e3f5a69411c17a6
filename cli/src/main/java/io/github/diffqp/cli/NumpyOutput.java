package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.Status;
import org.openlca.npy.NpyArray;
import org.openlca.npy.NpyBooleanArray;
import org.openlca.npy.NpyDoubleArray;
import org.openlca.npy.NpyIntArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A solution file as an {@code .npz} archive (docs/DESIGN.md §6.6), written from the same content as the
 * JSON solution file ({@link SolutionFile#toTree()}), key for key: {@code x (B, n)}, {@code lambda (B, m)},
 * {@code nu (B, q)}, {@code objective (B,)}, {@code status (B,)}, {@code iterations (B,)}, {@code slack},
 * {@code primal_residual}, {@code dual_residual}, {@code gap}, {@code polished (B,)}, {@code degenerate (B,)}
 * and, after a backward, the gradients {@code dQ dp dG dh dA db}, each shaped like its input.
 *
 * <p>dtypes: float64 throughout, except {@code iterations} (int32), {@code polished} and {@code degenerate}
 * (bool) and {@code status}, which is an int32 code, {@link #STATUS_CODES}: 0 solved, 1 max_iterations,
 * 2 primal_infeasible, 3 dual_infeasible, 4 numerical_error. (The NPY library writes a string only as a
 * single scalar, not as an array of B labels, hence codes.) Non-finite values are written as IEEE NaN and
 * infinities, which the format holds natively.
 *
 * <p>A list of single problems (a JSON array, a QPS file) is written stacked along a leading axis, which
 * needs every problem to have one shape (n, m, q); {@link #requireOneShape} checks that before the solve.
 */
final class NumpyOutput {
    /** The status codes of an {@code .npz} solution file: a status's code is its index here. */
    static final List<Status> STATUS_CODES = List.of(Status.SOLVED, Status.MAX_ITERATIONS, Status.PRIMAL_INFEASIBLE,
            Status.DUAL_INFEASIBLE, Status.NUMERICAL_ERROR);

    private NumpyOutput() {
    }

    /** True when {@code file} is to be written as NumPy: a name ending in {@code .npz}, in any case. */
    static boolean handles(Path file) {
        return NumpyFiles.isArchive(file);
    }

    /**
     * Refuses, before any work, an {@code .npz} solution for problems of different shapes, which no stack of
     * arrays can hold. Nothing to check for other targets.
     */
    static void requireOneShape(Path out, List<QpProblem> problems) {
        if (!handles(out)) {
            return;
        }
        QpProblem first = problems.get(0);
        for (int i = 1; i < problems.size(); i++) {
            QpProblem other = problems.get(i);
            if (other.n() != first.n() || other.m() != first.m() || other.q() != first.q()) {
                throw CliException.usage("--out '" + out + "': an .npz solution stacks the problems along one axis, but "
                        + "problem " + i + " has (n, m, q) = (" + other.n() + ", " + other.m() + ", " + other.q()
                        + ") and problem 0 (" + first.n() + ", " + first.m() + ", " + first.q()
                        + "); write a .json solution instead", null);
            }
        }
    }

    /**
     * Writes a solution file's tree (a batch object, or an array of problem objects of one shape, which is
     * stacked) as an {@code .npz} archive, atomically.
     */
    static void write(JsonNode tree, Path file) throws IOException {
        Map<String, NpyArray<?>> arrays = new LinkedHashMap<>();
        if (tree.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = tree.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                arrays.put(field.getKey(), array(field.getKey(), List.of(field.getValue()), false));
            }
        } else {
            List<JsonNode> entries = new ArrayList<>();
            tree.forEach(entries::add);
            Iterator<String> names = entries.get(0).fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                arrays.put(name, array(name, entries.stream().map(e -> requireKey(e, name)).toList(), true));
            }
        }
        NumpyFiles.writeArchive(file, arrays);
    }

    private static JsonNode requireKey(JsonNode entry, String name) {
        JsonNode value = entry.get(name);
        if (value == null) {
            throw new IllegalArgumentException("solution entries differ in their keys: one lacks '" + name + "'");
        }
        return value;
    }

    /**
     * The array of {@code parts}, each a nested JSON array (or a scalar) of one shape; {@code stacked} puts
     * them along a new leading axis, otherwise there is exactly one part.
     */
    private static NpyArray<?> array(String name, List<JsonNode> parts, boolean stacked) {
        int[] partShape = shape(parts.get(0));
        List<JsonNode> leaves = new ArrayList<>();
        for (JsonNode part : parts) {
            int[] s = shape(part);
            if (!Arrays.equals(s, partShape)) {
                throw new IllegalArgumentException(name + ": solution entries differ in shape, "
                        + NumpyFiles.Array.shapeText(s) + " and " + NumpyFiles.Array.shapeText(partShape));
            }
            flatten(part, leaves);
        }
        int[] shape = partShape;
        if (stacked) {
            shape = new int[partShape.length + 1];
            shape[0] = parts.size();
            System.arraycopy(partShape, 0, shape, 1, partShape.length);
        }
        int size = leaves.size();
        switch (name) {
            case "status" -> {
                int[] codes = new int[size];
                for (int k = 0; k < size; k++) {
                    codes[k] = STATUS_CODES.indexOf(Status.fromLabel(leaves.get(k).textValue()));
                }
                return new NpyIntArray(shape, codes, false);
            }
            case "iterations" -> {
                int[] counts = new int[size];
                for (int k = 0; k < size; k++) {
                    counts[k] = leaves.get(k).intValue();
                }
                return new NpyIntArray(shape, counts, false);
            }
            case "polished", "degenerate" -> {
                boolean[] flags = new boolean[size];
                for (int k = 0; k < size; k++) {
                    flags[k] = leaves.get(k).booleanValue();
                }
                return new NpyBooleanArray(shape, flags, false);
            }
            default -> {
                double[] values = new double[size];
                for (int k = 0; k < size; k++) {
                    JsonNode leaf = leaves.get(k);
                    // SolutionFile spells non-finite numbers as strings ("NaN", "Infinity", "-Infinity"), as JSON must.
                    values[k] = leaf.isTextual() ? Double.parseDouble(leaf.textValue()) : leaf.doubleValue();
                }
                return new NpyDoubleArray(shape, values, false);
            }
        }
    }

    /** The shape of a regular nested array, read along first elements; a scalar has shape (). */
    private static int[] shape(JsonNode node) {
        List<Integer> dims = new ArrayList<>();
        for (JsonNode at = node; at.isArray(); at = at.get(0)) {
            dims.add(at.size());
            if (at.isEmpty()) {
                break;
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void flatten(JsonNode node, List<JsonNode> leaves) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, leaves));
        } else {
            leaves.add(node);
        }
    }
}
