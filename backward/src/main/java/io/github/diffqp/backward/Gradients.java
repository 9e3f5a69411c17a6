package io.github.diffqp.backward;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.Status;

import java.util.EnumMap;
import java.util.Map;

/**
 * The vector–Jacobian product of a batch: ∂ℓ/∂Q, ∂ℓ/∂p, ∂ℓ/∂G, ∂ℓ/∂h, ∂ℓ/∂A, ∂ℓ/∂b, each shaped like
 * its input (a datum shared across the batch gets the sum over the batch). Only the requested ones are
 * present. A problem whose status is not {@link Status#SOLVED} is flagged by {@link #status(int)}: its
 * gradients are those at its last iterate for {@link Status#MAX_ITERATIONS}, and zero otherwise.
 */
public final class Gradients {
    private final Map<Parameter, Datum> values;
    private final Status[] status;
    private final boolean[] degenerate;

    Gradients(Map<Parameter, Datum> values, Status[] status, boolean[] degenerate) {
        this.values = new EnumMap<>(values);
        this.status = status;
        this.degenerate = degenerate;
    }

    /** The gradient with respect to {@code parameter}, or null when it was not requested or is absent. */
    public Datum get(Parameter parameter) {
        return values.get(parameter);
    }

    public boolean has(Parameter parameter) {
        return values.containsKey(parameter);
    }

    /** The forward status of problem {@code i}: the flag on its gradients. */
    public Status status(int i) {
        return status[i];
    }

    /**
     * Whether problem {@code i} is degenerate at its solution (docs/DESIGN.md §2.6): its derivative does not
     * exist, and its gradients are the documented element of the generalized Jacobian (every tight row kept
     * binding; least-norm multipliers over dependent rows). A training loop may skip or down-weight them.
     */
    public boolean degenerate(int i) {
        return degenerate[i];
    }
}
