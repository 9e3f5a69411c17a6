package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.InvalidProblemException;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A problems file (docs/DESIGN.md §6.2), read into either a {@link QpBatch} or a list of
 * {@link QpProblem}s.
 *
 * <p>The file is one of:
 * <ul>
 *   <li>a JSON object with keys {@code Q, p, G, h, A, b}: a batch. Each datum is a nested array,
 *       batched with a leading batch axis ({@code Q: [B][n][n]}, {@code p: [B][n]}, {@code G: [B][m][n]},
 *       {@code h: [B][m]}, {@code A: [B][q][n]}, {@code b: [B][q]}) or shared without it
 *       ({@code Q: [n][n]}, {@code p: [n]}, ...), told apart by nesting depth. {@code p} is required;
 *       {@code Q} may be absent (an LP); {@code G,h} and {@code A,b} may be absent, and a pair with
 *       zero rows counts as absent. A key whose value is {@code null} counts as absent.</li>
 *   <li>a JSON array of such objects without batch axes, one problem each, shapes free to differ.</li>
 * </ul>
 *
 * <pre>{@code
 * ProblemFile file = ProblemFile.read(Path.of("examples/problems/small-batch.json"));
 * if (file.isBatch()) { QpBatch batch = file.batch(); ... } else { List<QpProblem> list = file.problems(); ... }
 * }</pre>
 *
 * <p>Reading throws {@link JsonFormatException} for malformed JSON, naming the path of the first fault,
 * and {@link InvalidProblemException} (from {@link QpBatch.Builder#build()}) for well-formed data that do
 * not make a valid problem, naming the datum and the problem index.
 */
public final class ProblemFile {
    /** The data keys, in the order they are written. */
    static final List<String> KEYS = List.of("Q", "p", "G", "h", "A", "b");
    private static final Set<String> KEY_SET = Set.copyOf(KEYS);

    private final QpBatch batch;
    private final List<QpProblem> problems;

    private ProblemFile(QpBatch batch, List<QpProblem> problems) {
        this.batch = batch;
        this.problems = problems;
    }

    /** Reads and validates a problems file. */
    public static ProblemFile read(Path file) throws IOException {
        return fromTree(JsonFiles.readTree(file));
    }

    /** Parses and validates the text of a problems file. */
    public static ProblemFile parse(String json) {
        return fromTree(JsonFiles.parseTree(json));
    }

    /** Validates a problems file already parsed by Jackson. */
    public static ProblemFile fromTree(JsonNode root) {
        if (root.isObject()) {
            return new ProblemFile(readBatch(root), null);
        }
        if (root.isArray()) {
            return new ProblemFile(null, readProblems(root));
        }
        throw new JsonFormatException(JsonPath.ROOT, "expected an object (a batch) or an array of problems, got "
                + JsonPath.describe(root));
    }

    /** True when the file held one batch object, false when it held an array of problems. */
    public boolean isBatch() {
        return batch != null;
    }

    /** The batch; only when {@link #isBatch()}. */
    public QpBatch batch() {
        if (batch == null) {
            throw new IllegalStateException("the file holds an array of problems, not a batch");
        }
        return batch;
    }

    /** The problems, in file order (unmodifiable); only when not {@link #isBatch()}. */
    public List<QpProblem> problems() {
        if (problems == null) {
            throw new IllegalStateException("the file holds a batch, not an array of problems");
        }
        return problems;
    }

    /** The number of problems in the file: B for a batch, the array length otherwise. */
    public int size() {
        return batch != null ? batch.size() : problems.size();
    }

    // ---- reading ----

    private static QpBatch readBatch(JsonNode object) {
        try {
            return build(readData(object, JsonPath.ROOT, true));
        } catch (InvalidProblemException e) {
            throw e.at(location(JsonPath.ROOT, e, true));
        }
    }

    /**
     * The path of the value at fault: {@code $.Q[3]} for problem 3's Q in a batch, {@code $.Q} for a shared
     * or whole-datum fault, {@code $[2].Q} in an array of problems, the object itself for a batch-wide one.
     */
    private static String location(String object, InvalidProblemException e, boolean batched) {
        if (!KEY_SET.contains(e.datum())) {
            return object;
        }
        String datum = JsonPath.key(object, e.datum());
        return batched && e.problem() >= 0 ? JsonPath.index(datum, e.problem()) : datum;
    }

    private static List<QpProblem> readProblems(JsonNode array) {
        if (array.isEmpty()) {
            throw new JsonFormatException(JsonPath.ROOT, "the array of problems is empty");
        }
        List<QpProblem> list = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String path = JsonPath.index(JsonPath.ROOT, i);
            JsonNode element = array.get(i);
            if (!element.isObject()) {
                throw new JsonFormatException(path, "expected an object (one problem), got " + JsonPath.describe(element));
            }
            Datum[] data = readData(element, path, false);
            QpBatch one;
            try {
                one = build(data);
            } catch (InvalidProblemException e) {
                // The batch of one knows no index; the index that helps is this problem's place in the file.
                throw e.at(location(path, e, false), i);
            }
            list.add(one.problem(0)); // objective constant 0: the file format has none
        }
        return Collections.unmodifiableList(list);
    }

    /** The six data of one object in {@link #KEYS} order, null where absent. */
    private static Datum[] readData(JsonNode object, String path, boolean allowBatched) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            String key = fields.next().getKey();
            if (!KEY_SET.contains(key)) {
                throw new JsonFormatException(JsonPath.key(path, key), "unknown key (expected Q, p, G, h, A, b)");
            }
        }
        JsonNode pNode = present(object.get("p"));
        if (pNode == null) {
            throw new JsonFormatException(path, "missing key \"p\" (the linear term is required; it fixes n)");
        }
        Datum p = DatumReader.read(pNode, JsonPath.key(path, "p"), DatumReader.Kind.VECTOR, allowBatched, -1);
        int n = p.rows();
        Datum[] data = new Datum[KEYS.size()];
        for (int k = 0; k < KEYS.size(); k++) {
            String name = KEYS.get(k);
            JsonNode node = present(object.get(name));
            if (name.equals("p")) {
                data[k] = p;
            } else if (node != null) {
                data[k] = DatumReader.read(node, JsonPath.key(path, name), DatumReader.Kind.of(name), allowBatched, n);
            }
        }
        return data;
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    /**
     * Hands the data (in {@link #KEYS} order, null where absent) to the validating builder; semantic faults
     * surface as InvalidProblemException. Also the last step of reading an {@code .npz} ({@link NumpyInput}).
     */
    static QpBatch build(Datum[] d) {
        Datum Q = d[0], p = d[1], G = d[2], h = d[3], A = d[4], b = d[5];
        int droppedBatch = 0;
        // A pair with zero rows is the same problem as an absent pair, and QpBatch promises null G,h when m = 0.
        if (G != null && h != null && G.rows() == 0 && h.rows() == 0) {
            droppedBatch = Math.max(droppedBatch, Math.max(G.batchSize(), h.batchSize()));
            G = h = null;
        }
        if (A != null && b != null && A.rows() == 0 && b.rows() == 0) {
            droppedBatch = Math.max(droppedBatch, Math.max(A.batchSize(), b.batchSize()));
            A = b = null;
        }
        QpBatch.Builder builder = QpBatch.builder().Q(Q).p(p).G(G).h(h).A(A).b(b);
        boolean anyBatched = false;
        for (Datum datum : new Datum[] {Q, p, G, h, A, b}) {
            anyBatched |= datum != null && !datum.isShared();
        }
        if (droppedBatch > 0 && !anyBatched) {
            builder.size(droppedBatch); // the dropped pair was the only thing that said how many problems
        }
        return builder.build();
    }

    // ---- writing ----

    /**
     * The JSON tree of a batch in this format, shared data without a batch axis. Q is always written
     * (QpBatch turns an absent Q into a shared zero matrix). Round-trips through {@link #fromTree}.
     */
    public static ObjectNode toTree(QpBatch batch) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        Datum[] data = {batch.Q(), batch.p(), batch.G(), batch.h(), batch.A(), batch.b()};
        for (int k = 0; k < KEYS.size(); k++) {
            if (data[k] != null) {
                root.set(KEYS.get(k), datumTree(data[k], DatumReader.Kind.of(KEYS.get(k))));
            }
        }
        return root;
    }

    /**
     * The JSON tree of a list of single problems in this format. Each problem's objective constant is
     * not part of the format and is dropped.
     */
    public static ArrayNode toTree(List<QpProblem> problems) {
        ArrayNode root = JsonNodeFactory.instance.arrayNode();
        for (QpProblem problem : problems) {
            root.add(toTree(problem.asBatch()));
        }
        return root;
    }

    /** Writes a batch as a problems file, atomically. */
    public static void write(QpBatch batch, Path file) throws IOException {
        JsonFiles.writeAtomically(file, toTree(batch));
    }

    /** Writes a list of single problems as a problems file, atomically. */
    public static void write(List<QpProblem> problems, Path file) throws IOException {
        JsonFiles.writeAtomically(file, toTree(problems));
    }

    private static ArrayNode datumTree(Datum d, DatumReader.Kind kind) {
        int[] perProblem = kind == DatumReader.Kind.VECTOR ? new int[] {d.rows()} : new int[] {d.rows(), d.cols()};
        if (d.isShared()) {
            return Trees.nested(d.values(), 0, perProblem);
        }
        int[] dims = new int[perProblem.length + 1];
        dims[0] = d.batchSize();
        System.arraycopy(perProblem, 0, dims, 1, perProblem.length);
        return Trees.nested(d.values(), 0, dims);
    }
}
