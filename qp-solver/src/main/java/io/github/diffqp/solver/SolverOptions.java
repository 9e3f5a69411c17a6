package io.github.diffqp.solver;

/**
 * Settings of the interior-point solver. Immutable; change a setting with a {@code with...} method.
 *
 * <pre>{@code
 * SolverOptions opts = SolverOptions.defaults().withTolerance(1e-10).withBackend("cpu");
 * }</pre>
 */
public final class SolverOptions {
    private final double tolerance;
    private final int maxIterations;
    private final String backend;
    private final double regularization;
    private final int refinementSteps;
    private final boolean polish;

    private SolverOptions(double tolerance, int maxIterations, String backend, double regularization, int refinementSteps,
                          boolean polish) {
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("tolerance must be in (0, 1), got " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be at least 1, got " + maxIterations);
        }
        if (!(regularization >= 0 && regularization < 1)) {
            throw new IllegalArgumentException("regularization must be in [0, 1), got " + regularization);
        }
        if (refinementSteps < 0) {
            throw new IllegalArgumentException("refinementSteps must be non-negative, got " + refinementSteps);
        }
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;
        this.backend = backend == null ? "auto" : backend;
        this.regularization = regularization;
        this.refinementSteps = refinementSteps;
        this.polish = polish;
    }

    /** Tolerance 1e-8, 100 iterations, backend {@code auto}, regularization 1e-10, 3 refinement steps, polishing. */
    public static SolverOptions defaults() {
        return new SolverOptions(1e-8, 100, "auto", 1e-10, 3, true);
    }

    /**
     * Relative tolerance on the primal, dual and equality residuals and the duality gap, all measured in
     * the problem's own units, relative to the data's own scale (docs/DESIGN.md §2.4, §2.8). The gap is taken relative to the objective with or without its constant
     * c0 ({@link QpBatch#objectiveConstant()}), whichever is smaller in magnitude.
     */
    public double tolerance() {
        return tolerance;
    }

    public int maxIterations() {
        return maxIterations;
    }

    /** The backend's name ({@code cpu}, {@code cuda}) or {@code auto} for the best usable one. */
    public String backend() {
        return backend;
    }

    /**
     * Static regularization added to the diagonal of the reduced KKT blocks, relative to their largest
     * diagonal entry. Iterative refinement against the unregularized system removes its bias.
     */
    public double regularization() {
        return regularization;
    }

    /** Iterative-refinement steps after each reduced KKT solve. */
    public int refinementSteps() {
        return refinementSteps;
    }

    /**
     * Whether the interior-point answer is polished into the exact solution of its active set (docs/DESIGN.md
     * §2.5), and differentiated as such. On by default; off only to measure what polishing changes.
     */
    public boolean polish() {
        return polish;
    }

    public SolverOptions withPolish(boolean value) {
        return new SolverOptions(tolerance, maxIterations, backend, regularization, refinementSteps, value);
    }

    public SolverOptions withTolerance(double value) {
        return new SolverOptions(value, maxIterations, backend, regularization, refinementSteps, polish);
    }

    public SolverOptions withMaxIterations(int value) {
        return new SolverOptions(tolerance, value, backend, regularization, refinementSteps, polish);
    }

    public SolverOptions withBackend(String value) {
        return new SolverOptions(tolerance, maxIterations, value, regularization, refinementSteps, polish);
    }

    public SolverOptions withRegularization(double value) {
        return new SolverOptions(tolerance, maxIterations, backend, value, refinementSteps, polish);
    }

    public SolverOptions withRefinementSteps(int value) {
        return new SolverOptions(tolerance, maxIterations, backend, regularization, value, polish);
    }

    @Override
    public String toString() {
        return "SolverOptions[tolerance=" + tolerance + ", maxIterations=" + maxIterations + ", backend=" + backend
                + ", regularization=" + regularization + ", refinementSteps=" + refinementSteps + ", polish=" + polish + "]";
    }
}
