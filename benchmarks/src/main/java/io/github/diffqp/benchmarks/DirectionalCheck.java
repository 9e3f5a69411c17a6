package io.github.diffqp.benchmarks;

import io.github.diffqp.backward.GradientCheck;
import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

/**
 * A cheap check of DiffQP's gradients against central finite differences, for the comparison's gradient
 * column. {@link GradientCheck} perturbs every entry (two solves each), too dear for n = 100; this check
 * perturbs each datum along one random direction D instead and compares the directional derivative of
 * {@code ℓ = Σᵢ gᵢᵀx*ᵢ} from the gradients, {@code ⟨∂ℓ/∂θ, D⟩}, with
 * {@code (ℓ(θ + tD) − ℓ(θ − tD)) / 2t}: two solves per datum.
 *
 * <p>It runs on the first few problems of a batch, one at a time (shared data stay shared). The
 * perturbed problems are solved at a tight tolerance ({@link #TOLERANCES}) so that the solver's error,
 * divided by the step, stays small. Q's direction keeps Q positive semidefinite (see {@link #direction}).
 *
 * <p>The number reported per datum is {@code |fd − an| / max(|fd|, |an|, floor)}, where the floor is
 * {@link #FLOOR} times the largest |an| over the data. The finite differences carry noise of about the
 * solver's error over the step, 10⁻⁵ of the largest directional derivative; a datum whose own
 * derivative is about that small (G and h when no constraint is active: their gradients are ~λ ≈ 0) is
 * judged against the floor rather than against its own noise. Values up to a few 10⁻³ are agreement (the
 * gradients are those of a forward at the default tolerance 10⁻⁸, whose x can be 10⁻⁴ from the optimum);
 * 10⁻² or more means a gradient disagrees with how the solution actually moves.
 */
public final class DirectionalCheck {
    /** Problems of the batch checked (the first ones). */
    public static final int DEFAULT_PROBLEMS = 4;
    /**
     * Solver tolerances of the finite differences' solves, tightest first: tight keeps the solver's error,
     * divided by the step, small; the interior-point method does not reach 10⁻¹¹ on ill-conditioned
     * problems (OptNet's Q = UᵀU + 10⁻³·I) and sometimes not 10⁻¹⁰ (random 128-variable problems stall there), so looser ones are the fallback. The
     * gradients themselves are taken at the timed run's settings: a forward pushed to 10⁻¹⁰ leaves
     * λ/s near 10¹² on active rows, where the backward's refinement no longer restores full accuracy
     * (1e-2 relative on random:64x64x64x16, against 6e-7 at the default 10⁻⁸), and that is not what
     * users get.
     */
    public static final double[] TOLERANCES = {1e-10, 1e-9, 1e-8};
    /**
     * Step t relative to max(1, max |θ|) of the datum, per entry of {@link #TOLERANCES}: larger where the
     * solves are looser, so that their error over t stays near 10⁻⁵ while t stays small enough that no
     * constraint changes from active to inactive within it.
     */
    static final double[] STEPS = {1e-5, 3e-5, 1e-4};
    /**
     * The floor of the denominator, relative to the largest directional derivative over the data: ten times
     * the finite differences' noise at the tightest tolerance.
     */
    public static final double FLOOR = 1e-4;

