package io.github.diffqp.solver;

/** How the solve of one problem of a batch ended. */
public enum Status {
    /** Residuals and duality gap below tolerance, at the interior-point iterate or after polishing. */
    SOLVED("solved"),
    /** The iteration limit was reached short of the tolerance; the last iterate is reported. */
    MAX_ITERATIONS("max_iterations"),
    /** A certificate of primal infeasibility was found: no x satisfies the constraints. */
    PRIMAL_INFEASIBLE("primal_infeasible"),
    /** A certificate of dual infeasibility was found: the objective is unbounded below. */
    DUAL_INFEASIBLE("dual_infeasible"),
    /**
     * A factorization failed at every shift, a value became non-finite, or the iterates stalled (the worst
     * relative residual did not halve over 15 iterations) short of the tolerance (docs/DESIGN.md §2.7).
     */
    NUMERICAL_ERROR("numerical_error");

    private final String label;

    Status(String label) {
        this.label = label;
    }

    /** The name used in solution files: {@code solved}, {@code max_iterations}, ... */
    public String label() {
        return label;
    }

    public static Status fromLabel(String label) {
        for (Status s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status '" + label + "'");
    }
}
