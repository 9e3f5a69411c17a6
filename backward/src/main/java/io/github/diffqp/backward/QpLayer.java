package io.github.diffqp.backward;

import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;

/**
 * A batch of QPs as a differentiable layer (OptNet): {@link #forward} solves and keeps what the
 * backward needs; {@link LayerForward#backward} returns ∂ℓ/∂(Q, p, G, h, A, b) from ∂ℓ/∂x*;
 * {@link LayerForward#jvp} returns dx* for given data directions.
 *
 * <pre>{@code
 * QpLayer layer = new QpLayer(SolverOptions.defaults());
 * try (LayerForward f = layer.forward(batch)) {
 *     double[] x = f.solution().x();
 *     Gradients g = f.backward(dlDx, Parameter.P, Parameter.A);
 *     Datum dA = g.get(Parameter.A);   // summed over the batch when A is shared
 * }
 * }</pre>
 */
public final class QpLayer {
    private final SolverOptions options;

    public QpLayer(SolverOptions options) {
        this.options = options;
    }

    public QpLayer() {
        this(SolverOptions.defaults());
    }

    public SolverOptions options() {
        return options;
    }

    /** Solves the batch and keeps its final iterate and KKT factorization; close the result when done. */
    public LayerForward forward(QpBatch batch) {
        return new LayerForward(QpSolver.solveAndKeep(batch, options));
    }
}
