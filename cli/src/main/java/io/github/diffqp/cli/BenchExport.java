package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.benchmarks.BenchCase;
import io.github.diffqp.benchmarks.Comparison;
import io.github.diffqp.benchmarks.Row;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.SolverOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code diffqp bench --export DIR}: the comparison's cases as files, for the peers outside the JVM
 * ({@code benchmarks/peers/run_peers.py}: qpth, qpax, cvxpylayers) to run on the very same problems. For
 * each case {@code NAME}:
 * <ul>
 *   <li>{@code NAME.problems.json} — the batch, in the problems-file format of {@code diffqp solve}
 *       (shared data without a batch axis);</li>
 *   <li>{@code NAME.dl_dx.json} — the fixed loss gradient {@code {"dl_dx": [B][n]}} of the backward;</li>
 *   <li>{@code NAME.diffqp.json} — DiffQP's solution file for it, as {@code diffqp solve --grad} writes it:
 *       x, λ, ν, ... and {@code dQ dp dG dh dA db} (a shared datum's gradient is the batch sum).</li>
 * </ul>
 * and {@code manifest.json}, which lists the cases with their files, shapes, which data are shared, and
 * DiffQP's median forward and backward seconds from the run, so the script can print ratios.
 */
final class BenchExport {
    /** The index file's name. */
    static final String MANIFEST = "manifest.json";

    /** p, h and b are vectors; the rest are matrices (a one-column G is still a matrix in the file). */

    private BenchExport() {
    }

    /**
     * Writes every case's files and the manifest into {@code dir} (created if absent).
     *
     * @param rows    the comparison's rows (DiffQP's times for the manifest); may be empty
     * @param options DiffQP's settings for the exported solutions
     */
    static void write(Path dir, List<BenchCase> cases, List<Row> rows, SolverOptions options, String machine,
                      String command) throws IOException {
        Files.createDirectories(dir);
        ObjectNode manifest = JsonNodeFactory.instance.objectNode();
        manifest.put("diffqp_version", Version.version());
        manifest.put("machine", machine);
        manifest.put("command", command);
        manifest.put("loss", "l = sum over problems i of dl_dx[i] . x[i]");
        manifest.put("shared_gradients", "sum over the batch");
        manifest.put("diffqp_backend", options.backend());
        manifest.put("diffqp_tolerance", options.tolerance());
        ArrayNode list = manifest.putArray("cases");
        for (BenchCase c : cases) {
            String problems = c.name() + ".problems.json", dlDx = c.name() + ".dl_dx.json", solution = c.name()
                    + ".diffqp.json";
            ProblemFile.write(c.batch(), dir.resolve(problems));
            ObjectNode grad = JsonNodeFactory.instance.objectNode();
            grad.set(GradientFile.KEY, Trees.nested(c.dlDx(), 0, c.size(), c.n()));
            JsonFiles.writeAtomically(dir.resolve(dlDx), grad);
            solutionFile(c, options).write(dir.resolve(solution));

            ObjectNode entry = list.addObject();
            entry.put("case", c.name());
            entry.put("spec", c.spec());
            entry.put("description", c.description());
            entry.put("batch", c.size());
            entry.put("n", c.n());
            entry.put("m", c.m());
            entry.put("q", c.q());
            ArrayNode shared = entry.putArray("shared");
            for (Parameter p : Parameter.values()) {
                Datum d = p.of(c.batch());
                if (d != null && d.isShared()) {
                    shared.add(p.symbol());
                }
            }
            entry.put("problems", problems);
            entry.put("dl_dx", dlDx);
            entry.put("diffqp", solution);
            Row diffqp = rows.stream().filter(r -> r.caseName().equals(c.name()) && r.solver().equals(Comparison.DIFFQP))
                    .findFirst().orElse(null);
            putSeconds(entry, "diffqp_forward_seconds", diffqp == null ? Double.NaN : diffqp.secondsPerBatch());
            putSeconds(entry, "diffqp_backward_seconds", diffqp == null ? Double.NaN : diffqp.backwardSeconds());
        }
        JsonFiles.writeAtomically(dir.resolve(MANIFEST), manifest);
    }

    /** DiffQP's solution file of a case with the gradients for its dl/dx, as {@code diffqp solve --grad} writes it. */
    static SolutionFile solutionFile(BenchCase c, SolverOptions options) {
        try (LayerForward forward = new QpLayer(options).forward(c.batch())) {
            Gradients gradients = forward.backward(c.dlDx());
            SolutionFile file = SolutionFile.forBatch(forward.solution()).putGradients(gradients);
            return file;
        }
    }

    private static void putSeconds(ObjectNode entry, String key, double seconds) {
        if (Double.isFinite(seconds)) {
            entry.put(key, seconds);
        } else {
            entry.putNull(key);
        }
    }
}
