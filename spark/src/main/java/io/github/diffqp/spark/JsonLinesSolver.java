package io.github.diffqp.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.cli.GradientFile;
import io.github.diffqp.cli.JsonFiles;
import io.github.diffqp.cli.ProblemFile;
import io.github.diffqp.cli.SolutionFile;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.SolverOptions;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON Lines form of the job (docs/DESIGN.md §5.5): each input line one JSON object holding one problem
 * ({@code Q p G h A b} without a batch axis, read by the CLI's problems-file reader, so with its rules and
 * its messages), an optional {@code "id"} of any JSON type, and with gradients {@code dl_dx}. Each output
 * line is that problem's entry of a solution file ({@link SolutionFile}: {@code x lambda nu objective status
 * iterations ...}, with gradients {@code dQ dp dG dh dA db}) after the same {@code id}, and a
 * {@code message} when not solved. A malformed line is answered {@code {"id": ..., "status": "invalid",
 * "message": ...}} and the job goes on. Lines keep their order: within a partition by construction, across
 * partitions by the part files' names.
 */
final class JsonLinesSolver {
    static final String ID = "id";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLinesSolver() {
    }

    /** A line read: its id (null when it has none) and its problem. */
    record Line(JsonNode id, RowProblem problem) {
    }

    /** Every line's answer line, in order. */
    static JavaRDD<String> solve(JavaRDD<String> lines, SolveSettings settings, Broadcast<SharedData> shared,
                                 boolean backward) {
        FlatMapFunction<java.util.Iterator<String>, String> work = in -> {
            Map<String, ArrayNode> sharedJson = shared.value().asJson();
            SolverOptions options = settings.options();
            return PartitionSolver.inChunks(in, settings.rowsPerChunk(), chunk -> {
                List<Line> read = new ArrayList<>(chunk.size());
                List<RowProblem> problems = new ArrayList<>(chunk.size());
                for (String text : chunk) {
                    Line line = read(text, sharedJson, backward);
                    read.add(line);
                    problems.add(line.problem());
                }
                List<RowResult> results = PartitionSolver.solve(problems, options, backward);
                List<String> out = new ArrayList<>(chunk.size());
                for (int i = 0; i < chunk.size(); i++) {
                    out.add(write(read.get(i).id(), results.get(i)));
                }
                return out;
            });
        };
        return lines.mapPartitions(work);
    }

    /** One line's id and problem, or what is wrong with it. */
    static Line read(String text, Map<String, ArrayNode> shared, boolean backward) {
        JsonNode id = null;
        try {
            if (text.isBlank()) {
                return new Line(null, RowProblem.malformed("$: empty line (expected one problem object)"));
            }
            JsonNode root = JsonFiles.parseTree(text);
            if (!root.isObject()) {
                return new Line(null, RowProblem.malformed("$: expected an object (one problem)"));
            }
            ObjectNode object = (ObjectNode) root;
            id = object.remove(ID);
            JsonNode dlDx = object.remove(GradientFile.KEY);
            QpBatch one = ProblemFile.fromTree(SharedData.fillIn(object, shared)).batch();
            for (Parameter p : Parameter.values()) {
                Datum d = p.of(one);
                if (d != null && !d.isShared()) {
                    return new Line(id, RowProblem.malformed("$." + p.symbol() + ": a batch axis; a line holds one "
                            + "problem, each datum without one"));
                }
            }
            double[] gradient = null;
            if (backward) {
                ObjectNode holder = JsonNodeFactory.instance.objectNode();
                if (dlDx != null) {
                    holder.set(GradientFile.KEY, dlDx);
                }
                gradient = GradientFile.fromTree(holder, 1, one.n());
            }
            return new Line(id, RowProblem.of(one.problem(0), gradient));
        } catch (IllegalArgumentException e) { // JsonFormatException, InvalidProblemException
            return new Line(id, RowProblem.malformed(e.getMessage()));
        }
    }

    /** The answer line: the id, then the solution entry (with gradients) or the status, then any message. */
    static String write(JsonNode id, RowResult result) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        if (id != null) {
            line.set(ID, id);
        }
        if (result.solution() != null) {
            SolutionFile file = SolutionFile.forProblems(List.of(result.solution()));
            SolutionFile.Entry entry = file.problem(0);
            if (result.gradients() != null) {
                result.gradients().forEach((p, d) -> {
                    if (p.isVector()) {
                        entry.putVector(p.gradientKey(), d.values());
                    } else {
                        entry.putMatrix(p.gradientKey(), d.values(), d.rows(), d.cols());
                    }
                });
            }
            line.setAll((ObjectNode) file.toTree().get(0));
        } else {
            line.put("status", result.status());
        }
        if (result.message() != null) {
            line.put("message", result.message());
        }
        try {
            return MAPPER.writeValueAsString(line); // one line: non-finite numbers as "NaN", as in solution files
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
