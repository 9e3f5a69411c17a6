package io.github.diffqp.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.diffqp.cli.JsonFiles;

import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data that every row of a table shares (a learned G or A, say): given once to the job, broadcast to the
 * executors once, and used for every row whose own column for that datum is absent or null. Matrices are
 * {@code double[rows][cols]}, vectors {@code double[]}; the arrays are not copied.
 *
 * <pre>{@code
 * SharedData shared = SharedData.none().with("G", G).with("h", h);
 * Dataset<Row> solved = new SparkQpSolver(SolveSettings.defaults()).withShared(shared).solve(problems);
 * }</pre>
 */
public final class SharedData implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The data, in the order the file formats write them. */
    static final List<String> NAMES = List.of("Q", "p", "G", "h", "A", "b");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, double[][]> matrices;
    private final Map<String, double[]> vectors;

    private SharedData(Map<String, double[][]> matrices, Map<String, double[]> vectors) {
        this.matrices = matrices;
        this.vectors = vectors;
    }

    /** Nothing shared: every row carries all its data. */
    public static SharedData none() {
        return new SharedData(Map.of(), Map.of());
    }

    /** This and matrix {@code name} (Q, G or A), which must be rectangular and finite. */
    public SharedData with(String name, double[][] matrix) {
        if (!isMatrix(name)) {
            throw new IllegalArgumentException("shared " + name + ": not a matrix datum (Q, G, A)");
        }
        for (int r = 0; r < matrix.length; r++) {
            if (matrix[r].length != matrix[0].length) {
                throw new IllegalArgumentException("shared " + name + ": row " + r + " has " + matrix[r].length
                        + " entries, row 0 has " + matrix[0].length);
            }
            requireFinite(name + "[" + r + "]", matrix[r]);
        }
        Map<String, double[][]> m = new LinkedHashMap<>(matrices);
        m.put(name, matrix);
        return new SharedData(m, vectors);
    }

    /** This and vector {@code name} (p, h or b), which must be finite. */
    public SharedData with(String name, double[] vector) {
        if (!NAMES.contains(name) || isMatrix(name)) {
            throw new IllegalArgumentException("shared " + name + ": not a vector datum (p, h, b)");
        }
        requireFinite(name, vector);
        Map<String, double[]> v = new LinkedHashMap<>(vectors);
        v.put(name, vector);
        return new SharedData(matrices, v);
    }

    /**
     * Reads shared data from a JSON object with any of the keys Q, p, G, h, A, b, without a batch axis
     * (e.g. {@code {"G": [[1, 0], [0, 1]], "h": [1, 1]}}), read as strictly as a problems file.
     */
    public static SharedData fromJson(String json) {
        JsonNode root = JsonFiles.parseTree(json);
        if (!root.isObject()) {
            throw new IllegalArgumentException("shared data: expected an object with keys Q, p, G, h, A, b");
        }
        SharedData shared = none();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String name = e.getKey();
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("shared data: unknown key \"" + name + "\" (expected Q, p, G, h, A, b)");
            }
            try {
                shared = isMatrix(name) ? shared.with(name, MAPPER.treeToValue(e.getValue(), double[][].class))
                        : shared.with(name, MAPPER.treeToValue(e.getValue(), double[].class));
            } catch (JsonProcessingException ex) {
                throw new IllegalArgumentException("shared data: " + name + " is not a "
                        + (isMatrix(name) ? "matrix [rows][cols]" : "vector") + " of numbers: " + ex.getOriginalMessage());
            }
        }
        return shared;
    }

    static boolean isMatrix(String name) {
        return name.equals("Q") || name.equals("G") || name.equals("A");
    }

    public boolean has(String name) {
        return matrices.containsKey(name) || vectors.containsKey(name);
    }

    public boolean isEmpty() {
        return matrices.isEmpty() && vectors.isEmpty();
    }

    /** Shared matrix {@code name}, or null. */
    public double[][] matrix(String name) {
        return matrices.get(name);
    }

    /** Shared vector {@code name}, or null. */
    public double[] vector(String name) {
        return vectors.get(name);
    }

    /** The shared data as JSON arrays, keyed by name, for filling in a JSON Lines problem. */
    Map<String, ArrayNode> asJson() {
        Map<String, ArrayNode> out = new LinkedHashMap<>();
        matrices.forEach((name, m) -> out.put(name, MAPPER.valueToTree(m)));
        vectors.forEach((name, v) -> out.put(name, MAPPER.valueToTree(v)));
        return out;
    }

    /** {@code object} with every shared datum it lacks (absent or null) filled in; the tree is changed. */
    static ObjectNode fillIn(ObjectNode object, Map<String, ArrayNode> json) {
        json.forEach((name, value) -> {
            JsonNode own = object.get(name);
            if (own == null || own.isNull()) {
                object.set(name, value);
            }
        });
        return object;
    }

    private static void requireFinite(String what, double[] values) {
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                throw new IllegalArgumentException("shared " + what + "[" + k + "] is " + values[k]);
            }
        }
    }
}
