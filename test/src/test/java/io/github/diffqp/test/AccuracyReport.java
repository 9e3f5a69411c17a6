package io.github.diffqp.test;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.benchmarks.BenchCase;
import io.github.diffqp.benchmarks.Cases;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Prints, as markdown, how far DiffQP's forward (x, λ, ν) and backward (∂Q … ∂b) at default options are
 * from exact answers computed by {@link ActiveSetReference}. Not a test: a measurement to compare two
 * versions of the solver, run by {@code accuracy.sh}.
 *
 * <p>Families: planted problems ({@link PlantedQp}, answer known by construction), once with every datum
 * per problem and once with Q, G, A shared; and the OptNet timing workload of the benchmarks, whose
 * active set is read off a tolerance-1e-12 DiffQP solve (rows with λ > s) before the reference computes
 * the exact answer for that active set.
 *
 * <p>Each error is ‖ours − ref‖∞ / ‖ref‖∞ per problem (the absolute difference where ref = 0; NaN counts
 * as ∞), shown as worst / median over the batch and over every problem, solved or not. A shared datum's
 * gradient is one sum over the batch, so it has a single error.
 */
public final class AccuracyReport {
    /** Batch sizes and shapes of the families. */
    private static final int PLANTED_B = 64, PLANTED_N = 100, PLANTED_M = 100, PLANTED_Q = 5;
    private static final int OPTNET_B = 128;
    private static final SolverOptions TIGHT = SolverOptions.defaults().withTolerance(1e-12).withMaxIterations(200);
    /** Slack in deciding whether a reference active set is optimal (λ_𝒜 ≥ −tol, Gx − h ≤ tol off 𝒜). */
    private static final double OPTIMALITY_TOL = 1e-9;
    /** A gradient error above this is a wrong gradient, not solver noise (what the "bad grad" column counts). */
    private static final double BAD_GRADIENT = 1e-3;

    /** What is compared: the forward's outputs, then the gradients. */
    private static final List<String> COLUMNS = List.of("x", "λ", "ν", "dQ", "dp", "dG", "dh", "dA", "db");

    /** A workload: its batch, the active set of each problem, and dl/dx (B×n stacked). */
    private record Family(String name, QpBatch batch, boolean[][] active, double[] dlDx) {
    }

    private AccuracyReport() {
    }

