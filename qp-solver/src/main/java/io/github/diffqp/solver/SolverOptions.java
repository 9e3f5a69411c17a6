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

    private SolverOptions(double tolerance, int maxIterations, String backend, double regularization, int refinementSteps) {
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
    }

    /** Tolerance 1e-8, 100 iterations, backend {@code auto}, regularization 1e-10, 3 refinement steps. */
    public static SolverOptions defaults() {
        return new SolverOptions(1e-8, 100, "auto", 1e-10, 3);
    }

    /**
     * Relative tolerance on the primal, dual and equality residuals and the duality gap, all measured in
     * the problem's own units. The gap is taken relative to the objective with or without its constant
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

    public SolverOptions withTolerance(double value) {
        return new SolverOptions(value, maxIterations, backend, regularization, refinementSteps);
    }

    public SolverOptions withMaxIterations(int value) {
        return new SolverOptions(tolerance, value, backend, regularization, refinementSteps);
    }

    public SolverOptions withBackend(String value) {
        return new SolverOptions(tolerance, maxIterations, value, regularization, refinementSteps);
    }

    public SolverOptions withRegularization(double value) {
        return new SolverOptions(tolerance, maxIterations, backend, value, refinementSteps);
    }

    public SolverOptions withRefinementSteps(int value) {
        return new SolverOptions(tolerance, maxIterations, backend, regularization, value);
    }

    @Override
    public String toString() {
        return "SolverOptions[tolerance=" + tolerance + ", maxIterations=" + maxIterations + ", backend=" + backend
                + ", regularization=" + regularization + ", refinementSteps=" + refinementSteps + "]";
    }
}
