package io.github.diffqp.backward;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Compares the layer's gradients with central finite differences of the loss {@code ℓ = Σᵢ gᵢᵀ x*ᵢ}
 * on any batch, so users can check the layer on their own problems. Each entry of each datum is
 * perturbed by ±{@code step·max(1, |θ|)} and the whole batch re-solved; a shared datum's perturbation
 * moves every problem, so it is compared with the summed gradient. Q is perturbed symmetrically (entries
 * (r, c) and (c, r) together). Cost: two solves per entry, so keep the problems small.
 *
 * <pre>{@code
 * GradientCheck.Report r = GradientCheck.run(batch, dlDx, SolverOptions.defaults().withTolerance(1e-12), 1e-6);
 * System.out.println(r);               // worst relative error per datum
 * }</pre>
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    /**
     * The outcome: per datum, {@code ‖fd − analytic‖∞ / ‖analytic‖∞} (or the absolute difference when the
     * gradient is zero), over every entry and problem.
     */
    public record Report(Map<Parameter, Double> relativeError) {
        /** The worst relative error over all data. */
        public double worst() {
            return relativeError.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("gradient check, worst relative error:");
            relativeError.forEach((p, e) -> sb.append(' ').append(p.symbol()).append('=').append(String.format("%.2e", e)));
            return sb.toString();
        }
    }

    /**
     * @param dlDx    g = ∂ℓ/∂x*, stacked B×n
     * @param options solver settings for every solve; a tight tolerance (1e-11 or so) keeps the finite
     *                differences' noise below their truncation error
     * @param step    relative finite-difference step, e.g. 1e-6
     */
    public static Report run(QpBatch batch, double[] dlDx, SolverOptions options, double step) {
        Gradients analytic;
        try (LayerForward f = new QpLayer(options).forward(batch)) {
            analytic = f.backward(dlDx);
        }
        Map<Parameter, Double> errors = new EnumMap<>(Parameter.class);
        for (Parameter p : Parameter.values()) {
            Datum d = p.of(batch);
            if (d == null) {
                continue;
            }
            double[] an = analytic.get(p).values();
            double worstDiff = 0, scale = 0;
            int cols = d.cols();
            for (int k = 0; k < d.values().length; k++) {
                int within = k % d.stride(), r = within / cols, c = within % cols;
                if (p == Parameter.Q && c < r) {
                    continue; // covered by its mirror (r, c) with r < c
                }
                int mirror = k - within + c * cols + r;
                double expected = p == Parameter.Q && r != c ? an[k] + an[mirror] : an[k];
                double h = step * Math.max(1, Math.abs(d.values()[k]));
                double plus = loss(batch, p, k, mirror, h, dlDx, options);
                double minus = loss(batch, p, k, mirror, -h, dlDx, options);
                double fd = (plus - minus) / (2 * h);
                worstDiff = Math.max(worstDiff, Math.abs(fd - expected));
                scale = Math.max(scale, Math.abs(expected));
            }
            errors.put(p, scale > 0 ? worstDiff / scale : worstDiff);
        }
        return new Report(errors);
    }

    private static double loss(QpBatch batch, Parameter p, int k, int mirror, double h, double[] g,
                               SolverOptions options) {
        QpBatch moved = replace(batch, p, d -> {
            double[] v = d.values().clone();
            v[k] += h;
            if (p == Parameter.Q && mirror != k) {
                v[mirror] += h;
            }
            return d.isShared() ? Datum.shared(d.rows(), d.cols(), v) : Datum.batched(d.batchSize(), d.rows(), d.cols(), v);
        });
        QpSolution sol = QpSolver.solve(moved, options);
        double[] x = sol.x();
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            s += g[j] * x[j];
        }
        return s;
    }

    private static QpBatch replace(QpBatch batch, Parameter p, UnaryOperator<Datum> change) {
        Datum[] d = new Datum[Parameter.values().length];
        for (Parameter each : Parameter.values()) {
            Datum value = each.of(batch);
            d[each.ordinal()] = each == p ? change.apply(value) : value;
        }
        return QpBatch.builder().size(batch.size()).Q(d[0]).p(d[1]).G(d[2]).h(d[3]).A(d[4]).b(d[5]).build();
    }
}