    /**
     * The outcome: per datum present, its worst relative difference over the problems checked (see the
     * class comment).
     *
     * @param problems  the problems checked (those with clean solves)
     * @param tolerance the loosest solver tolerance the finite differences needed, NaN when no problem
     *                  could be checked
     */
    public record Result(Map<Parameter, Double> relative, int problems, double tolerance) {
        /** The largest relative difference over the data; NaN when nothing could be checked. */
        public double worst() {
            return relative.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    private DirectionalCheck() {
    }

    /**
     * Checks the gradients of {@code batch}'s first {@code maxProblems} problems, one at a time, for the
     * loss gradient {@code dlDx} (B×n): the gradients as DiffQP computes them with {@code options} (those of
     * the timed run), the finite differences from solves at the first of {@link #TOLERANCES} at which every
     * one of them reports solved. One problem at a time, so that one problem the solver cannot push to a
     * tight tolerance does not loosen the check of the others; shared data stay shared.
     *
     * @return the worst over the problems that could be checked; empty (tolerance NaN) when none could
     */
    public static Result run(QpBatch batch, double[] dlDx, SolverOptions options, int maxProblems, long seed) {
        int k = Math.min(maxProblems, batch.size()), n = batch.n();
        Map<Parameter, Double> worst = new EnumMap<>(Parameter.class);
        int checked = 0;
        double loosest = Double.NaN;
        for (int i = 0; i < k; i++) {
            QpBatch one = slice(batch, i, 1);
            double[] g = Arrays.copyOfRange(dlDx, i * n, (i + 1) * n);
            Gradients analytic;
            try (LayerForward f = new QpLayer(options).forward(one)) {
                if (!f.solution().allSolved()) {
                    continue;
                }
                analytic = f.backward(g);
            }
            for (int t = 0; t < TOLERANCES.length; t++) {
                Map<Parameter, Double> relative = attempt(one, g, analytic, options.withTolerance(TOLERANCES[t]),
                        STEPS[t], seed + i);
                if (relative != null) {
                    relative.forEach((p, v) -> worst.merge(p, v, Math::max));
                    checked++;
                    loosest = Double.isNaN(loosest) ? TOLERANCES[t] : Math.max(loosest, TOLERANCES[t]);
                    break;
                }
            }
        }
        return new Result(worst, checked, loosest);
    }

    /** The relative differences with finite differences at these settings, or null when a solve was not clean. */
    private static Map<Parameter, Double> attempt(QpBatch sub, double[] g, Gradients analytic, SolverOptions options,
                                                  double step, long seed) {
        Random rnd = new Random(seed);
        Map<Parameter, double[]> values = new EnumMap<>(Parameter.class); // {analytic, finite difference}
        double largest = 0;
        for (Parameter p : Parameter.values()) {
            Datum d = p.of(sub);
            if (d == null) {
                continue;
            }
            double[] dir = direction(d, p == Parameter.Q, rnd);
            // Q's direction already scales with Q; the others' steps scale with their datum.
            double t = p == Parameter.Q ? step : step * Math.max(1, maxAbs(d.values()));
            double directional = dot(analytic.get(p).values(), dir);
            double plus = loss(replace(sub, p, moved(d, dir, t)), g, options);
            double minus = loss(replace(sub, p, moved(d, dir, -t)), g, options);
            if (Double.isNaN(plus) || Double.isNaN(minus)) {
                return null;
            }
            values.put(p, new double[] {directional, (plus - minus) / (2 * t)});
            largest = Math.max(largest, Math.abs(directional));
        }
        Map<Parameter, Double> relative = new EnumMap<>(Parameter.class);
        double floor = Math.max(FLOOR * largest, Double.MIN_NORMAL);
        values.forEach((p, v) -> relative.put(p,
                Math.abs(v[1] - v[0]) / Math.max(Math.max(Math.abs(v[0]), Math.abs(v[1])), floor)));
        return relative;
    }

    /** Problems {@code from .. from+count−1} of a batch; shared data stay shared (and are not copied). */
    public static QpBatch slice(QpBatch batch, int from, int count) {
        if (count < 1 || from < 0 || from + count > batch.size()) {
            throw new IllegalArgumentException("problems " + from + ".." + (from + count - 1) + " of a batch of "
                    + batch.size());
        }
        Datum[] d = new Datum[Parameter.values().length];
        for (Parameter p : Parameter.values()) {
            Datum full = p.of(batch);
            d[p.ordinal()] = full == null || full.isShared() ? full : Datum.batched(count, full.rows(), full.cols(),
                    Arrays.copyOfRange(full.values(), from * full.stride(), (from + count) * full.stride()));
        }
        return build(count, d);
    }

    /** ℓ = Σ gᵀx* at the perturbed data, or NaN when a problem was not solved cleanly. */
    private static double loss(QpBatch batch, double[] g, SolverOptions options) {
        QpSolution solution = QpSolver.solve(batch, options);
        return solution.allSolved() ? dot(solution.x(), g) : Double.NaN;
    }

    /**
     * A random direction shaped like {@code d}. For Q it is {@code ½(Q·S + S·Q)} with S diagonal and
     * Gaussian, per problem: symmetric, and Q + tD = (I + tS/2)·Q·(I + tS/2) − O(t²) stays positive
     * semidefinite, which a plain random direction does not when Q's smallest eigenvalue is small (OptNet's
     * Q = UᵀU + 10⁻³·I turned indefinite, and the perturbed problem nonconvex).
     */
    private static double[] direction(Datum d, boolean quadratic, Random rnd) {
        double[] v = new double[d.values().length];
        if (!quadratic) {
            for (int k = 0; k < v.length; k++) {
                v[k] = rnd.nextGaussian();
            }
            return v;
        }
        int n = d.rows();
        double[] q = d.values();
        double[] scale = new double[n];
        for (int o = 0; o < v.length; o += n * n) {
            for (int r = 0; r < n; r++) {
                scale[r] = rnd.nextGaussian();
            }
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    v[o + r * n + c] = 0.5 * (scale[r] + scale[c]) * q[o + r * n + c];
                }
            }
        }
        return v;
    }

    private static Datum moved(Datum d, double[] dir, double t) {
        double[] v = d.values().clone();
        for (int k = 0; k < v.length; k++) {
            v[k] += t * dir[k];
        }
        return d.isShared() ? Datum.shared(d.rows(), d.cols(), v) : Datum.batched(d.batchSize(), d.rows(), d.cols(), v);
    }

    private static QpBatch replace(QpBatch batch, Parameter which, Datum value) {
        Datum[] d = new Datum[Parameter.values().length];
        for (Parameter p : Parameter.values()) {
            d[p.ordinal()] = p == which ? value : p.of(batch);
        }
        return build(batch.size(), d);
    }

    private static QpBatch build(int size, Datum[] d) {
        return QpBatch.builder().size(size).Q(d[0]).p(d[1]).G(d[2]).h(d[3]).A(d[4]).b(d[5]).build();
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