    public static void main(String[] args) {
        SolverOptions options = SolverOptions.defaults();
        List<Family> families = List.of(planted(false), planted(true), optnet());
        List<String> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Family f : families) {
            rows.add(measure(f, options, notes));
        }
        List<String> header = new ArrayList<>(List.of("family", "B×(n, m, q)", "solved"));
        header.add("polished");
        header.add("degenerate");
        header.add("iters med/max");
        header.add("bad grad");
        COLUMNS.forEach(c -> header.add(c + " worst / med"));
        System.out.println("## DiffQP accuracy against the active-set reference");
        System.out.println();
        System.out.println("Options: `" + options + "`; Java " + System.getProperty("java.version") + "  ");
        System.out.println("Error: ‖ours − ref‖∞ / ‖ref‖∞ per problem, worst / median over the batch (all "
                + "problems, solved or not); shared data: one error of the summed gradient. **bad grad**: problems "
                + "whose error in some per-problem gradient exceeds " + BAD_GRADIENT + ".");
        System.out.println();
        System.out.println("| " + String.join(" | ", header) + " |");
        System.out.println("|" + " --- |".repeat(header.size()));
        rows.forEach(System.out::println);
        System.out.println();
        notes.forEach(note -> System.out.println("- " + note));
    }

    private static Family planted(boolean shared) {
        PlantedQp p = PlantedQp.generate(shared ? 202 : 201, PLANTED_B, PLANTED_N, PLANTED_M, PLANTED_Q, shared);
        double[] g = RandomQp.gaussian(new Random(shared ? 302 : 301), PLANTED_B * PLANTED_N);
        return new Family(shared ? "planted, Q/G/A shared" : "planted", p.batch(), p.activeSets(), g);
    }

    /** The benchmarks' {@code optnet:128} case (OptNet's timing workload) with its dl/dx. */
    private static Family optnet() {
        BenchCase c = Cases.parse("optnet:" + OPTNET_B);
        QpBatch batch = c.batch();
        double[] g = c.dlDx();
        int B = batch.size(), m = batch.m();
        // No planted answer here: take the active set from a very tight solve, then let the reference
        // compute x, λ and the gradients exactly for it (checked for optimality in measure()).
        QpSolution tight = QpSolver.solve(batch, TIGHT);
        boolean[][] active = new boolean[B][m];
        for (int i = 0; i < B; i++) {
            double[] lambda = tight.lambda(i), slack = tight.slack(i);
            for (int j = 0; j < m; j++) {
                active[i][j] = lambda[j] > slack[j];
            }
        }
        return new Family("optnet (active set from tol 1e-12)", batch, active, g);
    }

    /** One markdown row for the family; anything worth knowing beyond the numbers goes to {@code notes}. */
    private static String measure(Family f, SolverOptions options, List<String> notes) {
        QpBatch batch = f.batch();
        int B = batch.size(), n = batch.n();
        List<ActiveSetReference> refs = new ArrayList<>();
        List<Map<Parameter, double[]>> refGrads = new ArrayList<>();
        int wrongActiveSets = 0;
        double smallestMargin = Double.POSITIVE_INFINITY;
        for (int i = 0; i < B; i++) {
            ActiveSetReference ref = new ActiveSetReference(batch.problem(i), f.active()[i]);
            refs.add(ref);
            refGrads.add(ref.vjp(Arrays.copyOfRange(f.dlDx(), i * n, (i + 1) * n)));
            wrongActiveSets += ref.isOptimal(OPTIMALITY_TOL) ? 0 : 1;
            smallestMargin = Math.min(smallestMargin, ref.minimumMargin());
        }
        if (wrongActiveSets > 0) {
            notes.add(f.name() + ": the reference active set is not optimal for " + wrongActiveSets + " of " + B
                    + " problems (λ_𝒜 < 0 or Gx > h off 𝒜 beyond " + OPTIMALITY_TOL + "): their errors are not meaningful.");
        }
        notes.add(String.format(Locale.ROOT, "%s: smallest λ_𝒜 or slack off 𝒜 over the batch (strict-complementarity "
                + "margin) %.1e.", f.name(), smallestMargin));

        Map<String, double[]> errors = new LinkedHashMap<>();
        String counts;
        String iterations;
        try (LayerForward forward = new QpLayer(options).forward(batch)) {
            QpSolution sol = forward.solution();
            Gradients grads = forward.backward(f.dlDx());
            errors.put("x", perProblem(B, i -> sol.x(i), i -> refs.get(i).solution().x()));
            if (batch.m() > 0) {
                errors.put("λ", perProblem(B, i -> sol.lambda(i), i -> refs.get(i).solution().lambda()));
            }
            if (batch.q() > 0) {
                errors.put("ν", perProblem(B, i -> sol.nu(i), i -> refs.get(i).solution().nu()));
            }
            for (Parameter par : Parameter.values()) {
                Datum ours = grads.has(par) ? grads.get(par) : null;
                if (ours == null) {
                    continue;
                }
                errors.put(par.gradientKey(), ours.isShared()
                        ? new double[] {ActiveSetReference.relativeError(ours.values(), ActiveSetReference.sum(refGrads, par))}
                        : perProblem(B, ours::problem, i -> refGrads.get(i).get(par)));
            }
            counts = countColumns(sol, B);
            iterations = iterationColumn(sol, B);
            reportUnsolved(f.name(), sol, B, notes);
        }
        StringBuilder row = new StringBuilder("| ").append(f.name()).append(" | ")
                .append(String.format(Locale.ROOT, "%d×(%d, %d, %d)", B, n, batch.m(), batch.q()))
                .append(" | ").append(counts).append(" | ").append(iterations)
                .append(" | ").append(badGradients(errors, B)).append("/").append(B);
        for (String column : COLUMNS) {
            row.append(" | ").append(summary(errors.get(column)));
        }
        return row.append(" |").toString();
    }

    /** Problems with some per-problem gradient error above {@link #BAD_GRADIENT} (shared data have no per-problem error). */
    private static int badGradients(Map<String, double[]> errors, int B) {
        int bad = 0;
        for (int i = 0; i < B; i++) {
            boolean wrong = false;
            for (Parameter par : Parameter.values()) {
                double[] e = errors.get(par.gradientKey());
                wrong |= e != null && e.length == B && e[i] > BAD_GRADIENT;
            }
            bad += wrong ? 1 : 0;
        }
        return bad;
    }

    private static String countColumns(QpSolution sol, int B) {
        int solved = 0;
        for (int i = 0; i < B; i++) {
            solved += sol.status(i) == Status.SOLVED ? 1 : 0;
        }
        StringBuilder out = new StringBuilder(solved + "/" + B);
        out.append(" | ").append(count(sol::polished, B)).append("/").append(B);
        out.append(" | ").append(count(sol::degenerate, B)).append("/").append(B);
        return out.toString();
    }

    /** How many of the B problems the flag is true for. */
    private static int count(java.util.function.IntPredicate flag, int B) {
        int count = 0;
        for (int i = 0; i < B; i++) {
            count += flag.test(i) ? 1 : 0;
        }
        return count;
    }

    private static String iterationColumn(QpSolution sol, int B) {
        double[] its = new double[B];
        for (int i = 0; i < B; i++) {
            its[i] = sol.iterations(i);
        }
        Arrays.sort(its);
        return String.format(Locale.ROOT, "%.0f / %.0f", median(its), its[B - 1]);
    }

    private static void reportUnsolved(String family, QpSolution sol, int B, List<String> notes) {
        Map<Status, Integer> byStatus = new LinkedHashMap<>();
        for (int i = 0; i < B; i++) {
            if (sol.status(i) != Status.SOLVED) {
                byStatus.merge(sol.status(i), 1, Integer::sum);
            }
        }
        if (!byStatus.isEmpty()) {
            notes.add(family + ": not solved at default options: " + byStatus + ".");
        }
    }

    private interface Vectors {
        double[] of(int problem);
    }

    private static double[] perProblem(int B, Vectors ours, Vectors ref) {
        double[] out = new double[B];
        for (int i = 0; i < B; i++) {
            out[i] = ActiveSetReference.relativeError(ours.of(i), ref.of(i));
        }
        return out;
    }

    /** "worst / median", or a dash when the family has no such datum. */
    private static String summary(double[] errors) {
        if (errors == null) {
            return "—";
        }
        double[] sorted = errors.clone();
        Arrays.sort(sorted);
        if (sorted.length == 1) {
            return String.format(Locale.ROOT, "%.1e", sorted[0]);
        }
        return String.format(Locale.ROOT, "%.1e / %.1e", sorted[sorted.length - 1], median(sorted));
    }

    private static double median(double[] sorted) {
        int k = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[k] : 0.5 * (sorted[k - 1] + sorted[k]);
    }
}
